import type { Rng } from './random.js';
import { gamma as gammaFn, gammaQuantile, normalCdf, normalHazardExcess, normalPdf, normalQuantile as normalQuantileExact, normalQuantileFast as normalQuantile } from './special.js';

/**
 * A probability distribution over non-negative numbers (durations in seconds, counts). It is a
 * plain description plus a sampler; the stream to draw from is passed at each call, so one
 * distribution serves every entity and each entity keeps its own stream.
 */
export interface Distribution {
  /** The spec it was built from. */
  readonly spec: DistSpec;
  /** Analytic mean (Infinity where it does not exist). */
  readonly mean: number;
  /** One draw from `rng`. */
  sample(rng: Rng): number;
  /** The p-quantile (0 < p < 1): the inverse of the distribution function. */
  quantile(p: number): number;
}

/** Plain-data description of a distribution, as written in a scenario (times in seconds). */
export type DistSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'normal'; mean: number; sd: number }
  | { dist: 'lognormal'; mu: number; sigma: number }
  | { dist: 'lognormal'; median: number; p95: number }
  | { dist: 'weibull'; shape: number; scale: number }
  | { dist: 'gamma'; shape: number; scale: number }
  | { dist: 'empirical'; values: number[]; weights?: number[] };

/**
 * No draw exceeds this (1e13 s, about 317,000 years): far past any horizon a scenario allows, so
 * cutting a heavy tail here changes nothing a run measures, and no event is ever scheduled at
 * Infinity however extreme the parameters.
 */
export const MAX_DRAW = 1e13;

/** z of the 95th percentile of the standard normal. */
const Z95 = 1.6448536269514722;

/** Always `value`. */
export function constant(value: number): Distribution {
  return { spec: { dist: 'constant', value }, mean: value, sample: () => value, quantile: () => value };
}

/** Uniform on [min, max). */
export function uniform(min: number, max: number): Distribution {
  const width = max - min;
  return { spec: { dist: 'uniform', min, max }, mean: min + width / 2, sample: (rng) => min + width * rng(), quantile: (p) => min + width * p };
}

/** Exponential with the given mean (rate 1/mean), by inversion. */
export function exponential(mean: number): Distribution {
  return { spec: { dist: 'exponential', mean }, mean, sample: (rng) => Math.min(MAX_DRAW, -mean * Math.log1p(-rng())), quantile: (p) => -mean * Math.log1p(-p) };
}

/** Beyond this alpha = -mean/sd the truncated normal is drawn and averaged by its tail forms. */
const ALPHA_TAIL = 4;

/**
 * Normal(mean, sd) truncated to [0, inf), by inversion (one uniform per draw). The analytic mean is
 * that of the truncated distribution: mean + sd * phi(alpha) / (1 - Phi(alpha)), alpha = -mean/sd.
 * Far below zero (alpha > 4) both are computed from the excess over the cut (normalTail), so a
 * mean of -40 sd (whose tail probability underflows) still has its mean, about sd / alpha.
 */
export function truncatedNormal(mean: number, sd: number): Distribution {
  if (sd === 0) return { ...constant(Math.max(0, mean)), spec: { dist: 'normal', mean, sd } };
  const alpha = -mean / sd;
  const spec: DistSpec = { dist: 'normal', mean, sd };
  if (alpha > ALPHA_TAIL) {
    const tail = normalTail(alpha);
    return { spec, mean: sd * normalHazardExcess(alpha), sample: (rng) => Math.min(MAX_DRAW, sd * tail(1 - rng())), quantile: (p) => sd * tail(1 - p) };
  }
  // P(Z >= alpha), computed without cancellation even far in the tail.
  const tail = normalCdf(-alpha);
  const lower = 1 - tail;
  return {
    spec,
    mean: mean + (sd * normalPdf(alpha)) / tail,
    // Inversion from whichever end keeps precision: Z = -Phi^-1(tail * v) when the cut is in the upper tail.
    sample: alpha > 0
      ? (rng) => Math.min(MAX_DRAW, Math.max(0, mean - sd * normalQuantile(tail * (1 - rng()))))
      : (rng) => Math.min(MAX_DRAW, Math.max(0, mean + sd * normalQuantile(lower + tail * rng()))),
    quantile: (p) => Math.max(0, alpha > 0 ? mean - sd * normalQuantileExact(tail * (1 - p)) : mean + sd * normalQuantileExact(lower + tail * p)),
  };
}

/**
 * The standard normal beyond `a` (> 2), as the excess x = Z - a: returns the x with
 * P(Z > a + x | Z > a) = v, for v in (0, 1]. Solves ln S(x) = ln v by Newton's method, where
 * ln S(x) = -a x - x^2/2 - ln(1 + (x + K(a+x) - K(a)) / (a + K(a))) and K = normalHazardExcess;
 * ln S is concave, so Newton from the Rayleigh estimate (which lies above the root) converges
 * monotonically. Works for any a, even where P(Z > a) underflows.
 */
