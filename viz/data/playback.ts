import { formatDuration } from '../../sim/scenario/units.js';
import type { TraceRecord } from '../../sim/trace/index.js';

/**
 * Playback and what-if helpers (no DOM): the playback clock, and the check that a what-if run (the
 * same replication with a scripted fault added at tS) repeats the original exactly up to tS.
 */

/** Playback speeds: simulated seconds per wall-clock second. */
export const SPEEDS = [1, 10, 100, 1000, 10_000, 100_000] as const;

/** The playback time after `wallMs` of play at `speed`, stopped at `endS`. */
export function advanceTime(timeS: number, wallMs: number, speed: number, endS: number): number {
  return Math.min(endS, timeS + (Math.max(0, wallMs) / 1000) * speed);
}

/** Clamps a time to [0, endS] (NaN becomes 0). */
export function clampTime(timeS: number, endS: number): number {
  if (!Number.isFinite(timeS)) return timeS === Infinity ? endS : 0;
  return Math.min(endS, Math.max(0, timeS));
}

/** The first place two traces part, before tS. */
export interface RecordDifference {
  /** Index among the records before tS (the same in both up to here). */
  index: number;
  /** The record of each trace there (undefined: that trace has no more records before tS). */
  before?: TraceRecord;
  after?: TraceRecord;
}

export interface SharedPrefix {
  /** Every record strictly before tS is the same in both: time, kind and fields (`n` aside). */
  identical: boolean;
  /** How many records before tS were compared (the longer list's count). */
  compared: number;
  firstDifference?: RecordDifference;
}

/** Equal as trace values: same JSON-able shape, numbers compared with Object.is (NaN equals NaN). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Two records alike but for their event number `n`. */
export function sameRecord(a: TraceRecord, b: TraceRecord): boolean {
  if (a.t !== b.t || a.kind !== b.kind) return false;
  const ka = Object.keys(a).filter((k) => k !== 'n');
  const kb = Object.keys(b).filter((k) => k !== 'n');
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !same(a[k], b[k])) return false;
  }
  return true;
}

/**
 * Compares the records strictly before tS of two traces, in order, by time, kind and fields
 * (ignoring `n`: a scripted fault added to the scenario is one more event in the engine, so the
 * numbers shift). A what-if fault at tS must leave all of them identical.
 */
export function sharedPrefix(before: readonly TraceRecord[], after: readonly TraceRecord[], tS: number): SharedPrefix {
  const a = before.filter((r) => r.t < tS);
  const b = after.filter((r) => r.t < tS);
  const count = Math.max(a.length, b.length);
  for (let i = 0; i < count; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !sameRecord(x, y)) {
      const firstDifference: RecordDifference = { index: i };
      if (x !== undefined) firstDifference.before = x;
      if (y !== undefined) firstDifference.after = y;
      return { identical: false, compared: count, firstDifference };
    }
  }
  return { identical: true, compared: count };
}

/** One metric of the replication before and after a what-if. */
export interface MetricChange {
  name: string;
  before: number | null;
  after: number | null;
  /** after - before (null when either is missing or not finite). */
  difference: number | null;
}

/** The replication's metric values before and after, by name (in the order of `before`, then any new ones). */
export function metricChanges(before: ReadonlyArray<readonly [string, number]>, after: ReadonlyArray<readonly [string, number]>): MetricChange[] {
  const b = new Map(before);
  const a = new Map(after);
  const names = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  return names.map((name) => {
    const x = b.get(name) ?? null;
    const y = a.get(name) ?? null;
    const difference = x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y) ? y - x : null;
    return { name, before: x, after: y, difference };
  });
}

/** A what-if: a scripted fault added to the replication at the playback time. */
export type WhatIf =
  | { type: 'node-crash'; node: string; /** Seconds until repaired; undefined: drawn from the pool's repairTime; null: never. */ repairAfterS?: number | null }
  | { type: 'node-partition'; node: string; durationS: number | null; from: 'both' | 'control-plane' | 'database' }
  | { type: 'pod-crash'; workload: string; /** Among the workload's live pods, oldest first, at the time. */ podIndex: number }
  | { type: 'coordination-db-outage'; durationS: number };

/** A duration the scenario loader reads back to exactly these seconds (`1h30m`, `3600.5s`). */
export function durationText(seconds: number): string {
  return formatDuration(seconds);
}

/** The what-if as a scenario `faults[]` entry (field -> value), at `atS`. */
export function faultEntry(w: WhatIf, atS: number): Record<string, string | number> {
  const at = durationText(atS);
  switch (w.type) {
    case 'node-crash': {
      const f: Record<string, string | number> = { type: w.type, at, node: w.node };
      if (w.repairAfterS !== undefined) f.repairAfter = w.repairAfterS === null ? 'none' : durationText(w.repairAfterS);
      return f;
    }
    case 'node-partition':
      return { type: w.type, at, node: w.node, duration: w.durationS === null ? 'none' : durationText(w.durationS), from: w.from };
    case 'pod-crash':
      return { type: w.type, at, workload: w.workload, podIndex: w.podIndex };
    case 'coordination-db-outage':
      return { type: w.type, at, duration: durationText(w.durationS) };
  }
}

/** The fault entries as `faults[N].field=value` overrides after `existing` faults (what the worker applies). */
export function faultOverrides(faults: ReadonlyArray<Record<string, string | number>>, existing: number): string[] {
  return faults.flatMap((f, k) => Object.entries(f).map(([field, value]) => `faults[${existing + k}].${field}=${value}`));
}

/** What the what-if fault hit, as its `fault` record says (the first of its type at atS), or null if none. */
export function faultTarget(records: readonly TraceRecord[], type: string, atS: number): string | null {
  const r = records.find((x) => x.kind === 'fault' && x.t === atS && x.type === type);
  return r === undefined ? null : String(r.target);
}
