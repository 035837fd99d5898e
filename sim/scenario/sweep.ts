import { parseTree } from './tree.js';
import type { LeafType } from './spec.js';
import { parseFieldPath } from './overrides.js';

/**
 * Sweeps: a scenario run at every combination of some fields' values. The axes come from the
 * scenario's `sweep:` section or from `deploysim sweep --vary PATH=LIST`; each value is applied as
 * `--set PATH=value` would be, so the loader checks it like any other field.
 */

/** Points of a sweep at most (a typo such as 1..100000 is an error, not a day of simulation). */
export const MAX_SWEEP_POINTS = 10_000;

/** One axis: a scenario field (path as in `--set`) and its values, each as `--set` value text. */
export interface SweepAxis {
  field: string;
  values: string[];
}

/**
 * A LIST as `--vary` and a `sweep:` section's `values` take it as text: values separated by commas
 * (`1,2,3,5`, `5s,10s,30s`) or a range of whole numbers (`1..6`, both ends included). Returns the
 * values, or what was expected instead.
 */
export function parseSweepList(list: string): { values: string[] } | { expected: string } {
  const text = list.trim();
  if (text === '') return { expected: 'values separated by commas (1,2,3 or 5s,10s,30s) or a range of whole numbers (1..6)' };
  const range = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(text);
  if (range !== null) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) return { expected: 'a range of whole numbers from low to high, e.g. 1..6' };
    if (hi - lo + 1 > MAX_SWEEP_POINTS) return { expected: `a range of at most ${MAX_SWEEP_POINTS.toLocaleString('en-US')} values (a sweep takes at most ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points)` };
    return { values: Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i)) };
  }
  const values = text.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) return { expected: 'values separated by commas with no empty value among them, e.g. 1,2,3' };
  return checkValues(values);
}

/** A list's values: each at most once. */
function checkValues(values: string[]): { values: string[] } | { expected: string } {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return { expected: `each value once (${v} is listed twice)` };
    seen.add(v);
  }
  return { values };
}

/**
 * One value of a `sweep:` list as `--set` value text: a number or true/false as written, a text as
 * is when YAML reads it back as the same text, else quoted (JSON is YAML).
 */
function valueText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const back = parseTree(v, 'sweep');
  return back.errors.length === 0 && back.tree?.t === 'scalar' && back.tree.v === v ? v : JSON.stringify(v);
}

const SWEEP_VALUE: LeafType = {
  name: 'value',
  expected: 'a number, a duration, a name or true/false (a single value)',
  parse: valueText,
  format: (v) => v,
};

/** A `sweep:` axis's values: a list of single values, or a LIST as text (`1..6`, `5s,10s,30s`). */
export const SWEEP_VALUES: LeafType = {
  name: 'list of values',
  item: SWEEP_VALUE,
  expected: 'a list of values ([1, 2, 3] or [5s, 10s]) or a text 1..6 (a range of whole numbers)',
  parse: (raw) => {
    if (typeof raw === 'string') {
      const r = parseSweepList(raw);
      return 'values' in r ? r.values : undefined;
    }
    if (!Array.isArray(raw) || raw.length === 0) return undefined;
    const out: string[] = [];
    for (const x of raw) {
      const t = valueText(x);
      if (t === undefined) return undefined;
      out.push(t);
    }
    return out;
  },
  // Written back as the values they stand for (2, not "2"), so the file loads to the same texts.
  format: (values: string[]) => values.map(readBack),
};

/** The value a `--set` value text stands for. */
function readBack(text: string): unknown {
  const back = parseTree(text, 'sweep');
  return back.errors.length === 0 && back.tree?.t === 'scalar' ? back.tree.v : text;
}

/** Why a `sweep:` axis's values are not usable (a value twice), or undefined. */
export function checkSweepValues(values: string[]): string | undefined {
  const r = checkValues(values);
  return 'expected' in r ? r.expected : undefined;
}

/** A field path as `--set` takes it: `workloads[0].replicas`. */
export const FIELD_PATH: LeafType = {
  name: 'field path',
  expected: 'a field path as --set takes it, e.g. workloads[0].replicas or coordination.heartbeatInterval',
  parse: (v) => (typeof v === 'string' && parseFieldPath(v.trim()) !== undefined ? v.trim() : undefined),
  format: (v) => v,
};

/** Why axes cannot make a sweep (a field varied twice, too many points), or undefined. */
export function sweepAxesProblem(axes: readonly SweepAxis[]): string | undefined {
  const fields = new Set<string>();
  for (const a of axes) {
    if (fields.has(a.field)) return `axes each of a different field (${a.field} is varied twice; give all its values in one list)`;
    fields.add(a.field);
  }
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_SWEEP_POINTS) return `axes that make at most ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points (these make ${count.toLocaleString('en-US')})`;
  return undefined;
}

/** The cartesian product of the axes' values, the first axis varying slowest: each point as one value per axis. */
export function sweepProduct<T>(axes: ReadonlyArray<readonly T[]>): T[][] {
  let points: T[][] = [[]];
  for (const values of axes) points = points.flatMap((p) => values.map((v) => [...p, v]));
  return points;
}
