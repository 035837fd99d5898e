import { RunLimitError } from '../engine/errors.js';
import type { Scenario } from '../scenario/types.js';
import { ExperimentAggregate, withPairedDifferences, type RunResult } from './experiment.js';
import { runJob, type Job, type JobResult, type ScenarioSource } from './jobs.js';
import type { ReplicationOutcome } from './replication.js';

/**
 * Runs jobs: in this thread (InProcessRunner) or on a pool of worker threads (the CLI's
 * cli/pool.ts). `workers` is how many run at once.
 */
export interface JobRunner {
  readonly workers: number;
  run(job: Job, onTime?: (replication: number, timeS: number) => void): Promise<JobResult>;
}

/** Runs each job in this thread, one at a time, when asked. */
export class InProcessRunner implements JobRunner {
  readonly workers = 1;
  run(job: Job, onTime?: (replication: number, timeS: number) => void): Promise<JobResult> {
    return new Promise((resolve) => resolve(runJob(job, onTime)));
  }
}

/** One scenario of an experiment: loaded here (the reducer needs it), and its source for the workers. */
export interface ExperimentItem {
  scenario: Scenario;
  source: ScenarioSource;
}

export interface ParallelProgress {
  /** Replications done, all scenarios together, and the total. */
  done: number;
  total: number;
  /** The scenario whose replication was last added, with its own count. */
  scenario: string;
  scenarioDone: number;
  scenarioTotal: number;
  /** In this thread only: the replication under way and the simulated time it has reached. */
  replication?: number;
  timeS?: number;
  horizonS?: number;
}

export interface ParallelOptions {
  /** Search each scenario's saturation throughput (default true); without it, null. */
  saturation?: boolean;
  onProgress?: (p: ParallelProgress) => void;
  /** Replications per job (default: enough jobs for four per worker, at most 25 each). */
  chunk?: number;
  /**
   * Aggregates to go on with (one per item): replications from each one's count up to its item's
   * scenario.replications are run and added (--precision's batches).
   */
  aggregates?: ExperimentAggregate[];
}

/** A limit reached by replication `replication` (Infinity: the saturation search) of item k. */
export interface ReachedLimit {
  k: number;
  replication: number;
  message: string;
}

/**
 * Whether limit a comes before b in a run in one thread, which goes replication by replication
 * through the items in order, and searches saturation after them: the lower replication, then the
 * earlier item.
 */
export function earlierLimit(a: { k: number; replication: number }, b: { k: number; replication: number }): boolean {
  return a.replication < b.replication || (a.replication === b.replication && a.k < b.k);
}

/** Replications per job: small enough to keep every worker busy to the end, large enough that messages cost nothing. */
export function chunkSize(replications: number, workers: number): number {
  if (workers <= 1) return 1;
  return Math.max(1, Math.min(25, Math.ceil(replications / (4 * workers))));
}

/**
 * The jobs for replications [lo, hi) of each item and the saturation searches asked for: each
 * item's range in chunks, the items' chunks interleaved so that all advance together. On a pool
 * the searches go first (each is one long job, which would otherwise end the run alone); in one
 * thread last (its progress then shows the replications from the start).
 */
export function planJobs(items: readonly ExperimentItem[], ranges: ReadonlyArray<readonly [number, number]>, saturation: readonly boolean[], workers: number, chunk?: number): Array<{ k: number; job: Job }> {
  const searches = items.flatMap((it, k) => (saturation[k] ? [{ k, job: { kind: 'saturation', source: it.source } as Job }] : []));
  const chunks = ranges.map(([lo, hi]) => chunk ?? chunkSize(hi - lo, workers));
  const replications: Array<{ k: number; job: Job }> = [];
  for (let round = 0, any = true; any; round++) {
    any = false;
    items.forEach((it, k) => {
      const [lo, hi] = ranges[k]!;
      const from = lo + round * chunks[k]!;
      if (from >= hi) return;
      any = true;
      replications.push({ k, job: { kind: 'replicate', source: it.source, from, to: Math.min(hi, from + chunks[k]!) } });
    });
  }
  return workers > 1 ? [...searches, ...replications] : [...replications, ...searches];
}

