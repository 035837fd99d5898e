import { makeDistribution, type DistSpec } from '../../engine/distributions.js';
import { gammaQuantile } from '../../engine/special.js';

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
  // To 1e-6 of the value (well inside the 0.5% grids the delays are kept on).
  for (let i = 0; i < 60 && hi - lo > 1e-6 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Points per side of the grid whose sums make a hold-time template (GRID^2 sums, sorted). */
const GRID = 200;

const holdCache = new WeakMap<DistSpec, WeakMap<DistSpec, Map<number, ServiceTemplate>>>();

/** A CPU stretch on a 1% log grid (1 below 1.005), so that templates can be shared. */
export function quantizeStretch(stretch: number): number {
  if (!(stretch > 1.005)) return 1;
  return Math.exp(Math.round(Math.log(stretch) * 100) / 100);
}

/** Points of the sharing factor's grid (see holdTemplate). */
const SHARING_POINTS = 50;
/** Grids of the coarse templates, enough for the share of requests done within a timeout. */
const COARSE_GRID = 48;
const COARSE_SHARING_POINTS = 12;

/**
 * The time a request holds its worker, as a template: its CPU time stretched by sharing the cores,
 * plus its backend wait (independent). Sharing stretches a request of CPU time x to s x G on
 * average s x, where G is a gamma factor of mean 1 and variance (s - 1) / (s + 1): this fits the
 * M/M/1 processor-sharing sojourn time's first two moments (E[T] = E[S] / (1 - rho) and
 * Var[T] = E[S]^2 (2 + rho) / ((1 - rho)^2 (2 - rho)), Coffman, Muntz and Trotter 1970) and
 * matches its quantiles closely (test/traffic/cpu.test.ts); the stretch s then stands for any
 * number of cores. Made from sorted grids of quantiles, once per pair of specs and quantized stretch;
 * a coarse one (a few thousand points) serves the checks against a timeout, which need no tail detail.
 */
export function holdTemplate(cpu: DistSpec, backend: DistSpec, stretch: number, resolution: 'fine' | 'coarse' = 'fine'): ServiceTemplate {
  const s = quantizeStretch(stretch);
  let byBackend = holdCache.get(cpu);
  if (byBackend === undefined) holdCache.set(cpu, (byBackend = new WeakMap()));
  let byStretch = byBackend.get(backend);
  if (byStretch === undefined) byBackend.set(backend, (byStretch = new Map()));
  // Coarse templates (for the timeout checks) are kept under the negative stretch.
  const key = resolution === 'fine' ? s : -s;
  let t = byStretch.get(key);
  if (t !== undefined) return t;
  const fine = resolution === 'fine';
  const grid = fine ? GRID : COARSE_GRID;
  const c = serviceTemplate(cpu);
  const b = serviceTemplate(backend);
  const constantBackend = b.points[0] === b.points[TEMPLATE_POINTS - 1];
  // With a constant backend the CPU grid is the template's (its ends are what holdBound assumes).
  const out = fine || constantBackend ? TEMPLATE_POINTS : COARSE_GRID * COARSE_GRID;
  const cpuPoints = sharedCpu(cpu, s, constantBackend ? out : grid, fine ? SHARING_POINTS : COARSE_SHARING_POINTS);
  let points = new Float64Array(out);
  if (constantBackend) {
    for (let j = 0; j < out; j++) points[j] = cpuPoints[j]! + b.points[0]!;
  } else {
    const db = makeDistribution(backend);
    const sums = new Float64Array(grid * grid);
    for (let j = 0; j < grid; j++) {
      const bq = db.quantile((j + 0.5) / grid);
      for (let i = 0; i < grid; i++) sums[i * grid + j] = cpuPoints[i]! + bq;
    }
    sums.sort();
    if (out === sums.length) points = sums;
    else {
      const per = sums.length / out;
      for (let k = 0; k < out; k++) points[k] = sums[Math.floor((k + 0.5) * per)]!;
    }
  }
  const v = sharingVariance(s);
  const cpuSecondMoment = c.mean * c.mean * (1 + c.cs2);
  const cpuVariance = s * s * (cpuSecondMoment * (1 + v) - c.mean * c.mean);
  const mean = s * c.mean + b.mean;
  const variance = cpuVariance + b.cs2 * b.mean * b.mean;
  t = { points, mean, cs2: mean > 0 ? variance / (mean * mean) : 0 };
  byStretch.set(key, t);
  return t;
}

/**
 * A time no hold at this stretch exceeds on the template's grid (so a patience beyond it needs no
 * template): the largest CPU and backend grid points, the CPU one stretched and multiplied by a
 * bound on the sharing factor's largest grid point (mean 1 plus 10 sd: Chebyshev, above 0.99).
 */
export function holdBound(cpuMaxS: number, backendMaxS: number, stretch: number): number {
  // Above the quantized stretch (it rounds to the nearest 1%), so no template exceeds it.
  const s = stretch <= 1 ? 1 : stretch * 1.01;
  return s * cpuMaxS * (1 + 10 * Math.sqrt(sharingVariance(s))) + backendMaxS;
}

/** Variance of the sharing factor G at stretch s. */
function sharingVariance(s: number): number {
  return s > 1 ? (s - 1) / (s + 1) : 0;
}

/** `n` quantiles of the CPU time stretched by sharing (s x G, G on `gPoints` quantiles), ascending. */
function sharedCpu(cpu: DistSpec, s: number, n: number, gPoints: number): Float64Array {
  const d = makeDistribution(cpu);
  const out = new Float64Array(n);
  const v = sharingVariance(s);
  if (v === 0) {
    for (let j = 0; j < n; j++) out[j] = s * d.quantile((j + 0.5) / n);
    return out;
  }
  const g = new Float64Array(gPoints);
  for (let k = 0; k < gPoints; k++) g[k] = v * gammaQuantile(1 / v, (k + 0.5) / gPoints);
  const products = new Float64Array(n * gPoints);
  for (let j = 0; j < n; j++) {
    const x = s * d.quantile((j + 0.5) / n);
    for (let k = 0; k < gPoints; k++) products[j * gPoints + k] = x * g[k]!;
  }
  products.sort();
  for (let j = 0; j < n; j++) out[j] = products[Math.floor((j + 0.5) * gPoints)]!;
  return out;
}

/**
 * Fluid latencies are kept by key: the CPU stretch (1% log grid), the time lost at the front
 * (connect timeouts) and the wait for a worker (0.5% log grids, 0 kept exact), packed in one
 * number so that equal latencies add up in a map.
 */
const DELAY_SLOTS = 16384;
const DELAY_ZERO = 8192;

function delayIndex(delayS: number): number {
  if (!(delayS > 0)) return 0;
  return Math.min(DELAY_SLOTS - 1, Math.max(1, Math.round(Math.log(delayS) * 200) + DELAY_ZERO));
}

function delayOf(index: number): number {
  return index === 0 ? 0 : Math.exp((index - DELAY_ZERO) / 200);
}

export function latencyKey(stretch: number, shiftS: number, waitS: number): number {
  // The index of quantizeStretch's grid point (0 up to 1.005).
  const k = stretch > 1.005 ? Math.min(1 << 20, Math.round(Math.log(stretch) * 100)) : 0;
  return (k * DELAY_SLOTS + delayIndex(shiftS)) * DELAY_SLOTS + delayIndex(waitS);
}

/** [stretch, front shift, wait] of a latency key. */
export function decodeLatencyKey(key: number): [number, number, number] {
  const wait = key % DELAY_SLOTS;
  const rest = Math.floor(key / DELAY_SLOTS);
  const shift = rest % DELAY_SLOTS;
  const k = Math.floor(rest / DELAY_SLOTS);
  return [Math.exp(k / 100), delayOf(shift), delayOf(wait)];
}
