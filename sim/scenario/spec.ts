import type { DistSpec } from '../engine/distributions.js';
import { formatCpu, formatDuration, formatMemory, parseCpu, parseDuration, parseMemory } from './units.js';

/** Seconds in a unit, for writing defaults: `30 * S`, `14 * D`. */
export const MS = 0.001;
export const S = 1;
export const MIN = 60;
export const H = 3600;
export const D = 86400;

/**
 * The longest time a scenario may give anywhere: the horizon's cap, 1000 years. Nothing longer
 * can matter to a run, and every time stays where a double resolves microseconds.
 */
export const MAX_DURATION_S = 1000 * 365 * D;
export const MAX_DURATION_TEXT = '1000y';
/**
 * The shortest period, interval or time between events (1 ms): repeated activity faster than
 * this would only cost events, and a period must stay far above the clock's rounding.
 */
export const MIN_PERIOD_S = 0.001;
export const MIN_PERIOD_TEXT = '1ms';
/**
 * The shortest non-zero duration (1 microsecond): anything shorter is a typing slip, and dividing by
 * it (a capacity, a rate) must stay finite.
 */
export const MIN_DURATION_S = 1e-6;
export const MIN_DURATION_TEXT = '0.001ms';
/** The highest rate of requests or messages (per second) a scenario may give. */
export const MAX_RATE_PER_S = 1e9;
/** The lowest non-zero rate (one per 31.7 years): waiting times drawn from it stay finite. */
export const MIN_RATE_PER_S = 1e-9;

/** Whether a duration lies within the bounds every duration keeps: 0, or 1 µs to 1000 y in size. */
export function durationInBounds(v: number): boolean {
  const size = Math.abs(v);
  return size === 0 || (size >= MIN_DURATION_S && size <= MAX_DURATION_S);
}

/** Default distributions, written shortly. */
export const constant = (value: number): DistSpec => ({ dist: 'constant', value });
export const lognormal = (median: number, p95: number): DistSpec => ({ dist: 'lognormal', median, p95 });

/**
 * The little schema language scenario fields are written in. Each field states its kind, its
 * default (in resolved units: seconds, millicores, MiB) and a one-line doc; the validator, the
 * serializer and the generated reference page (docs/scenario-reference.md) all read these, so the
 * defaults live in exactly one place: `fields.ts`.
 */
export type Spec =
  | LeafSpec
  | DistFieldSpec
  | ObjectSpec
  | ArraySpec
  | UnionSpec;

interface Common {
  /** One line for the reference page. */
  doc: string;
  /** Accepts `none` (or null) for "switched off"; the resolved value is then null. */
  nullable?: boolean;
  /** May be left out with no default; the resolved value is then undefined. */
  optional?: boolean;
}

/** A scalar field: how to read it, what to say when it is wrong, how to write it back. */
export interface LeafSpec extends Common {
  kind: 'leaf';
  type: LeafType;
  default?: unknown;
  /** Extra check on the parsed value; returns the expectation text when it fails. */
  check?: (value: any) => string | undefined;
}

export interface LeafType {
  name: string;
  /** For list types: the type of each item, so a bad item is reported at its own index. */
  item?: LeafType;
  /** "an integer", "a duration such as 90s"... (completed by min/max wording from `check`). */
  expected: string;
  parse(raw: unknown): unknown | undefined;
  format(value: any): unknown;
}

/** A duration distribution: a plain duration (constant) or `{dist: ..., params}`. */
export interface DistFieldSpec extends Common {
  kind: 'dist';
  default?: DistSpec | null;
  /** Values may be negative (constant, uniform and empirical only). */
  signed?: boolean;
  /** The mean must be above 0 (a time between events: 0 would repeat the event without end). */
  positive?: boolean;
}

export interface ObjectSpec extends Common {
  kind: 'object';
  fields: Record<string, Spec>;
  /** Default when the whole object is absent: 'fields' fills each field's default; null means off. */
  default?: 'fields' | null;
  /** Fields that moved or were renamed: the unknown-field error says where they went. */
  moved?: Record<string, string>;
}

export interface ArraySpec extends Common {
  kind: 'array';
  items: Spec;
  default?: unknown[];
  minItems?: number;
  /** Extra check over the whole resolved list (e.g. unique names); returns an expectation. */
  check?: (items: any[]) => string | undefined;
}

