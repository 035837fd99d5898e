// `--workers N` in the compiled program: replications on N worker threads (tinypool) give the same
// bytes on stdout as one thread, for run and compare; a bad N and a limit reached inside a worker
// are plain input errors (exit 1), never a stack trace. Also `compare --baseline NAME`.
import { beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt } from './cli-process.js';

const NO_TIME_LIMIT = { timeout: 0 };
const FAST = ['--replications', '24', '--horizon', '30d'];

beforeAll(() => requireBuilt());

describe('--workers', () => {
  test('compare --json is identical with 1, 2 and 3 workers', NO_TIME_LIMIT, async () => {
    const [one, two, three] = await Promise.all([1, 2, 3].map((n) => deploysim(['compare', '--json', ...FAST, '--workers', String(n)])));
    for (const r of [one!, two!, three!]) {
      expectExit(r, 0);
      expect(r.stderr, describeRun(r)).toBe('');
    }
    expect((JSON.parse(one!.stdout) as unknown[]).length).toBe(5);
    expect(two!.stdout).toBe(one!.stdout);
    expect(three!.stdout).toBe(one!.stdout);
  });

  test('run --json and the table are identical with 1 and 2 workers', NO_TIME_LIMIT, async () => {
    const args = ['run', 'multiple-replicas-coordination', '--seed', '5', ...FAST];
    const [json1, json2, table1, table2] = await Promise.all([
      deploysim([...args, '--json', '--workers', '1']),
      deploysim([...args, '--json', '--workers', '2']),
      deploysim([...args, '--workers', '1']),
      deploysim([...args, '--workers', '2']),
    ]);
    for (const r of [json1!, json2!, table1!, table2!]) expectExit(r, 0);
    expect(json2!.stdout).toBe(json1!.stdout);
    expect(table2!.stdout).toBe(table1!.stdout);
  });

  test('a bad number of workers is an input error naming the option and what it expects', NO_TIME_LIMIT, async () => {
    for (const bad of ['0', '-2', 'two', '1.5']) {
      const r = await deploysim(['run', 'single-replica', '--workers', bad]);
      expectExit(r, 1);
      expect(r.stderr, describeRun(r)).toContain(`--workers ${bad}: expected a whole number of at least 1`);
      expectNoStackTrace(r);
    }
  });

  test('a limit reached inside a worker thread is reported as it is in one thread', NO_TIME_LIMIT, async () => {
    const args = ['run', 'single-replica', ...FAST, '--set', 'limits.maxEventsPerReplication=50'];
    const [one, two] = await Promise.all([deploysim([...args, '--workers', '1']), deploysim([...args, '--workers', '2'])]);
    expectExit(one!, 1);
    expectExit(two!, 1);
    expectNoStackTrace(two!);
    expect(two!.stderr).toBe(one!.stderr);
    expect(two!.stdout).toBe('');
  });
});

interface Diffs {
  scenario: string;
  pairedDifferences?: { baseline: string; significant: string[]; metrics: Record<string, Record<string, { mean: number | null; ci95: [number, number] | null }>> };
}

describe('compare --baseline', () => {
  test('pairs every other scenario with the baseline, lists the significant differences, and shows them in the table', NO_TIME_LIMIT, async () => {
    const args = ['compare', 'single-replica', 'multiple-replicas', 'multiple-replicas-coordination', ...FAST, '--baseline', 'multiple-replicas'];
    const [json, table, headline] = await Promise.all([deploysim([...args, '--json']), deploysim([...args, '--detail']), deploysim(args)]);
    expectExit(json, 0);
    expectExit(table, 0);
    expectExit(headline, 0);
    const results = JSON.parse(json.stdout) as Diffs[];
    expect(results.map((r) => r.scenario)).toEqual(['single-replica', 'multiple-replicas', 'multiple-replicas-coordination']);
    expect(results[1]!.pairedDifferences).toBeUndefined();
    for (const r of [results[0]!, results[2]!]) {
      const d = r.pairedDifferences!;
      expect(d.baseline).toBe('multiple-replicas');
      // Exactly the metrics whose difference's 95% CI excludes 0.
      for (const [group, metrics] of Object.entries(d.metrics)) {
        for (const [name, s] of Object.entries(metrics)) {
          if (s === null || typeof s !== 'object' || !('ci95' in s)) continue;
          const excludesZero = s.ci95 !== null && (s.ci95[0] > 0 || s.ci95[1] < 0);
          expect(d.significant.includes(`${group}.${name}`), `${r.scenario} ${group}.${name}`).toBe(excludesZero);
        }
      }
    }
    // The single replica is down when its node is: its availability is significantly lower.
    expect(results[0]!.pairedDifferences!.significant).toContain('service.availability');
    expect(results[0]!.pairedDifferences!.metrics.service!.availability!.mean!).toBeLessThan(0);
    expect(table.stdout).toMatch(/paired difference from multiple-replicas \(\* the 95% CI excludes 0\)/);
    expect(table.stdout).toMatch(/\n {2}availability +-[\d.]+% ±[\d.]+ \*/);
    // The headline shows the same differences, signed, in its own rows.
    expect(headline.stdout).toContain('Paired difference from multiple-replicas (* its 95% CI excludes 0):');
    expect(headline.stdout).toMatch(/\navailability +-[\d.]+%\* /);
  });

  test('names the scenarios it can be when it is none of them', NO_TIME_LIMIT, async () => {
    const r = await deploysim(['compare', 'single-replica', 'multiple-replicas', ...FAST, '--baseline', 'two-replicas']);
    expectExit(r, 1);
    expect(r.stderr).toContain('--baseline two-replicas: expected one of the compared scenarios: single-replica, multiple-replicas');
    expectNoStackTrace(r);
  });
});