function normalTail(a: number): (v: number) => number {
  const ka = normalHazardExcess(a);
  const lnS = (x: number): number => -a * x - 0.5 * x * x - Math.log1p((x + normalHazardExcess(a + x) - ka) / (a + ka));
  return (v) => {
    if (!(v > 0)) return Infinity; // the quantile at p = 1
    const target = Math.log(v);
    if (!(target < 0)) return 0;
    const e = -target;
    // Rayleigh estimate sqrt(a^2 + 2e) - a, written without cancellation (and without a^2 overflowing).
    let x = a < 1e150 ? (2 * e) / (a + Math.sqrt(a * a + 2 * e)) : e / a;
    for (let i = 0; i < 100; i++) {
      const step = (lnS(x) - target) / (a + x + normalHazardExcess(a + x));
      const next = Math.max(0, x + step);
      if (!(Math.abs(next - x) > 1e-15 * next)) return next;
      x = next;
    }
    return x;
  };
}

/** Lognormal: exp(mu + sigma Z). */
export function lognormal(mu: number, sigma: number): Distribution {
  return {
    spec: { dist: 'lognormal', mu, sigma },
    mean: Math.exp(mu + (sigma * sigma) / 2),
    sample: (rng) => Math.min(MAX_DRAW, Math.exp(mu + sigma * normalQuantile(rng()))),
    quantile: (p) => Math.exp(mu + sigma * normalQuantileExact(p)),
  };
}

/** Lognormal given its median and 95th percentile (p95 > median > 0). */
export function lognormalByQuantiles(median: number, p95: number): Distribution {
  const mu = Math.log(median);
  const sigma = (Math.log(p95) - mu) / Z95;
  return { ...lognormal(mu, sigma), spec: { dist: 'lognormal', median, p95 } };
}

/** Weibull with shape k and scale lambda, by inversion. Shape < 1 gives a decreasing hazard. */
export function weibull(shape: number, scale: number): Distribution {
  const inv = 1 / shape;
  return {
    spec: { dist: 'weibull', shape, scale },
    mean: scale * gammaFn(1 + inv),
    sample: (rng) => Math.min(MAX_DRAW, scale * Math.pow(-Math.log1p(-rng()), inv)),
    quantile: (p) => scale * Math.pow(-Math.log1p(-p), inv),
  };
}

/** Gamma with shape k and scale theta (mean k*theta), Marsaglia and Tsang's method. */
export function gammaDist(shape: number, scale: number): Distribution {
  return {
    spec: { dist: 'gamma', shape, scale },
    mean: shape * scale,
    sample: (rng) => Math.min(MAX_DRAW, scale * standardGamma(shape, rng)),
    quantile: (p) => scale * gammaQuantile(shape, p),
  };
}

function standardGamma(shape: number, rng: Rng): number {
  if (shape < 1) {
    // Boost: G(a) = G(a + 1) * U^(1/a).
    const u = 1 - rng();
    return standardGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let tries = 0; tries < 1000; tries++) {
    const z = normalQuantile(rng());
    const v0 = 1 + c * z;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = rng();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
  return d; // unreachable in practice: the acceptance rate is above 95%
}

/** Discrete distribution over `values`, with optional relative `weights` (default equal). */
export function empirical(values: number[], weights?: number[]): Distribution {
  const w = weights ?? values.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(values.length);
  let acc = 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    acc += w[i]! / total;
    cumulative[i] = acc;
    mean += (values[i]! * w[i]!) / total;
  }
  const last = values.length - 1;
  const spec: DistSpec = weights ? { dist: 'empirical', values, weights } : { dist: 'empirical', values };
  const at = (u: number): number => {
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  };
  return { spec, mean, sample: (rng) => at(rng()), quantile: at };
}

/** Builds the distribution a (validated) spec describes. */
export function makeDistribution(spec: DistSpec): Distribution {
  switch (spec.dist) {
    case 'constant':
      return constant(spec.value);
    case 'uniform':
      return uniform(spec.min, spec.max);
    case 'exponential':
      return exponential(spec.mean);
    case 'normal':
      return truncatedNormal(spec.mean, spec.sd);
    case 'lognormal':
      return 'median' in spec ? lognormalByQuantiles(spec.median, spec.p95) : lognormal(spec.mu, spec.sigma);
    case 'weibull':
      return weibull(spec.shape, spec.scale);
    case 'gamma':
      return gammaDist(spec.shape, spec.scale);
    case 'empirical':
      return empirical(spec.values, spec.weights);
  }
}

/** Multiplies every time-valued parameter of a spec by `k` (metamorphic tests, unit scaling). */
export function scaleDistSpec(spec: DistSpec, k: number): DistSpec {
  switch (spec.dist) {
    case 'constant':
      return { dist: 'constant', value: spec.value * k };
    case 'uniform':
      return { dist: 'uniform', min: spec.min * k, max: spec.max * k };
    case 'exponential':
      return { dist: 'exponential', mean: spec.mean * k };
    case 'normal':
      return { dist: 'normal', mean: spec.mean * k, sd: spec.sd * k };
    case 'lognormal':
      return 'median' in spec
        ? { dist: 'lognormal', median: spec.median * k, p95: spec.p95 * k }
        : { dist: 'lognormal', mu: spec.mu + Math.log(k), sigma: spec.sigma };
    case 'weibull':
      return { dist: 'weibull', shape: spec.shape, scale: spec.scale * k };
    case 'gamma':
      return { dist: 'gamma', shape: spec.shape, scale: spec.scale * k };
    case 'empirical':
      return spec.weights
        ? { dist: 'empirical', values: spec.values.map((v) => v * k), weights: spec.weights }
        : { dist: 'empirical', values: spec.values.map((v) => v * k) };
  }
}
