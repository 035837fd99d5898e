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
  const { runs, precision } = await runAllToPrecision([item], runner, targets, maxReplications, onProgress);
  return { result: runs[0]!.result, precision: precision[0]! };
}

/**
 * runToPrecision for several scenarios on common random numbers (compare, a sweep's points): all
 * take the same number of replications, batch by batch, until every target is met in every
 * scenario (or `maxReplications`). Each result is the one `replications = N` gives (the same as
 * `deploysim compare --replications N`); each report is its scenario's.
 */
export async function runAllToPrecision(
  items: readonly ExperimentItem[],
  runner: JobRunner,
  targets: readonly PrecisionTarget[],
  maxReplications: number,
  onProgress?: (p: ParallelProgress) => void,
): Promise<{ runs: Array<{ aggregate: ExperimentAggregate; result: RunResult }>; precision: PrecisionReport[] }> {
  const aggregates = items.map((it) => new ExperimentAggregate(it.scenario));
  let n = Math.min(items[0]!.scenario.replications, maxReplications);
  let status: PrecisionStatus[][];
  for (;;) {
    const batch = items.map((it) => ({ ...it, scenario: { ...it.scenario, replications: n } }));
    await runParallel(batch, runner, { saturation: false, aggregates, ...(onProgress ? { onProgress } : {}) });
    status = aggregates.map((a) => precisionStatus(a.result(null), targets));
    if (status.every((st) => st.every((x) => x.met)) || n >= maxReplications) break;
    n = nextReplications(n, maxReplications);
  }
  // Each result as the scenario with `replications: n` gives it, its saturation search included.
  const sources = items.map((it) => ({ ...it.source, overrides: [...it.source.overrides, { text: `replications=${n}`, origin: '--precision' }] }));
  aggregates.forEach((a, k) => a.retarget(loadSource(sources[k]!)));
  const searches = await Promise.all(sources.map((source) => runner.run({ kind: 'saturation', source })));
  const runs = aggregates.map((aggregate, k) => {
    const saturation = searches[k]!;
    if (saturation.kind === 'limit') throw new RunLimitError(saturation.message);
    return { aggregate, result: aggregate.result(saturation.kind === 'saturation' ? saturation.rps : null) };
  });
  const met = status.every((st) => st.every((x) => x.met));
  return { runs, precision: status.map((metrics) => ({ met, replications: n, maxReplications, metrics })) };
}
