// --shard i/n and deploysim merge: the shards of a compare or a sweep, merged, print exactly what one
// run prints; shards that are not all the shards of one experiment, each whole, are input errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt } from './cli-process.js';

const NO_TIME_LIMIT = { timeout: 0 };
const temp = mkdtempSync(join(tmpdir(), 'deploysim-shard-'));
const COMPARE = ['compare', '--replications', '7', '--horizon', '15d', '--seed', '9', '--baseline', 'multiple-replicas'];
const SWEEP = ['sweep', 'multiple-replicas-coordination', '--vary', 'workloads[0].replicas=1..3', '--replications', '5', '--horizon', '15d', '--csv'];

beforeAll(() => requireBuilt());
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function shardsOf(args: string[], n: number, name: string, workers = '1'): Promise<string[]> {
  const files = Array.from({ length: n }, (_, i) => join(temp, `${name}-${i}.jsonl`));
  const runs = await Promise.all(files.map((file, i) => deploysim([...args, '--shard', `${i}/${n}`, '--out', file, '--workers', workers])));
  for (const r of runs) expectExit(r, 0);
  return files;
}

describe('shards merged', () => {
  test('equal compare, as JSON and as the table, byte for byte', NO_TIME_LIMIT, async () => {
    for (const format of [['--json'], []]) {
      const args = [...COMPARE, ...format];
      const [files, one] = await Promise.all([shardsOf(args, 3, `compare${format.length}`, '2'), deploysim(args)]);
      expectExit(one, 0);
      const merged = await deploysim(['merge', ...files.reverse()]);
      expectExit(merged, 0);
      expect(merged.stdout).toBe(one.stdout);
    }
    // A shard's file is the same whatever the workers that wrote it.
    const [two] = await shardsOf([...COMPARE, '--json'], 3, 'compare-one-worker', '1');
    expect(readFileSync(two!, 'utf8')).toBe(readFileSync(join(temp, 'compare1-0.jsonl'), 'utf8'));
  });

  test('equal a sweep byte for byte, read from a folder too, and more shards than a point has replications', NO_TIME_LIMIT, async () => {
    const [files, one] = await Promise.all([shardsOf(SWEEP, 7, 'sweep'), deploysim(SWEEP)]);
    expectExit(one, 0);
    const merged = await deploysim(['merge', ...files]);
    expectExit(merged, 0);
    expect(merged.stdout).toBe(one.stdout);
    const dir = mkdtempSync(join(temp, 'folder-'));
    for (const [i, f] of files.entries()) writeFileSync(join(dir, `s${i}.jsonl`), readFileSync(f));
    const fromFolder = await deploysim(['merge', dir]);
    expect(fromFolder.stdout).toBe(one.stdout);
  });

  test('of different experiments, missing, cut off, repeated or not shards are input errors', NO_TIME_LIMIT, async () => {
    const a = await shardsOf(COMPARE, 2, 'a');
    const b = await shardsOf([...COMPARE, '--seed', '10'], 2, 'b');
    const cut = join(temp, 'cut.jsonl');
    writeFileSync(cut, readFileSync(a[1]!, 'utf8').split('\n').slice(0, -3).join('\n'));
    const other = join(temp, 'other-version.jsonl');
    writeFileSync(other, readFileSync(a[1]!, 'utf8').replace('"engineVersion":"', '"engineVersion":"9.'));
    const notShard = join(temp, 'not.jsonl');
    writeFileSync(notShard, '{"hello": 1}\n');
    const cases: Array<[string[], string]> = [
      [[a[0]!, b[1]!], 'a shard of another experiment'],
      [[a[0]!], 'merge: shard 1/2 missing'],
      [[a[0]!, cut], 'the shard is cut off'],
      [[a[0]!, a[0]!], 'shard 0/2 is also'],
      [[a[0]!, other], 'merge shards of one version'],
      [[notShard], 'not a deploysim shard'],
      [[join(temp, 'nope.jsonl')], 'cannot read the file'],
    ];
    for (const [files, message] of cases) {
      const r = await deploysim(['merge', ...files]);
      expectExit(r, 1);
      expect(r.stderr, describeRun(r)).toContain(message);
      expectNoStackTrace(r);
    }
    for (const bad of ['2/2', '1', 'a/b', '0/0']) {
      const r = await deploysim([...COMPARE, '--shard', bad]);
      expectExit(r, 1);
      expect(r.stderr).toContain(`--shard ${bad}: expected i/n with 0 <= i < n`);
    }
  });
});