/** One of several object shapes, chosen by the value of `tag` (e.g. faults by `type`). */
export interface UnionSpec extends Common {
  kind: 'union';
  tag: string;
  variants: Record<string, ObjectSpec>;
  /** A plain value stands for this variant with this field set to it (e.g. `rate: 200/s`). */
  shorthand?: { variant: string; field: string };
  /** Default when absent: a plain value in the shorthand's form. */
  default?: unknown;
}

// ---- leaf types ----

export const INT: LeafType = {
  name: 'integer',
  expected: 'an integer',
  parse: (v) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined),
  format: (v) => v,
};

export const NUMBER: LeafType = {
  name: 'number',
  expected: 'a number',
  parse: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined),
  format: (v) => v,
};

export const STRING: LeafType = {
  name: 'string',
  expected: 'a text',
  parse: (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined),
  format: (v) => v,
};

export const BOOL: LeafType = {
  name: 'boolean',
  expected: 'true or false',
  parse: (v) => (typeof v === 'boolean' ? v : undefined),
  format: (v) => v,
};

export const DURATION: LeafType = {
  name: 'duration',
  expected: 'a duration such as 90s, 5m, 2h or 30d',
  parse: parseDuration,
  format: formatDuration,
};

const RATE_UNITS_S: Record<string, number> = { s: 1, min: 60, h: 3600 };

/** Requests per second from `200/s`, `12000/min`, `50/h`, `1e6/s`, or a number (per second). */
export function parseRate(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = /^\s*((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*\/\s*(s|min|h)\s*$/i.exec(raw);
  if (m === null) return undefined;
  const v = Number(m[1]) / RATE_UNITS_S[m[2]!]!;
  return Number.isFinite(v) ? v : undefined;
}

export const RATE: LeafType = {
  name: 'rate',
  expected: 'a rate such as 200/s or 12000/min',
  parse: parseRate,
  format: (v: number) => `${v}/s`,
};

export const COUNT_OR_PERCENT: LeafType = {
  name: 'count or percent',
  expected: 'a count such as 1 or a percentage such as 25%',
  parse: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : typeof v === 'string' && /^\d{1,3}%$/.test(v) && Number(v.slice(0, -1)) <= 100 ? v : undefined),
  format: (v) => v,
};

export const CPU: LeafType = {
  name: 'cpu',
  expected: 'a CPU quantity such as 500m or 2',
  parse: parseCpu,
  format: formatCpu,
};

export const MEMORY: LeafType = {
  name: 'memory',
  expected: 'a memory quantity such as 512Mi or 16Gi',
  parse: parseMemory,
  format: formatMemory,
};

const DNS_LABEL = 'lower-case letters, digits and dashes, starting and ending with a letter or digit';

/** Names of nodes, pools, zones and workloads: Kubernetes DNS labels. */
export const NAME: LeafType = {
  name: 'name',
  expected: `a name of ${DNS_LABEL}`,
  parse: (v) => (typeof v === 'string' && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v) ? v : undefined),
  format: (v) => v,
};

export function enumType(values: readonly string[]): LeafType {
  return {
    name: values.join(' | '),
    expected: `one of ${values.join(', ')}`,
    // A value that reads as a number in YAML (miVersion: 4.4) matches by its text.
    parse: (v) => {
      const text = typeof v === 'number' ? String(v) : v;
      return typeof text === 'string' && values.includes(text) ? text : undefined;
    },
    format: (v) => v,
  };
}

/** A list of leaf values; `expected` names the whole list, e.g. "a list of zone names (...)". */
export function listType(item: LeafType, expected: string): LeafType {
  return {
    name: `list of ${item.name}`,
    item,
    expected,
    parse: (v) => {
      if (!Array.isArray(v)) return undefined;
      const out: unknown[] = [];
      for (const x of v) {
        const p = item.parse(x);
        if (p === undefined) return undefined;
        out.push(p);
      }
      return out;
    },
    format: (v: unknown[]) => v.map((x) => item.format(x)),
  };
}

export const NAME_LIST: LeafType = listType(NAME, `a list of names of ${DNS_LABEL}`);

// ---- field builders (keep fields.ts short) ----

type Extra = Partial<Pick<LeafSpec, 'nullable' | 'optional' | 'check'>>;

