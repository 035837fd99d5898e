// `deploysim sweep` in the compiled program: every combination of the --vary values, each point the
// same as `deploysim run --set` at that point (same seed: common random numbers), as a table, CSV or
// JSON lines, to stdout or written whole to --out; bad axes are located errors before anything runs.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt } from './cli-process.js';

const NO_TIME_LIMIT = { timeout: 0 };
const FAST = ['--replications', '6', '--horizon', '20d', '--seed', '3'];
const AXES = ['--vary', 'workloads[0].replicas=1..2', '--vary', 'cluster.nodePools[0].count=2,3'];
const temp = mkdtempSync(join(tmpdir(), 'deploysim-sweep-'));

beforeAll(() => requireBuilt());
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('deploysim sweep', () => {
  test('runs every combination, each point as run --set gives it, the same with 1 and 2 workers', NO_TIME_LIMIT, async () => {
    const [one, two] = await Promise.all([1, 2].map((n) => deploysim(['sweep', 'multiple-replicas-coordination', ...AXES, ...FAST, '--json', '--workers', String(n)])));
    expectExit(one!, 0);
    expectExit(two!, 0);
    expect(two!.stdout).toBe(one!.stdout);
    const lines = one!.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['point'])).toEqual([
      { 'workloads[0].replicas': '1', 'cluster.nodePools[0].count': '2' },
      { 'workloads[0].replicas': '1', 'cluster.nodePools[0].count': '3' },
      { 'workloads[0].replicas': '2', 'cluster.nodePools[0].count': '2' },
      { 'workloads[0].replicas': '2', 'cluster.nodePools[0].count': '3' },
    ]);
    const runs = await Promise.all(
      [['1', '2'], ['2', '3']].map(([replicas, nodes]) => deploysim(['run', 'multiple-replicas-coordination', ...FAST, '--json', '--set', `workloads[0].replicas=${replicas}`, '--set', `cluster.nodePools[0].count=${nodes}`])),
    );
    for (const [k, run] of [[0, runs[0]!], [3, runs[1]!]] as const) {
      expectExit(run, 0);
      const { point: _point, ...result } = lines[k]!;
      expect(JSON.stringify(result)).toBe(JSON.stringify(JSON.parse(run.stdout)));
    }
  });

  test('prints a table with a row per point, CSV with raw numbers, and writes --out whole', NO_TIME_LIMIT, async () => {
    const file = join(temp, 'sweep.csv');
    const [table, csv, out] = await Promise.all([
      deploysim(['sweep', 'multiple-replicas-coordination', ...AXES, ...FAST]),
      deploysim(['sweep', 'multiple-replicas-coordination', ...AXES, ...FAST, '--csv']),
      deploysim(['sweep', 'multiple-replicas-coordination', ...AXES, ...FAST, '--csv', '--out', file]),
    ]);
    for (const r of [table, csv, out]) expectExit(r, 0);
    expect(table.stdout).toMatch(/^Sweep of multiple-replicas-coordination: 4 points on common random numbers/);
    const rows = table.stdout.split('\n').filter((l) => /^\d+ +\d+ /.test(l));
    expect(rows.map((l) => l.split(/ +/).slice(0, 2).join(' '))).toEqual(['1 2', '1 3', '2 2', '2 3']);
    const records = csv.stdout.trimEnd().split('\n').map((l) => l.split(','));
    expect(records[0]!.slice(0, 4)).toEqual(['workloads[0].replicas', 'cluster.nodePools[0].count', 'replications', 'service.availability (mean)']);
    expect(records).toHaveLength(5);
    for (const r of records.slice(1)) expect(Number(r[3])).toBeGreaterThan(0.99);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`deploysim: written to ${file}`);
    expect(readFileSync(file, 'utf8')).toBe(csv.stdout);
    expect(readdirSync(temp).filter((f) => f.includes('partial'))).toEqual([]);
  });

  test('reports a field that does not exist, a value it cannot take and a bad list before running anything', NO_TIME_LIMIT, async () => {
    const file = join(temp, 'never.json');
    const cases: Array<[string[], string]> = [
      [['--vary', 'workloads[0].replicaz=1..3'], 'replicaz'],
      [['--vary', 'workloads[0].replicas=1,two'], '--vary workloads[0].replicas=two'],
      [['--vary', 'workloads[0].replicas=5..1'], 'expected a range of whole numbers from low to high'],
      [['--vary', 'workloads[0].replicas'], 'expected PATH=LIST'],
      [['--vary', 'workloads[0].replicas=1,,2'], 'an empty value'],
      [['--vary', 'horizon=1..200000'], 'at most 10,000 points'],
      [[], 'give at least one --vary'],
    ];
    for (const [args, message] of cases) {
      const r = await deploysim(['sweep', 'multiple-replicas', ...args, ...FAST, '--json', '--out', file]);
      expectExit(r, 1);
      expect(r.stderr, describeRun(r)).toContain(message);
      expectNoStackTrace(r);
      expect(existsSync(file)).toBe(false);
    }
    const r = await deploysim(['sweep', 'multiple-replicas', ...AXES, ...FAST, '--out', join(temp, 'no-such-dir', 'x.txt')]);
    expectExit(r, 1);
    expect(r.stderr).toContain('--out');
  });
});