/**
 * Runs every replication of each scenario (and its saturation search) as jobs on `runner`, and
 * reduces them: each scenario's outcomes are added to its aggregate in replication order, whatever
 * order the jobs finish in. The result is therefore the same for any runner, number of workers and
 * chunk size, to the last bit. Saturation searches (one job each, the longest) go first, then the
 * scenarios' chunks interleaved, so that all scenarios advance together.
 */
export async function runParallel(items: readonly ExperimentItem[], runner: JobRunner, options: ParallelOptions = {}): Promise<Array<{ aggregate: ExperimentAggregate; result: RunResult }>> {
  const aggregates = options.aggregates ?? items.map((it) => new ExperimentAggregate(it.scenario));
  const starts = aggregates.map((a) => a.count);
  const pending: Array<Array<ReplicationOutcome | undefined>> = items.map((it) => new Array<ReplicationOutcome | undefined>(it.scenario.replications));
  const saturation: Array<number | null> = items.map(() => null);
  const total = items.reduce((a, it) => a + it.scenario.replications, 0);
  let done = starts.reduce((a, b) => a + b, 0);
  const jobs = planJobs(
    items,
    items.map((it, k) => [starts[k]!, it.scenario.replications]),
    items.map(() => options.saturation !== false),
    runner.workers,
    options.chunk,
  );
  const reduce = (k: number, result: JobResult) => {
    if (result.kind === 'limit') throw new RunLimitError(result.message);
    if (result.kind === 'saturation') {
      saturation[k] = result.rps;
      return;
    }
    const slots = pending[k]!;
    result.outcomes.forEach((o, j) => (slots[result.from + j] = o));
    const agg = aggregates[k]!;
    while (agg.count < slots.length && slots[agg.count] !== undefined) {
      agg.add(slots[agg.count]!);
      slots[agg.count - 1] = undefined;
      done++;
      const it = items[k]!;
      options.onProgress?.({ done, total, scenario: it.scenario.name, scenarioDone: agg.count, scenarioTotal: it.scenario.replications });
    }
  };
  if (runner.workers <= 1) {
    // One at a time, with progress within each replication.
    for (const { k, job } of jobs) {
      const it = items[k]!;
      const onTime = options.onProgress && ((replication: number, timeS: number) => options.onProgress!({ done, total, scenario: it.scenario.name, scenarioDone: aggregates[k]!.count, scenarioTotal: it.scenario.replications, replication, timeS, horizonS: it.scenario.horizon }));
      reduce(k, await runner.run(job, onTime));
    }
  } else {
    // Every job is handed to the pool at once (it queues them). A limit reached ends the run with
    // the one a run in one thread meets first, once no job that could hold an earlier one is running.
    await new Promise<void>((resolve, reject) => {
      const settled = jobs.map(() => false);
      let first: ReachedLimit | null = null;
      const decide = () => {
        const f = first;
        if (f === null) {
          if (settled.every(Boolean)) resolve();
        } else if (jobs.every((j, x) => settled[x] || earlierLimit(f, { k: j.k, replication: j.job.kind === 'replicate' ? j.job.from : Infinity }))) reject(new RunLimitError(f.message));
      };
      jobs.forEach(({ k, job }, x) => {
        runner.run(job).then((result) => {
          settled[x] = true;
          if (result.kind === 'limit') {
            const reached = { k, replication: result.replication, message: result.message };
            if (first === null || earlierLimit(reached, first)) first = reached;
          } else if (first === null) reduce(k, result);
          decide();
        }, reject);
      });
    });
  }
  return aggregates.map((aggregate, k) => ({ aggregate, result: aggregate.result(saturation[k]!) }));
}

/** `deploysim run`: one scenario's result. */
export async function runExperimentOn(item: ExperimentItem, runner: JobRunner, options: ParallelOptions = {}): Promise<RunResult> {
  const [run] = await runParallel([item], runner, options);
  return run!.result;
}

/** `deploysim compare`: each scenario's result, the others with their paired differences from the baseline (the first, or `baseline`). */
export async function compareOn(items: readonly ExperimentItem[], runner: JobRunner, options: ParallelOptions & { baseline?: number } = {}): Promise<RunResult[]> {
  return withPairedDifferences(await runParallel(items, runner, options), options.baseline ?? 0);
}