export function leaf(type: LeafType, def: unknown, doc: string, extra: Extra = {}): LeafSpec {
  return { kind: 'leaf', type, default: def, doc, ...extra };
}

export const int = (def: number | null | undefined, doc: string, min = -Infinity, max = Infinity, extra: Extra = {}): LeafSpec =>
  leaf(INT, def, doc, { check: range(min, max), ...extra });

export const num = (def: number | undefined, doc: string, min = -Infinity, max = Infinity, extra: Extra = {}): LeafSpec =>
  leaf(NUMBER, def, doc, { check: range(min, max), ...extra });

/** A positive rate of something per second (its reciprocal is a time): from 1e-9 to 1e9. */
export const perSecond = (def: number | undefined, doc: string, extra: Extra = {}): LeafSpec =>
  leaf(NUMBER, def, doc, { check: (v: number) => (v >= MIN_RATE_PER_S && v <= MAX_RATE_PER_S ? undefined : 'a number from 1e-9 to 1e9'), ...extra });

/** A duration of at least `minS` (-Infinity: any sign) and, in size, at most MAX_DURATION_S. */
export const duration = (def: number | null | undefined, doc: string, minS = 0, extra: Extra = {}): LeafSpec =>
  leaf(DURATION, def, doc, { check: durationRange(minS), ...extra });

/** A period, interval or length of time: at least MIN_PERIOD_S, at most MAX_DURATION_S. */
export const positiveDuration = (def: number | undefined, doc: string, extra: Extra = {}): LeafSpec =>
  leaf(DURATION, def, doc, { check: durationRange(MIN_PERIOD_S), ...extra });

/** The check of a duration field: the expectation it fails, or undefined. */
export function durationRange(minS: number): (v: number) => string | undefined {
  return (v) => {
    if (Math.abs(v) > MAX_DURATION_S) return `a duration of at most ${minS < 0 ? `${MAX_DURATION_TEXT} either way` : MAX_DURATION_TEXT} (the longest horizon)`;
    if (v < minS) return minS === MIN_PERIOD_S ? `a duration of at least ${MIN_PERIOD_TEXT}` : `a duration >= ${formatDuration(minS)}`;
    return durationInBounds(v) ? undefined : `a duration of 0 or at least ${MIN_DURATION_TEXT}`;
  };
}

/** A rate of requests or messages, per second: at most MAX_RATE_PER_S. */
export const rate = (def: number | undefined, doc: string): LeafSpec =>
  leaf(RATE, def, doc, {
    check: (v: number) => (v === 0 || (v >= MIN_RATE_PER_S && v <= MAX_RATE_PER_S) ? undefined : 'a rate of 0 or from 1e-9/s to 1e9/s (1,000,000,000 per second)'),
  });

export const text = (def: string | undefined, doc: string, extra: Extra = {}): LeafSpec => leaf(STRING, def, doc, extra);

export const bool = (def: boolean, doc: string): LeafSpec => leaf(BOOL, def, doc);

export const oneOf = (values: readonly string[], def: string | undefined, doc: string, extra: Extra = {}): LeafSpec =>
  leaf(enumType(values), def, doc, extra);

export const dist = (def: DistSpec | null | undefined, doc: string, extra: Partial<Pick<DistFieldSpec, 'nullable' | 'optional' | 'signed' | 'positive'>> = {}): DistFieldSpec => ({
  kind: 'dist',
  default: def,
  doc,
  ...extra,
});

export const object = (fields: Record<string, Spec>, doc: string, extra: Partial<Pick<ObjectSpec, 'nullable' | 'optional' | 'default' | 'moved'>> = {}): ObjectSpec => ({
  kind: 'object',
  fields,
  doc,
  default: 'fields',
  ...extra,
});

export const array = (items: Spec, def: unknown[] | undefined, doc: string, extra: Partial<Pick<ArraySpec, 'minItems' | 'check' | 'optional'>> = {}): ArraySpec => ({
  kind: 'array',
  items,
  default: def,
  doc,
  ...extra,
});

function range(min: number, max: number): (v: number) => string | undefined {
  return (v) => {
    if (v >= min && v <= max) return undefined;
    if (max === Infinity) return `>= ${min}`;
    if (min === -Infinity) return `<= ${max}`;
    return `between ${min} and ${max}`;
  };
}
