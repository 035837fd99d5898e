import { studentTQuantile } from '../engine/special.js';

/** The two-sided 95% Student t factor by degrees of freedom, remembered: every summary of n replications needs the same one. */
const T975 = new Map<number, number>();
function t975(df: number): number {
  let t = T975.get(df);
  if (t === undefined) T975.set(df, (t = studentTQuantile(0.975, df)));
  return t;
}

/** A metric across replications: mean with its 95% confidence interval (Student t), range, count. */
export interface MetricSummary {
  mean: number | null;
  ci95: [number, number] | null;
  min: number | null;
  max: number | null;
  /** Replications that produced a value (e.g. mttrS has none where nothing failed). */
  n: number;
  /**
   * Totals per replication (downtime, failed requests, missed and duplicate runs, cost): the
   * replications' 90th and 99th percentiles, "the worst year in 10 / in 100" with one-year
   * replications, each with its order-statistic 95% interval.
   */
  p90?: QuantileSummary;
  p99?: QuantileSummary;
}

/** A quantile across replications and its 95% interval (null: too few replications for one). */
export interface QuantileSummary {
  value: number | null;
  ci95: [number, number] | null;
}

/** Whether a node of nested summaries is a summary itself (own `n`), not a group of them. */
export function isSummary(node: object): node is MetricSummary {
  return Object.hasOwn(node, 'n') && typeof (node as MetricSummary).n === 'number';
}

/** Streaming mean and variance (Welford), minimum and maximum. Non-finite values are skipped. */
export class Accumulator {
  n = 0;
  mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** Sample variance (n - 1 in the denominator). */
  get variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : NaN;
  }

  /** Half-width of the 95% confidence interval of the mean; NaN with fewer than two values. */
  get halfWidth95(): number {
    if (this.n < 2) return NaN;
    return t975(this.n - 1) * Math.sqrt(this.variance / this.n);
  }

  /**
   * The summary; `bounds` are the values the metric can take (e.g. [0, 1] for a fraction): the
   * interval is cut to them. With one value there is no interval (ci95 null).
   */
  summary(bounds: readonly [number, number] = [-Infinity, Infinity]): MetricSummary {
    if (this.n === 0) return { mean: null, ci95: null, min: null, max: null, n: 0 };
    const h = this.halfWidth95;
    const ci95: [number, number] | null = Number.isNaN(h) ? null : [Math.max(bounds[0], this.mean - h), Math.min(bounds[1], this.mean + h)];
    return { mean: this.mean, ci95, min: this.min, max: this.max, n: this.n };
  }
}

/**
 * A ratio of totals across replications, e.g. mean time to recover = total downtime / total
 * incidents (less biased than the mean of per-replication ratios, and defined whenever any
 * replication had an incident). The interval is the ratio estimator's: R +- t * se, with
 * se = sqrt(sum (x_i - R y_i)^2 / (n (n - 1))) / mean(y). min and max are over the replications
 * whose denominator is positive.
 */
export function ratioSummary(numerators: readonly number[], denominators: readonly number[], bounds: readonly [number, number] = [0, Infinity]): MetricSummary {
  const n = Math.min(numerators.length, denominators.length);
  let sx = 0;
  let sy = 0;
  let min = Infinity;
  let max = -Infinity;
  let contributing = 0;
  for (let i = 0; i < n; i++) {
    sx += numerators[i]!;
    sy += denominators[i]!;
    if (denominators[i]! > 0) {
      contributing++;
      const r = numerators[i]! / denominators[i]!;
      if (r < min) min = r;
      if (r > max) max = r;
    }
  }
  if (!(sy > 0)) return { mean: null, ci95: null, min: null, max: null, n: 0 };
  const ratio = sx / sy;
  // n counts the replications that contributed (e.g. had an incident); one gives no interval.
  if (contributing < 2) return { mean: ratio, ci95: null, min, max, n: contributing };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (numerators[i]! - ratio * denominators[i]!) ** 2;
  const se = Math.sqrt(ss / (n * (n - 1))) / (sy / n);
  const h = t975(n - 1) * se;
  return { mean: ratio, ci95: [Math.max(bounds[0], ratio - h), Math.min(bounds[1], ratio + h)], min, max, n: contributing };
}

/**
 * A quantile of samples pooled across replications, with the distribution-free 95% interval from
 * order statistics (the ranks np -+ 1.96 sqrt(np(1-p)), normal approximation to the binomial).
 * min and max are the pooled extremes; n counts the samples.
 */
export function pooledQuantileSummary(samples: readonly number[], p: number): MetricSummary {
  const n = samples.length;
  if (n === 0) return { mean: null, ci95: null, min: null, max: null, n: 0 };
  // A typed array sorts numerically without a comparator call per step (the samples are finite).
  const x = Float64Array.from(samples).sort();
  const at = (rank: number): number => x[Math.min(n, Math.max(1, rank)) - 1]!;
  const point = at(Math.ceil(n * p));
  const half = 1.96 * Math.sqrt(n * p * (1 - p));
  const ci95: [number, number] | null = n < 2 ? null : [at(Math.floor(n * p - half)), at(Math.ceil(n * p + half) + 1)];
  return { mean: point, ci95, min: x[0]!, max: x[n - 1]! , n };
}

/**
 * The p-quantile of one value per replication, with its distribution-free 95% interval from order
 * statistics (ranks n p -/+ 1.96 sqrt(n p (1 - p))); the interval is null when a rank falls outside
 * the sample (too few replications to bound it: the p99 of 200 replications has no upper bound).
 */
export function replicationQuantile(values: readonly number[], p: number): QuantileSummary {
  const n = values.length;
  if (n === 0) return { value: null, ci95: null };
  const x = Float64Array.from(values).sort();
  const value = x[Math.min(n, Math.max(1, Math.ceil(n * p))) - 1]!;
  const half = 1.96 * Math.sqrt(n * p * (1 - p));
  const lo = Math.floor(n * p - half);
  const hi = Math.ceil(n * p + half) + 1;
  return { value, ci95: lo >= 1 && hi <= n ? [x[lo - 1]!, x[hi - 1]!] : null };
}

/** The largest of the pooled samples (no interval: a maximum has none worth giving). */
export function pooledMaxSummary(samples: readonly number[]): MetricSummary {
  if (samples.length === 0) return { mean: null, ci95: null, min: null, max: null, n: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of samples) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: max, ci95: null, min, max, n: samples.length };
}
