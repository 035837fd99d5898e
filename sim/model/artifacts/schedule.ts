import type { ScheduledTaskConfig } from '../../scenario/types.js';
import { tickAtOrAfter, timeTolerance } from '../kube/probes.js';

/**
 * When a scheduled task fires, as arithmetic: fires are never simulated one by one. An interval
 * task fires at anchor, anchor + interval, ... where the anchor is the moment a server first
 * scheduled it (Quartz `startNow`); a fixed-times task fires at every `at` offset of every `every`
 * cycle from time 0, whoever runs it. All counts are over half-open intervals [a, b).
 */
export interface FireSchedule {
  /** Fires in [a, b) of a runner anchored at `anchorS` (b <= a gives 0). */
  count(anchorS: number, a: number, b: number): number;
  /** The first fire at or after t. */
  firstAtOrAfter(anchorS: number, t: number): number;
  /** The last fire strictly before t (-Infinity if none since the anchor). */
  lastBefore(anchorS: number, t: number): number;
}

/** Number of k >= 0 with anchor + k * period in [a, b) (a fire within rounding of a bound is at it). */
function combCount(anchorS: number, periodS: number, a: number, b: number): number {
  if (b <= a) return 0;
  const lo = Math.max(0, Math.ceil((a - anchorS - timeTolerance(a)) / periodS));
  const hi = Math.max(0, Math.ceil((b - anchorS - timeTolerance(b)) / periodS)); // first k with anchor + k p >= b
  return Math.max(0, hi - lo);
}

function combFirstAtOrAfter(anchorS: number, periodS: number, t: number): number {
  return tickAtOrAfter(anchorS, periodS, t);
}

function combLastBefore(anchorS: number, periodS: number, t: number): number {
  if (t <= anchorS + timeTolerance(t)) return -Infinity;
  return anchorS + (Math.ceil((t - anchorS - timeTolerance(t)) / periodS) - 1) * periodS;
}

export function intervalSchedule(intervalS: number): FireSchedule {
  return {
    count: (anchor, a, b) => combCount(anchor, intervalS, a, b),
    firstAtOrAfter: (anchor, t) => combFirstAtOrAfter(anchor, intervalS, t),
    lastBefore: (anchor, t) => combLastBefore(anchor, intervalS, t),
  };
}

/** Fires at offset + k * every for each offset (the anchor is ignored: the schedule is global). */
export function fixedTimesSchedule(offsets: readonly number[], everyS: number): FireSchedule {
  const at = [...new Set(offsets)].sort((x, y) => x - y);
  return {
    count: (_anchor, a, b) => {
      let n = 0;
      for (const o of at) n += combCount(o, everyS, a, b);
      return n;
    },
    firstAtOrAfter: (_anchor, t) => {
      let best = Infinity;
      for (const o of at) best = Math.min(best, combFirstAtOrAfter(o, everyS, t));
      return best;
    },
    lastBefore: (_anchor, t) => {
      let best = -Infinity;
      for (const o of at) best = Math.max(best, combLastBefore(o, everyS, t));
      return best;
    },
  };
}

export function scheduleOf(task: ScheduledTaskConfig): FireSchedule {
  return task.interval !== undefined ? intervalSchedule(task.interval) : fixedTimesSchedule(task.at ?? [], task.every);
}

/** Fires per second on average (for expected counts). */
export function fireRate(task: ScheduledTaskConfig): number {
  return task.interval !== undefined ? 1 / task.interval : new Set(task.at ?? []).size / task.every;
}
