// `deploysim sweep` in the compiled program: every combination of the --vary values, each point the
// same as `deploysim run --set` at that point (same seed: common random numbers), as a table, CSV or
// JSON lines, to stdout or written whole to --out; bad axes are located errors before anything runs.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
      [['--vary', 'workloads[0].replicas=1,,2'], 'no empty value'],
      [['--vary', 'horizon=1..200000'], 'at most 10,000 points'],
      [[], 'multiple-replicas has no sweep: section; give at least one --vary'],
      [['--vary', 'workloads[0].replicas=1,2', '--vary', 'workloads[0].replicas=3'], '--vary: expected axes each of a different field (workloads[0].replicas is varied twice'],
    ];
    for (const [args, message] of cases) {
      const r = await deploysim(['sweep', 'multiple-replicas', ...args, ...FAST, '--json', '--out', file]);
      expectExit(r, 1);
      expect(r.stderr, describeRun(r)).toContain(message);
      expectNoStackTrace(r);
      expect(existsSync(file)).toBe(false);
    }
    // Values that are fine together but not alone with the file's other fields run (minReplicas 4 with maxReplicas 8).
    const together = await deploysim(['sweep', 'single-replica', '--vary', 'workloads[0].autoscaling.minReplicas=4,5', '--vary', 'workloads[0].autoscaling.maxReplicas=8', ...FAST, '--csv']);
    expectExit(together, 0);
    expect(together.stdout.trimEnd().split('\n')).toHaveLength(3);
    const r = await deploysim(['sweep', 'multiple-replicas', ...AXES, ...FAST, '--out', join(temp, 'no-such-dir', 'x.txt')]);
    expectExit(r, 1);
    expect(r.stderr).toContain('--out');
  });

  test("a scenario's sweep: section runs as the same --vary axes do; --vary adds an axis or takes the place of the section's", NO_TIME_LIMIT, async () => {
    const plain = join(temp, 'plain.yaml');
    const swept = join(temp, 'swept.yaml');
    const body = 'name: swept\nhorizon: 20d\nreplications: 6\nseed: 3\nworkloads:\n  - name: mi\n    replicas: 2\n';
    writeFileSync(plain, body);
    writeFileSync(swept, `${body}sweep:\n  - field: workloads[0].replicas\n    values: 1..2\n  - field: cluster.nodePools[0].count\n    values: [2, 3]\n`);
    const [fromFile, fromVary, replaced, added, run] = await Promise.all([
      deploysim(['sweep', swept, '--json']),
      deploysim(['sweep', plain, ...AXES, '--json']),
      deploysim(['sweep', swept, '--vary', 'cluster.nodePools[0].count=4', '--json']),
      deploysim(['sweep', swept, '--vary', 'coordination.heartbeatInterval=5s,10s', '--csv']),
      deploysim(['run', swept, '--json']),
    ]);
    for (const r of [fromFile, fromVary, replaced, added, run]) expectExit(r, 0);
    // (Each point's resolved scenario is the point's: without the sweep: section.)
    expect(fromFile.stdout).toBe(fromVary.stdout);
    const points = (r: typeof fromFile) => r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { point: Record<string, string> }).point);
    expect(points(replaced)).toEqual([
      { 'workloads[0].replicas': '1', 'cluster.nodePools[0].count': '4' },
      { 'workloads[0].replicas': '2', 'cluster.nodePools[0].count': '4' },
    ]);
    expect(added.stdout.split('\n')[0]).toBe('workloads[0].replicas,cluster.nodePools[0].count,coordination.heartbeatInterval,replications,service.availability (mean),service.availability (ci95 low),service.availability (ci95 high),service.downtimeS (mean),service.downtimeS (ci95 low),service.downtimeS (ci95 high),cost.nodeHours (mean),cost.nodeHours (ci95 low),cost.nodeHours (ci95 high)');
    expect(added.stdout.trimEnd().split('\n')).toHaveLength(9);
    // run simulates the scenario as written, and says so.
    expect(run.stderr).toContain(`has a sweep: section (4 points); run simulates the scenario as written, deploysim sweep`);
    expect((JSON.parse(run.stdout) as { replications: number }).replications).toBe(6);
  });

  test("bad entries of a sweep: section are errors at their line, each once, before anything runs", NO_TIME_LIMIT, async () => {
    const file = join(temp, 'bad-sweep.yaml');
    writeFileSync(
      file,
      [
        'horizon: 20d',
        'replications: 6',
        'workloads:',
        '  - name: mi',
        'sweep:',
        '  - field: workloads[0].replicaz',
        '    values: 1..3',
        '  - field: cluster.nodePools[0].count',
        '    values: [2, -4, 5s]',
        '',
      ].join('\n'),
    );
    const r = await deploysim(['sweep', file, '--json']);
    expectExit(r, 1);
    expectNoStackTrace(r);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/bad-sweep\.yaml:7:13 \(sweep\[0\]: workloads\[0\]\.replicaz=1\) workloads\[0\]\.replicaz: expected one of the fields .*did you mean replicas/);
    expect(lines[1]).toMatch(/bad-sweep\.yaml:9:17 \(sweep\[1\]: cluster\.nodePools\[0\]\.count=-4\) cluster\.nodePools\[0\]\.count: expected an integer between 0 and 1000, got -4$/);
    expect(lines[2]).toMatch(/bad-sweep\.yaml:9:21 \(sweep\[1\]: cluster\.nodePools\[0\]\.count=5s\) cluster\.nodePools\[0\]\.count: expected an integer, got "5s"$/);
    // The section's own shape is checked when the scenario loads, for every command.
    writeFileSync(file, 'workloads:\n  - name: mi\nsweep:\n  - field: "workloads[0"\n    values: [1, 1]\n  - values: [{a: 1}]\n');
    const shape = await deploysim(['run', file]);
    expectExit(shape, 1);
    expect(shape.stderr).toContain('bad-sweep.yaml:4:12 sweep[0].field: expected a field path as --set takes it');
    expect(shape.stderr).toContain('bad-sweep.yaml:5:13 sweep[0].values: expected each value once (1 is listed twice), got a list');
    expect(shape.stderr).toContain('bad-sweep.yaml:6:5 sweep[1].field: expected a field path');
    expect(shape.stderr).toContain('bad-sweep.yaml:6:14 sweep[1].values[0]: expected a number, a duration, a name or true/false (a single value), got a mapping');
  });
});
