import { makeDistribution, type DistSpec } from '../../engine/distributions.js';

/** Points of a service-time distribution's quantile grid. */
export const TEMPLATE_POINTS = 1000;

export interface ServiceTemplate {
  /** Quantiles at (j + 0.5) / TEMPLATE_POINTS, ascending (seconds). */
  readonly points: Float64Array;
  readonly mean: number;
  /** Squared coefficient of variation (from the grid). */
  readonly cs2: number;
}

const cache = new WeakMap<DistSpec, ServiceTemplate>();

/**
 * A service-time distribution as a fine quantile grid, computed once per distribution spec: the
 * fluid mode takes the service variability from it, and the fluid latency quantiles are mixtures
 * of shifted copies of it.
 */
export function serviceTemplate(spec: DistSpec): ServiceTemplate {
  let t = cache.get(spec);
  if (t === undefined) {
    const d = makeDistribution(spec);
    const points = new Float64Array(TEMPLATE_POINTS);
    let sum = 0;
    let sq = 0;
    for (let j = 0; j < TEMPLATE_POINTS; j++) {
      const x = d.quantile((j + 0.5) / TEMPLATE_POINTS);
      points[j] = x;
      sum += x;
      sq += x * x;
    }
    const mean = d.mean;
    const gridMean = sum / TEMPLATE_POINTS;
    const variance = Math.max(0, sq / TEMPLATE_POINTS - gridMean * gridMean);
    t = { points, mean, cs2: mean > 0 ? variance / (mean * mean) : 0 };
    cache.set(spec, t);
  }
  return t;
}

/** Share of the template at or below x (linear between grid points). */
export function templateCdf(t: ServiceTemplate, x: number): number {
  const p = t.points;
  const n = p.length;
  if (x < p[0]!) return 0;
  if (x >= p[n - 1]!) return 1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const frac = p[hi]! > p[lo]! ? (x - p[lo]!) / (p[hi]! - p[lo]!) : 0;
  return (lo + 0.5 + frac) / n;
}

/**
 * The q-quantile of a mixture of shifted templates: components [template, shift, weight]. Found by
 * bisection on the mixture's distribution function.
 */
export function mixtureQuantile(components: ReadonlyArray<readonly [ServiceTemplate, number, number]>, q: number): number {
  let total = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [t, shift, w] of components) {
    if (!(w > 0)) continue;
    total += w;
    lo = Math.min(lo, t.points[0]! + shift);
    hi = Math.max(hi, t.points[t.points.length - 1]! + shift);
  }
  if (!(total > 0)) return NaN;
  const cdf = (x: number) => {
    let s = 0;
    for (const [t, shift, w] of components) if (w > 0) s += w * templateCdf(t, x - shift);
    return s / total;
  };
  for (let i = 0; i < 60 && hi - lo > 1e-9 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
