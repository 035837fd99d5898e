import type { DistSpec } from '../engine/distributions.js';
import { scenarioSpec } from './fields.js';
import type { Spec } from './spec.js';
import type { Scenario } from './types.js';
import { formatDuration } from './units.js';

/** Distribution parameters that are times (written as durations). */
const TIME_PARAMS = new Set(['value', 'min', 'max', 'mean', 'sd', 'median', 'p95', 'scale', 'values']);

/** A distribution in scenario form: a constant as a plain duration, others as `{dist, ...}`. */
export function formatDist(d: DistSpec): unknown {
  if (d.dist === 'constant') return formatDuration(d.value);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(d)) {
    if (key === 'dist' || !TIME_PARAMS.has(key)) out[key] = value;
    else out[key] = Array.isArray(value) ? value.map(formatDuration) : formatDuration(value as number);
  }
  return out;
}

/**
 * Writes a resolved scenario back in scenario-file form (durations as `90s`, CPU as `500m`...).
 * Loading the result gives the same scenario back.
 */
export function serializeScenario(s: Scenario): Record<string, unknown> {
  return serialize(s, scenarioSpec) as Record<string, unknown>;
}

function serialize(value: unknown, spec: Spec): unknown {
  if (value === null) return 'none';
  if (value === undefined) return undefined;
  switch (spec.kind) {
    case 'leaf':
      return spec.type.format(value);
    case 'dist':
      return formatDist(value as DistSpec);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, fieldSpec] of Object.entries(spec.fields)) {
        const v = serialize((value as Record<string, unknown>)[key], fieldSpec);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    case 'array':
      return (value as unknown[]).map((item) => serialize(item, spec.items));
    case 'union': {
      const tag = (value as Record<string, string>)[spec.tag]!;
      const variant = spec.variants[tag]!;
      if (spec.shorthand?.variant === tag) return serialize((value as Record<string, unknown>)[spec.shorthand.field], variant.fields[spec.shorthand.field]!);
      return { [spec.tag]: tag, ...(serialize(value, variant) as object) };
    }
  }
}
