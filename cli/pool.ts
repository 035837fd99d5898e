import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tinypool } from 'tinypool';
import type { Job, JobResult } from '../sim/experiment/jobs.js';
import { InProcessRunner, type JobRunner } from '../sim/experiment/parallel.js';
import { InputError, projectRoot } from './scenarios.js';

/** The default of --workers: DEPLOYSIM_WORKERS when it is a whole number of at least 1, else the cores this process may use. */
export function defaultWorkers(): number {
  const env = process.env['DEPLOYSIM_WORKERS'];
  if (env !== undefined && /^\d{1,4}$/.test(env) && Number(env) >= 1) return Number(env);
  return Math.max(1, availableParallelism());
}

/** `--workers N`: a whole number from 1 (1 runs in this thread). */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const n = Number(value);
  if (!/^\d{1,4}$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InputError(`--workers ${value}: expected a whole number of at least 1 (1 runs in this process; the default is ${defaultWorkers()}: DEPLOYSIM_WORKERS, or the available cores)`);
  return n;
}

/**
 * Worker threads running experiment jobs (tinypool). They run the compiled sim/ (dist/), which
 * `npm install` and `npm run build` write; `close` ends them.
 */
export class WorkerPool implements JobRunner {
  private readonly pool: Tinypool;
  constructor(readonly workers: number) {
    const filename = join(projectRoot(), 'dist', 'cli', 'pool-worker.js');
    if (!existsSync(filename)) throw new Error(`${filename} is missing: run \`npm run build\``);
    this.pool = new Tinypool({ filename, minThreads: workers, maxThreads: workers, isolateWorkers: false, idleTimeout: 0 });
  }
  run(job: Job): Promise<JobResult> {
    return this.pool.run(job) as Promise<JobResult>;
  }
  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/**
 * Runs `use` with a runner for `workers`: this thread for 1 (or when there is at most one job's
 * worth of replications), else a pool of that many threads, closed afterwards whatever happens.
 */
export async function withRunner<T>(workers: number, replications: number, use: (runner: JobRunner) => Promise<T>): Promise<T> {
  const n = Math.min(workers, Math.max(1, replications));
  if (n <= 1) return use(new InProcessRunner());
  const pool = new WorkerPool(n);
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}
