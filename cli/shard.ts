import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { earlierLimit, planJobs, type ExperimentItem, type JobRunner, type ReachedLimit } from '../sim/experiment/parallel.js';
import { RunLimitError } from '../sim/engine/errors.js';
import type { ScenarioSource } from '../sim/experiment/jobs.js';
import type { ReplicationOutcome } from '../sim/experiment/replication.js';
import { ENGINE_VERSION } from '../sim/version.js';
import { InputError } from './scenarios.js';

/**
 * Shards: `--shard i/n` runs a deterministic slice of an experiment (replications
 * [floor(i R / n), floor((i+1) R / n)) of every scenario or sweep point, and the saturation searches
 * of the items k with k mod n = i) and writes it as JSON lines; `deploysim merge` puts the shards
 * back together into exactly the output one run prints. The first line says what was run (the
 * command, its scenarios' sources, its output options) with a fingerprint of it, the last line how
 * many lines came before it, so a cut-off file is found.
 */
export interface ShardSpec {
  index: number;
  count: number;
}

/** What a shard's experiment is: enough for merge to print what the command would have printed. */
export interface ShardCommand {
  command: 'run' | 'compare' | 'sweep';
  sources: ScenarioSource[];
  /** Output options: --json, --csv, the baseline's position, the sweep's axes and points. */
  json: boolean;
  csv: boolean;
  baseline: number | null;
  axes: Array<{ path: string; values: string[] }>;
  points: Array<Array<[string, string]>>;
  /** --detail (the full table, not the headline). */
  detail: boolean;
  /** compare's column labels. */
  labels: string[];
}

interface Header {
  deploysim: 'shard';
  engineVersion: string;
  fingerprint: string;
  shard: ShardSpec;
  spec: ShardCommand;
}

/** `--shard i/n`: 0 <= i < n (i as Kubernetes numbers an Indexed Job's pods, JOB_COMPLETION_INDEX). */
export function parseShard(value: string): ShardSpec {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(value.trim());
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (m === null || !(count >= 1) || !(index < count)) throw new InputError(`--shard ${value}: expected i/n with 0 <= i < n, e.g. 0/4 (i is the Indexed Job's JOB_COMPLETION_INDEX)`);
  return { index, count };
}

export function fingerprint(spec: ShardCommand): string {
  return createHash('sha256').update(JSON.stringify([ENGINE_VERSION, spec])).digest('hex');
}

/** Numbers as JSON keeps them, and those it cannot (NaN, infinities, -0) as tagged strings. */
function encodeNumber(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (Number.isNaN(value)) return '#NaN';
  if (value === Infinity) return '#Inf';
  if (value === -Infinity) return '#-Inf';
  if (Object.is(value, -0)) return '#-0';
  return value;
}

function decodeNumber(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('#')) return value;
  return ({ '#NaN': NaN, '#Inf': Infinity, '#-Inf': -Infinity, '#-0': -0 } as Record<string, number>)[value] ?? value;
}

/** Replications [lo, hi) of `replications` that shard i of n runs. */
export function shardRange(replications: number, shard: ShardSpec): [number, number] {
  return [Math.floor((shard.index * replications) / shard.count), Math.floor(((shard.index + 1) * replications) / shard.count)];
}

/** Runs a shard's jobs on the runner and returns its JSON lines (in item and replication order, whatever the workers). */
export async function runShard(items: readonly ExperimentItem[], spec: ShardCommand, shard: ShardSpec, runner: JobRunner): Promise<string> {
  const jobs = planJobs(
    items,
    items.map((it) => shardRange(it.scenario.replications, shard)),
    items.map((_, k) => k % shard.count === shard.index),
    runner.workers,
  );
  const results = await Promise.all(jobs.map(({ job }) => runner.run(job)));
  // A limit reached: the one a run in one thread meets first.
  let first: ReachedLimit | null = null;
  results.forEach((r, j) => {
    const reached = r.kind === 'limit' ? { k: jobs[j]!.k, replication: r.replication, message: r.message } : null;
    if (reached !== null && (first === null || earlierLimit(reached, first))) first = reached;
  });
  if (first !== null) throw new RunLimitError((first as ReachedLimit).message);
  const header: Header = { deploysim: 'shard', engineVersion: ENGINE_VERSION, fingerprint: fingerprint(spec), shard, spec };
  const lines = [JSON.stringify(header)];
  // In item order, each item's replications in order and its search last: the same file for any workers.
  const order = jobs.map((_, j) => j);
  const rank = (j: number) => (jobs[j]!.job.kind === 'replicate' ? (jobs[j]!.job as { from: number }).from : Infinity);
  order.sort((x, y) => jobs[x]!.k - jobs[y]!.k || rank(x) - rank(y));
  for (const j of order) {
    const r = results[j]!;
    const k = jobs[j]!.k;
    if (r.kind === 'limit') continue; // (none: reported above)
    if (r.kind === 'saturation') lines.push(JSON.stringify({ item: k, saturation: r.rps }, encodeNumber));
    else {
      const outcomes = r.outcomes.map((o) => ({ values: [...o.values], distributions: [...o.distributions], events: o.events }));
      lines.push(JSON.stringify({ item: k, from: r.from, outcomes }, encodeNumber));
    }
  }
  lines.push(JSON.stringify({ end: lines.length }));
  return `${lines.join('\n')}\n`;
}

