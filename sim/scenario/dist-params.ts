import type { DistSpec } from '../engine/distributions.js';
import { durationInBounds, MAX_DURATION_TEXT, MIN_DURATION_TEXT } from './spec.js';
import { parseDuration } from './units.js';

/**
 * The parameters of each distribution kind in a scenario, how to read each one, and the checks
 * between parameters (max >= min, p95 > median, one weight per value).
 */
export interface ParamSpec {
  expected: string;
  parse(raw: unknown): unknown;
  optional?: boolean;
  /** For list parameters: each item's expectation and reader, so a bad item is reported at its index. */
  item?: { expected: string; parse(raw: unknown): unknown };
}

/** A duration param: 0 (unless `positive`) or from MIN_DURATION_S to MAX_DURATION_S. */
const durationParam = (positive: boolean): ParamSpec => ({
  expected: positive ? `a duration from ${MIN_DURATION_TEXT} to ${MAX_DURATION_TEXT}` : `a duration of 0, or from ${MIN_DURATION_TEXT} to ${MAX_DURATION_TEXT}`,
  parse: (raw) => {
    const s = parseDuration(raw);
    return s !== undefined && (positive ? s > 0 : s >= 0) && durationInBounds(s) ? s : undefined;
  },
});
/** A duration param that may be negative: at most MAX_DURATION_S either way. */
const signedDuration: ParamSpec = {
  expected: `a duration (negative allowed; at most ${MAX_DURATION_TEXT} either way, 0 or at least ${MIN_DURATION_TEXT})`,
  parse: (raw) => {
    const s = parseDuration(raw);
    return s !== undefined && durationInBounds(s) ? s : undefined;
  },
};
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

/** A non-empty list whose items each pass `item`; a bad item is reported at its own index. */
function listOf(item: ParamSpec, expected: string, optional = false): ParamSpec {
  return {
    expected,
    optional,
    item,
    parse: (raw) => {
      if (!Array.isArray(raw) || raw.length === 0) return undefined;
      const out = raw.map((x) => item.parse(x));
      return out.every((x) => x !== undefined) ? out : undefined;
    },
  };
}
const durationList = listOf(durationParam(false), 'a non-empty list of durations');
const weightList = listOf(nonNegativeNumber, 'a list of numbers >= 0', true);

/** Parameters of each distribution kind (lognormal accepts either set). Times are durations. */
export const DIST_PARAMS: Record<string, Array<Record<string, ParamSpec>>> = {
  constant: [{ value: durationParam(false) }],
  uniform: [{ min: durationParam(false), max: durationParam(false) }],
  exponential: [{ mean: durationParam(true) }],
  normal: [{ mean: signedDuration, sd: durationParam(false) }],
  lognormal: [
    { median: durationParam(true), p95: durationParam(true) },
    { mu: anyNumber, sigma: nonNegativeNumber },
  ],
  weibull: [{ shape: positiveNumber, scale: durationParam(true) }],
  gamma: [{ shape: positiveNumber, scale: durationParam(true) }],
  empirical: [{ values: durationList, weights: weightList }],
};
export const DIST_KINDS = Object.keys(DIST_PARAMS);

/** Signed quantities (a clock offset: negative is behind): the kinds that keep a sign. */
export const SIGNED_DIST_PARAMS: Record<string, Array<Record<string, ParamSpec>>> = {
  constant: [{ value: signedDuration }],
  uniform: [{ min: signedDuration, max: signedDuration }],
  empirical: [{ values: listOf(signedDuration, 'a non-empty list of durations'), weights: weightList }],
};
export const SIGNED_DIST_KINDS = Object.keys(SIGNED_DIST_PARAMS);

export function checkDistRelations(d: DistSpec): { expected: string; found: string } | undefined {
  if (d.dist === 'uniform' && d.max < d.min) return { expected: 'max >= min', found: `min ${d.min}s and max ${d.max}s` };
  if (d.dist === 'lognormal' && 'median' in d && !(d.p95 > d.median)) {
    return { expected: 'p95 > median', found: `median ${d.median}s and p95 ${d.p95}s` };
  }
  if (d.dist === 'empirical' && d.weights !== undefined) {
    if (d.weights.length !== d.values.length) return { expected: 'as many weights as values', found: `${d.weights.length} weights for ${d.values.length} values` };
    const sum = d.weights.reduce((a, b) => a + b, 0);
    if (!(sum > 0)) return { expected: 'weights with a positive sum', found: 'weights summing to 0' };
    if (!Number.isFinite(sum)) return { expected: 'weights with a finite sum (they are relative: scale them down)', found: 'weights summing past 1.8e308' };
  }
  return undefined;
}
