import type { DistSpec } from '../engine/distributions.js';
import { parseDuration } from './units.js';

/**
 * The parameters of each distribution kind in a scenario, how to read each one, and the checks
 * between parameters (max >= min, p95 > median, one weight per value).
 */
export interface ParamSpec {
  expected: string;
  parse(raw: unknown): unknown;
  optional?: boolean;
}


const durationAtLeast = (min: number, strict: boolean): ParamSpec => ({
  expected: strict ? `a duration > ${min}` : `a duration >= ${min}`,
  parse: (raw) => {
    const s = parseDuration(raw);
    return s !== undefined && (strict ? s > min : s >= min) ? s : undefined;
  },
});
const positiveNumber: ParamSpec = {
  expected: 'a number > 0',
  parse: (raw) => (typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? raw : undefined),
};
const anyNumber: ParamSpec = {
  expected: 'a number',
  parse: (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined),
};
const nonNegativeNumber: ParamSpec = {
  expected: 'a number >= 0',
  parse: (raw) => (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 ? raw : undefined),
};
const durationList: ParamSpec = {
  expected: 'a non-empty list of durations',
  parse: (raw) => {
    if (!Array.isArray(raw) || raw.length === 0) return undefined;
    const out = raw.map(parseDuration);
    return out.every((s) => s !== undefined && s >= 0) ? out : undefined;
  },
};
const weightList: ParamSpec = {
  expected: 'a list of numbers >= 0',
  optional: true,
  parse: (raw) => (Array.isArray(raw) && raw.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) ? raw : undefined),
};

/** Parameters of each distribution kind (lognormal accepts either set). Times are durations. */
export const DIST_PARAMS: Record<string, Array<Record<string, ParamSpec>>> = {
  constant: [{ value: durationAtLeast(0, false) }],
  uniform: [{ min: durationAtLeast(0, false), max: durationAtLeast(0, false) }],
  exponential: [{ mean: durationAtLeast(0, true) }],
  normal: [{ mean: { ...anyNumber, expected: 'a duration', parse: parseDuration }, sd: durationAtLeast(0, false) }],
  lognormal: [
    { median: durationAtLeast(0, true), p95: durationAtLeast(0, true) },
    { mu: anyNumber, sigma: nonNegativeNumber },
  ],
  weibull: [{ shape: positiveNumber, scale: durationAtLeast(0, true) }],
  gamma: [{ shape: positiveNumber, scale: durationAtLeast(0, true) }],
  empirical: [{ values: durationList, weights: weightList }],
};
export const DIST_KINDS = Object.keys(DIST_PARAMS);

const anyDuration: ParamSpec = { expected: 'a duration (negative allowed)', parse: parseDuration };
/** Signed quantities (a clock offset: negative is behind): the kinds that keep a sign. */
export const SIGNED_DIST_PARAMS: Record<string, Array<Record<string, ParamSpec>>> = {
  constant: [{ value: anyDuration }],
  uniform: [{ min: anyDuration, max: anyDuration }],
  empirical: [
    {
      values: { expected: 'a non-empty list of durations', parse: (raw) => (Array.isArray(raw) && raw.length > 0 && raw.map(parseDuration).every((x) => x !== undefined) ? raw.map(parseDuration) : undefined) },
      weights: weightList,
    },
  ],
};
export const SIGNED_DIST_KINDS = Object.keys(SIGNED_DIST_PARAMS);

export function checkDistRelations(d: DistSpec): { expected: string; found: string } | undefined {
  if (d.dist === 'uniform' && d.max < d.min) return { expected: 'max >= min', found: `min ${d.min}s and max ${d.max}s` };
  if (d.dist === 'lognormal' && 'median' in d && !(d.p95 > d.median)) {
    return { expected: 'p95 > median', found: `median ${d.median}s and p95 ${d.p95}s` };
  }
  if (d.dist === 'empirical' && d.weights !== undefined) {
    if (d.weights.length !== d.values.length) return { expected: 'as many weights as values', found: `${d.weights.length} weights for ${d.values.length} values` };
    if (!(d.weights.reduce((a, b) => a + b, 0) > 0)) return { expected: 'weights with a positive sum', found: 'weights summing to 0' };
  }
  return undefined;
}