/** Shards read back: the command, each item's outcomes in replication order and its saturation. */
export interface Merged {
  spec: ShardCommand;
  outcomes: ReplicationOutcome[][];
  saturation: Array<number | null>;
}

/** Reads shard files and checks they are all the shards of one experiment, each whole. */
export function readShards(files: readonly string[]): Merged {
  if (files.length === 0) throw new InputError('merge: give the shard files (the output of --shard i/n for every i)');
  let first: Header | null = null;
  const seen = new Map<number, string>();
  const outcomes: Array<Map<number, ReplicationOutcome>> = [];
  const saturation = new Map<number, number | null>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const lines = text.split('\n').filter((l) => l !== '');
    const parse = (line: string, n: number): Record<string, unknown> => {
      try {
        return JSON.parse(line, decodeNumber) as Record<string, unknown>;
      } catch {
        throw new InputError(`${file}:${n}: not a line of a deploysim shard (JSON expected)`);
      }
    };
    const header = lines.length > 0 ? (parse(lines[0]!, 1) as unknown as Header) : null;
    if (header === null || header.deploysim !== 'shard') throw new InputError(`${file}:1: not a deploysim shard (write one with --shard i/n)`);
    const end = lines.length > 1 ? parse(lines[lines.length - 1]!, lines.length) : {};
    if (end['end'] !== lines.length - 1) throw new InputError(`${file}: the shard is cut off (its last line is missing); run shard ${header.shard.index}/${header.shard.count} again`);
    if (first === null) first = header;
    else {
      if (header.engineVersion !== first.engineVersion) throw new InputError(`${file}: written by deploysim ${header.engineVersion}, ${files[0]} by ${first.engineVersion}; merge shards of one version`);
      if (header.fingerprint !== first.fingerprint) throw new InputError(`${file}: a shard of another experiment than ${files[0]} (other scenarios, seed, options or command)`);
      if (header.shard.count !== first.shard.count) throw new InputError(`${file}: shard ${header.shard.index}/${header.shard.count}, ${files[0]} of ${first.shard.count}; merge the shards of one split`);
    }
    if (seen.has(header.shard.index)) throw new InputError(`${file}: shard ${header.shard.index}/${header.shard.count} is also ${seen.get(header.shard.index)}`);
    seen.set(header.shard.index, file);
    for (let n = 1; n < lines.length - 1; n++) {
      const rec = parse(lines[n]!, n + 1);
      const k = rec['item'] as number;
      if (!Number.isInteger(k) || k < 0 || k >= header.spec.sources.length) throw new InputError(`${file}:${n + 1}: no such scenario (item ${String(k)})`);
      if ('saturation' in rec) saturation.set(k, rec['saturation'] as number | null);
      else {
        const list = (outcomes[k] ??= new Map());
        (rec['outcomes'] as Array<{ values: Array<[string, number]>; distributions: Array<[string, number[]]>; events: number }>).forEach((o, j) =>
          list.set((rec['from'] as number) + j, { values: new Map(o.values), distributions: new Map(o.distributions), events: o.events }),
        );
      }
    }
  }
  const spec = first!.spec;
  const count = first!.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new InputError(`merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
  return {
    spec,
    outcomes: spec.sources.map((_, k) => {
      const list = outcomes[k] ?? new Map<number, ReplicationOutcome>();
      return Array.from({ length: list.size }, (_, i) => {
        const o = list.get(i);
        if (o === undefined) throw new InputError(`merge: replication ${i} of scenario ${k} is in no shard`);
        return o;
      });
    }),
    saturation: spec.sources.map((_, k) => saturation.get(k) ?? null),
  };
}
