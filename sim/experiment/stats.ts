import { studentTQuantile } from '../engine/special.js';

/** A metric across replications: mean with its 95% confidence interval (Student t), range, count. */
export interface MetricSummary {
  mean: number | null;
  ci95: [number, number] | null;
  min: number | null;
  max: number | null;
  /** Replications that produced a value (e.g. mttrS has none where nothing failed). */
  n: number;
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
    return studentTQuantile(0.975, this.n - 1) * Math.sqrt(this.variance / this.n);
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
