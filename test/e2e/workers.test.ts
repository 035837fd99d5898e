// `--workers N` in the compiled program: replications on N worker threads (tinypool) give the same
// bytes on stdout as one thread, for run and compare; a bad N and a limit reached inside a worker
// are plain input errors (exit 1), never a stack trace.
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
