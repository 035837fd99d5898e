import { scenarioSpec } from '../sim/scenario/fields.js';
import type { Spec } from '../sim/scenario/spec.js';
import type { SoakInput } from './check.js';

/**
 * The field sweep of the soak harness: every duration, distribution and rate field of the schema
 * (found by walking `fields.ts` over a scenario that writes every section) set, one at a time, to
 * values at and past the ends of what the loader accepts.
 */

export type SweepKind = 'duration' | 'dist' | 'rate';

export interface SweepField {
  /** A concrete path in the base scenario, e.g. `workloads[0].artifacts[2].retryInterval`. */
  path: string;
  kind: SweepKind;
}

/** Durations at and past the limits: zero, tiny, negative, the cap, past it, overflow, not a duration. */
export const DURATION_EXTREMES: readonly string[] = [
  '0s', '1e-15', '5e-324', '0.999ms', '1ms', '-1s', '-1e308', '1000y', '1001y', '1e308', '1.7976931348623157e308',
  '9007199254740993', '99999999999999999999d', 'none', 'abc', '[]', '{}', '.inf', '-.inf', '.nan',
];

/** Distributions whose tails, means or parameters are extreme. */
export const DIST_EXTREMES: readonly string[] = [
  ...DURATION_EXTREMES,
  '{dist: weibull, shape: 0.001, scale: 1s}',
  '{dist: weibull, shape: 5e-324, scale: 1y}',
  '{dist: weibull, shape: 0.05, scale: 1e-16}',
  '{dist: weibull, shape: 1e308, scale: 1s}',
  '{dist: lognormal, median: 5s, p95: 1e300}',
  '{dist: lognormal, mu: 1, sigma: 1e6}',
  '{dist: lognormal, mu: -1e6, sigma: 0}',
  '{dist: lognormal, mu: 700, sigma: 1}',
  '{dist: gamma, shape: 2, scale: 1e308}',
  '{dist: gamma, shape: 5e-324, scale: 1y}',
  '{dist: gamma, shape: 1e308, scale: 1e-300}',
  '{dist: normal, mean: 0s, sd: 1e308}',
  '{dist: normal, mean: -40s, sd: 1s}',
  '{dist: normal, mean: -1000y, sd: 1ms}',
  '{dist: normal, mean: 1000y, sd: 1000y}',
  '{dist: exponential, mean: 1e308}',
  '{dist: exponential, mean: 5e-324}',
  '{dist: uniform, min: 0s, max: 1e308}',
  '{dist: uniform, min: -1000y, max: 1000y}',
  '{dist: empirical, values: [0s]}',
  '{dist: empirical, values: [1e308]}',
  '{dist: empirical, values: [1s, 2s], weights: [1e308, 1e308]}',
  '{dist: empirical, values: [1s, 2s], weights: [0, -1]}',
  '{dist: constant, value: 0s}',
];

/** Rates: zero, tiny, at and past the cap, overflow, not a rate. */
export const RATE_EXTREMES: readonly string[] = [
  '0/s', '5e-324', '1e-9', '1e-9/s', '0.000001/h', '1000000000/s', '1e9', '1e9/s', '1000000001/s', '1e305', '-1', '.inf', 'fast',
];

const EXTREMES: Record<SweepKind, readonly string[]> = { duration: DURATION_EXTREMES, dist: DIST_EXTREMES, rate: RATE_EXTREMES };

/**
 * Every duration, distribution and rate field reachable in `resolved` (a loaded scenario, defaults
 * filled): each array item and each union variant present is walked. `uncovered` lists the schema
 * paths (`faults[].duration`) the scenario does not reach, so a test can keep the base complete.
 */
export function sweepFields(resolved: unknown): { fields: SweepField[]; uncovered: string[] } {
  const fields: SweepField[] = [];
  const reached = new Set<string>();
  walk(scenarioSpec, resolved, '', '', fields, reached);
  const uncovered = allSchemaPaths(scenarioSpec, '').filter((p) => !reached.has(p));
  return { fields, uncovered };
}

function kindOf(spec: Spec): SweepKind | null {
  if (spec.kind === 'dist') return 'dist';
  if (spec.kind === 'leaf' && (spec.type.name === 'duration' || spec.type.name === 'list of duration')) return 'duration';
  if (spec.kind === 'leaf' && spec.type.name === 'rate') return 'rate';
  return null;
}

function walk(spec: Spec, value: unknown, path: string, schemaPath: string, out: SweepField[], reached: Set<string>): void {
  const kind = kindOf(spec);
  if (kind !== null) {
    reached.add(schemaPath);
    out.push({ path, kind });
    return;
  }
  if (value === null || value === undefined || typeof value !== 'object') return;
  const v = value as Record<string, unknown>;
  switch (spec.kind) {
    case 'object':
      for (const [key, field] of Object.entries(spec.fields)) walk(field, v[key], join(path, key), join(schemaPath, key), out, reached);
      return;
    case 'array':
      (value as unknown[]).forEach((item, i) => walk(spec.items, item, `${path}[${i}]`, `${schemaPath}[]`, out, reached));
      return;
    case 'union': {
      const tag = v[spec.tag] as string;
      const variant = spec.variants[tag];
      if (variant === undefined) return;
      for (const [key, field] of Object.entries(variant.fields)) walk(field, v[key], join(path, key), `${join(schemaPath, key)}<${tag}>`, out, reached);
      return;
    }
    default:
      return;
  }
}

/** Every sweepable schema path, union fields marked with their variant: `faults[].duration<jvm-pause>`. */
function allSchemaPaths(spec: Spec, path: string): string[] {
  if (kindOf(spec) !== null) return [path];
  switch (spec.kind) {
    case 'object':
      return Object.entries(spec.fields).flatMap(([key, field]) => allSchemaPaths(field, join(path, key)));
    case 'array':
      return allSchemaPaths(spec.items, `${path}[]`);
    case 'union':
      return Object.entries(spec.variants).flatMap(([tag, variant]) =>
        Object.entries(variant.fields).flatMap(([key, field]) => allSchemaPaths(field, `${join(path, key)}<${tag}>`)),
      );
    default:
      return [];
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The sweep's inputs: the base text with one field overridden by one extreme value. */
export function sweepInputs(baseName: string, baseText: string, fields: readonly SweepField[]): SoakInput[] {
  return fields.flatMap((f) =>
    EXTREMES[f.kind].map((value) => ({ part: 'sweep' as const, name: `${baseName} --set ${f.path}=${value}`, file: baseName, text: baseText, overrides: [`${f.path}=${value}`] })),
  );
}
