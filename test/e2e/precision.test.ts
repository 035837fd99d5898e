// `deploysim run --precision`: replications in batches until each named 95% CI half-width is small
// enough; the result is exactly `run --replications N` for the N it stopped at, whatever the workers.
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
