import { RunLimitError } from '../engine/errors.js';
import { ExperimentAggregate, metricAt, type RunResult } from './experiment.js';
import { loadSource } from './jobs.js';
import { runParallel, type ExperimentItem, type JobRunner, type ParallelProgress } from './parallel.js';

/** A precision target: the 95% CI half-width of a metric (its path in the result's `metrics`), absolute or relative to the mean. */
export interface PrecisionTarget {
  metric: string;
  halfWidth: number;
  relative: boolean;
}

/** How a metric stands against its target. */
export interface PrecisionStatus {
  metric: string;
  /** The target as given: a share of the mean (relative) or in the metric's unit. */
  target: number;
  relative: boolean;
  mean: number | null;
  halfWidth: number | null;
  /** The half-width over |mean| (null when the mean is 0 or unknown). */
  relativeHalfWidth: number | null;
  met: boolean;
}

export interface PrecisionReport {
  /** Every target met (false: the run stopped at the most replications allowed). */
  met: boolean;
  replications: number;
  maxReplications: number;
  metrics: PrecisionStatus[];
}

/**
 * Where a result stands against the targets. A metric with no value in any replication is left
 * out; one whose mean and interval are both exactly 0 has met any target; one with fewer than two
 * values (no interval yet) has not.
 */
export function precisionStatus(result: RunResult, targets: readonly PrecisionTarget[]): PrecisionStatus[] {
  const out: PrecisionStatus[] = [];
  for (const t of targets) {
    const s = metricAt(result, t.metric);
    if (s === undefined || s.mean === null) continue;
    const halfWidth = s.ci95 === null ? null : (s.ci95[1] - s.ci95[0]) / 2;
    const relativeHalfWidth = halfWidth === null || s.mean === 0 ? null : halfWidth / Math.abs(s.mean);
    const met = halfWidth !== null && (halfWidth === 0 || (t.relative ? relativeHalfWidth !== null && relativeHalfWidth <= t.halfWidth : halfWidth <= t.halfWidth));
    out.push({ metric: t.metric, target: t.halfWidth, relative: t.relative, mean: s.mean, halfWidth, relativeHalfWidth, met });
  }
  return out;
}

/** The replications after a batch of `n`: half as many again (at least one more), at most `max`. */
export function nextReplications(n: number, max: number): number {
  return Math.min(max, Math.max(n + 1, Math.ceil(n * 1.5)));
}

/**
 * Replicates in batches until every target is met or `maxReplications` are done: first the
 * scenario's replications, then half as many again each time. The batches do not depend on the
 * workers, and the result is the one `replications = N` gives for the N it stopped at (the same
 * bytes as `deploysim run --replications N`), with the report.
 */
export async function runToPrecision(
  item: ExperimentItem,
  runner: JobRunner,
  targets: readonly PrecisionTarget[],
  maxReplications: number,
  onProgress?: (p: ParallelProgress) => void,
): Promise<{ result: RunResult; precision: PrecisionReport }> {
  const aggregate = new ExperimentAggregate(item.scenario);
  let n = Math.min(item.scenario.replications, maxReplications);
  let status: PrecisionStatus[];
  for (;;) {
    await runParallel([{ ...item, scenario: { ...item.scenario, replications: n } }], runner, { saturation: false, aggregates: [aggregate], ...(onProgress ? { onProgress } : {}) });
    status = precisionStatus(aggregate.result(null), targets);
    if (status.every((s) => s.met) || n >= maxReplications) break;
    n = nextReplications(n, maxReplications);
  }
  // The result as the scenario with `replications: n` gives it, its saturation search included.
  const source = { ...item.source, overrides: [...item.source.overrides, { text: `replications=${n}`, origin: '--precision' }] };
  aggregate.retarget(loadSource(source));
  const saturation = await runner.run({ kind: 'saturation', source });
  if (saturation.kind === 'limit') throw new RunLimitError(saturation.message);
  const rps = saturation.kind === 'saturation' ? saturation.rps : null;
  const result = aggregate.result(rps);
  return { result, precision: { met: status.every((s) => s.met), replications: n, maxReplications, metrics: status } };
}
