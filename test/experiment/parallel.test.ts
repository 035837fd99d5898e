// The experiment split into jobs and a reducer (sim/experiment/parallel.ts): whatever runs the jobs,
// in whatever order they finish and however the replications are chunked, the result is the
// in-order loop's to the last bit, because replication i depends on (seed, i) alone and outcomes are
// added in replication order.
import { describe, expect, it } from 'vitest';
import { compareOn, compareScenarios, InProcessRunner, runExperiment, runExperimentOn, runJob, type Job, type JobResult, type JobRunner } from '../../sim/experiment/index.js';
import { RunLimitError } from '../../sim/engine/errors.js';
import { loadScenarioItem } from '../../cli/scenarios.js';

/** A runner that finishes its jobs in a scrambled order (a pool of `workers` with uneven speeds, as it were). */
class ScramblingRunner implements JobRunner {
  private queue: Array<() => void> = [];
  constructor(readonly workers: number, private readonly seed: number) {}
  run(job: Job): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(runJob(job));
        } catch (e) {
          reject(e);
        }
      });
      if (this.queue.length === 1) setTimeout(() => this.drain(), 0);
    });
  }
  private drain(): void {
    let x = this.seed;
    while (this.queue.length > 0) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const [next] = this.queue.splice(x % this.queue.length, 1);
      next!();
    }
  }
}

const FAST = [{ text: 'replications=13', origin: 'test' }, { text: 'horizon=20d', origin: 'test' }];

describe('jobs and their reducer', () => {
  const coordinated = loadScenarioItem('multiple-replicas-coordination', FAST);
  const single = loadScenarioItem('single-replica', FAST);

  it('give run the in-order loop’s result for any chunk size and order of completion', async () => {
    const reference = JSON.stringify(runExperiment(coordinated.scenario));
    for (const chunk of [1, 4, 13, 50]) {
      expect(JSON.stringify(await runExperimentOn(coordinated, new InProcessRunner(), { chunk })), `chunk ${chunk}`).toBe(reference);
      expect(JSON.stringify(await runExperimentOn(coordinated, new ScramblingRunner(3, chunk), { chunk })), `scrambled, chunk ${chunk}`).toBe(reference);
    }
  });

  it('give compare the in-order loop’s result, paired differences included', async () => {
    const reference = JSON.stringify(compareScenarios([single.scenario, coordinated.scenario]));
    expect(JSON.stringify(await compareOn([single, coordinated], new ScramblingRunner(2, 7)))).toBe(reference);
    expect(JSON.stringify(await compareOn([single, coordinated], new InProcessRunner()))).toBe(reference);
  });

  it('report progress in replication order, and stop with the limit’s own error', async () => {
    const seen: number[] = [];
    await runExperimentOn(single, new ScramblingRunner(2, 3), { chunk: 2, saturation: false, onProgress: (p) => p.timeS === undefined && seen.push(p.scenarioDone) });
    expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    const limited = loadScenarioItem('single-replica', [...FAST, { text: 'limits.maxEventsPerReplication=50', origin: 'test' }]);
    await expect(runExperimentOn(limited, new ScramblingRunner(2, 1), { chunk: 3 })).rejects.toBeInstanceOf(RunLimitError);
    // The limit reported is the one a run in one thread meets first, whatever order the jobs end in.
    const message = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);
    const inOrder = await message(runExperimentOn(limited, new InProcessRunner()));
    expect(inOrder).toMatch(/replication 10 needed more than 50 events/);
    for (const seed of [1, 2, 3, 4]) expect(await message(runExperimentOn(limited, new ScramblingRunner(2, seed), { chunk: 2 }))).toBe(inOrder);
  });
});
