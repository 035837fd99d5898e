// `--precision` on run, compare and sweep: replications in batches until each named 95% CI half-width
// is small enough (in every scenario or point); the result is exactly `--replications N` for the N it
// stopped at, whatever the workers.
import { beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt } from './cli-process.js';

const NO_TIME_LIMIT = { timeout: 0 };
const BASE = ['run', 'single-replica', '--horizon', '30d', '--replications', '20', '--seed', '2'];

interface Report {
  met: boolean;
  replications: number;
  maxReplications: number;
  metrics: Array<{ metric: string; target: number; relative: boolean; relativeHalfWidth: number | null; halfWidth: number | null; met: boolean }>;
}

beforeAll(() => requireBuilt());

describe('run --precision', () => {
  test('stops once availability is precise enough, with run --replications N’s result, for any workers', NO_TIME_LIMIT, async () => {
    const args = [...BASE, '--precision', 'metrics.service.availability=0.005%', '--json'];
    const [one, two] = await Promise.all([deploysim([...args, '--workers', '1']), deploysim([...args, '--workers', '2'])]);
    expectExit(one!, 0);
    expectExit(two!, 0);
    expect(two!.stdout).toBe(one!.stdout);
    const { precision, ...result } = JSON.parse(one!.stdout) as { precision: Report; replications: number };
    expect(precision.met).toBe(true);
    expect(precision.replications).toBeGreaterThan(20);
    expect(result.replications).toBe(precision.replications);
    const [m] = precision.metrics;
    expect(m!.metric).toBe('service.availability');
    expect(m!.relativeHalfWidth!).toBeLessThanOrEqual(0.00005);
    const plain = await deploysim([...BASE, '--replications', String(precision.replications), '--json']);
    expectExit(plain, 0);
    expect(JSON.stringify(result)).toBe(JSON.stringify(JSON.parse(plain.stdout)));
    // The batches before the last did not meet it: one batch fewer (2/3 as many) is not precise enough.
    const fewer = await deploysim([...BASE, '--replications', String(Math.floor(precision.replications / 1.5)), '--precision', 'metrics.service.availability=0.005%', '--max-replications', String(Math.floor(precision.replications / 1.5)), '--json']);
    expect((JSON.parse(fewer.stdout) as { precision: Report }).precision.met).toBe(false);
  });

  test('reports a target missed at --max-replications, in the table too', NO_TIME_LIMIT, async () => {
    const r = await deploysim([...BASE, '--precision', '1%', '--max-replications', '45']);
    expectExit(r, 0);
    expect(r.stdout).toContain('precision: 45 replications; a target missed at the most allowed (--max-replications 45)');
    expect(r.stdout).toMatch(/service\.downtimeS: ±[\d.]+% of the mean \(target 1\.00%\) MISSED/);
  });

  test('bad targets are input errors naming what is expected', NO_TIME_LIMIT, async () => {
    const cases: Array<[string[], string]> = [
      [['--precision', 'abc'], '--precision abc: expected a 95% CI half-width above 0'],
      [['--precision', '1'], 'without a metric the target is a share'],
      [['--precision', 'metrics.service.availabilty=1%'], 'has no metric service.availabilty'],
      [['--precision', '1%', '--max-replications', '0'], '--max-replications 0: expected a whole number from 1 to 1,000,000'],
      [['--max-replications', '50'], '--max-replications goes with --precision'],
    ];
    for (const [args, message] of cases) {
      const r = await deploysim([...BASE, ...args]);
      expectExit(r, 1);
      expect(r.stderr, describeRun(r)).toContain(message);
      expectNoStackTrace(r);
    }
  });
});

describe('compare and sweep --precision', () => {
  const COMMON = ['--horizon', '30d', '--replications', '10', '--seed', '2'];

  test('compare goes on until every scenario meets the target, and gives compare --replications N', NO_TIME_LIMIT, async () => {
    const args = ['compare', 'single-replica', 'multiple-replicas', ...COMMON, '--baseline', 'multiple-replicas'];
    const json = await deploysim([...args, '--precision', 'service.incidents=10%', '--json']);
    expectExit(json, 0);
    const results = JSON.parse(json.stdout) as Array<{ scenario: string; replications: number; precision: Report }>;
    const n = results[0]!.precision.replications;
    expect(n).toBeGreaterThan(10);
    expect(results.map((r) => r.replications)).toEqual([n, n]);
    expect(results.map((r) => r.precision.metrics.map((m) => m.met))).toEqual([[true], [true]]);
    // Single-replica is the wider one (multiple-replicas has no incidents); one batch fewer (2/3 as many) did not meet it there.
    const widest = results[0]!.precision.metrics[0]!;
    expect(widest.relativeHalfWidth!).toBeLessThanOrEqual(0.1);
    expect(results[1]!.precision.metrics[0]!.halfWidth).toBe(0);
    const [plain, table, fewer] = await Promise.all([
      deploysim([...args, '--replications', String(n), '--json']),
      deploysim([...args, '--precision', 'service.incidents=10%']),
      deploysim([...args, '--precision', 'service.incidents=10%', '--max-replications', String(Math.floor(n / 1.5)), '--json']),
    ]);
    expectExit(plain, 0);
    expect(JSON.stringify(results.map(({ precision: _p, ...r }) => r), null, 2) + '\n').toBe(plain.stdout);
    expect(table.stdout).toContain(`precision: ${n.toLocaleString('en-US')} replications each; every target met`);
    expect(table.stdout).toMatch(/service\.incidents: widest ±[\d.]+% of the mean at single-replica \(target 10\.0%\); met in 2 of 2/);
    expect((JSON.parse(fewer.stdout) as Array<{ precision: Report }>)[0]!.precision.met).toBe(false);
  });

  test('sweep gives every point the same replications, sweep --replications N, and keeps CSV a table', NO_TIME_LIMIT, async () => {
    const args = ['sweep', 'single-replica', '--vary', 'horizon=20d,30d', '--replications', '10', '--seed', '2'];
    const json = await deploysim([...args, '--precision', 'service.incidents=10%', '--json']);
    expectExit(json, 0);
    const lines = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { replications: number; precision: Report });
    const n = lines[0]!.precision.replications;
    expect(n).toBeGreaterThan(10);
    expect(lines.map((l) => l.replications)).toEqual([n, n]);
    const [plain, csv] = await Promise.all([
      deploysim([...args, '--replications', String(n), '--json']),
      deploysim([...args, '--precision', 'service.incidents=10%', '--csv']),
    ]);
    expect(lines.map(({ precision: _p, ...r }) => JSON.stringify(r) + '\n').join('')).toBe(plain.stdout);
    expect(csv.stdout.split('\n')[1]).toMatch(new RegExp(`^20d,${n},`));
    expect(csv.stderr).toMatch(/^precision: [\d,]+ replications each; every target met\n  service\.incidents: widest ±[\d.]+% of the mean at horizon=\d+d \(target 10\.0%\); met in 2 of 2\n$/);
  });

  test('--shard does not go with --precision, on any command', NO_TIME_LIMIT, async () => {
    for (const command of [['run', 'single-replica'], ['compare'], ['sweep', 'single-replica', '--vary', 'workloads[0].replicas=1,2']]) {
      const r = await deploysim([...command, '--precision', '1%', '--shard', '0/2']);
      expectExit(r, 1);
      expect(r.stderr).toContain('--shard runs a fixed slice of the replications: it does not go with --precision');
      expectNoStackTrace(r);
    }
  });
});
