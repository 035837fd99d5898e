import { RunLimitError } from '../engine/errors.js';
import { formatScenarioError, loadScenarioText, type OverrideInput, type Scenario } from '../scenario/index.js';
import { runReplication, type ReplicationOutcome } from './replication.js';
import { saturationThroughput } from './saturation.js';

/**
 * A scenario as a job carries it: its text, the name its errors use and the overrides applied in
 * order. Loading it gives the same scenario wherever it is loaded (a worker thread, a Web Worker,
 * another machine), so a job is plain data that any of them can run.
 */
export interface ScenarioSource {
  text: string;
  file: string;
  overrides: OverrideInput[];
}

/**
 * A unit of an experiment: replications [from, to) of a scenario, or its saturation search.
 * Replication i is seeded from (seed, i) alone, so a job's result does not depend on which
 * worker runs it, when, or with which other jobs.
 */
export type Job = { kind: 'replicate'; source: ScenarioSource; from: number; to: number } | { kind: 'saturation'; source: ScenarioSource };

export type JobResult =
  | { kind: 'replicate'; from: number; outcomes: ReplicationOutcome[] }
  | { kind: 'saturation'; rps: number | null }
  /**
   * A limit of the scenario was reached (RunLimitError): bad input, reported as such wherever the
   * job ran. `replication`: the one that reached it (Infinity: the saturation search).
   */
  | { kind: 'limit'; message: string; replication: number };

const loaded = new Map<string, Scenario>();

/** The scenario of a source, loaded once per process (a few are kept). */
export function loadSource(source: ScenarioSource): Scenario {
  const key = JSON.stringify(source);
  const hit = loaded.get(key);
  if (hit !== undefined) return hit;
  const result = loadScenarioText(source.text, source.file, source.overrides);
  if (result.scenario === undefined) throw new Error(result.errors.map(formatScenarioError).join('\n'));
  if (loaded.size >= 64) loaded.clear();
  loaded.set(key, result.scenario);
  return result.scenario;
}

/** Runs a job where it is called. `onTime` reports simulated time within a replication (in-process progress). */
export function runJob(job: Job, onTime?: (replication: number, timeS: number) => void): JobResult {
  const scenario = loadSource(job.source);
  let replication = Infinity;
  try {
    if (job.kind === 'saturation') return { kind: 'saturation', rps: saturationThroughput(scenario)?.rps ?? null };
    const outcomes: ReplicationOutcome[] = [];
    for (replication = job.from; replication < job.to; replication++) {
      const i = replication;
      outcomes.push(runReplication(scenario, scenario.seed, i, onTime && { onTime: (t: number) => onTime(i, t) }));
    }
    return { kind: 'replicate', from: job.from, outcomes };
  } catch (e) {
    if (e instanceof RunLimitError) return { kind: 'limit', message: e.message, replication };
    throw e;
  }
}
