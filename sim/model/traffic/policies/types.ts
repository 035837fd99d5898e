import type { Rng } from '../../../engine/random.js';

/**
 * What a load-balancing policy sees: the upstreams in rotation (pod slots), which of them may be
 * tried for this request, and per upstream the requests it has in flight and its latency average.
 * A policy is a pure function of this view and a random stream; it returns the chosen slot, or -1
 * when no upstream is eligible. `cursor` is the policy's own rotating position (round robin's
 * "next", kept by the caller between calls).
 */
export interface PolicyView {
  readonly slots: readonly number[];
  eligible(slot: number): boolean;
  /** Requests the front has in flight to this upstream. */
  active(slot: number): number;
  /** Exponentially weighted latency average of this upstream, in seconds (0 if unknown). */
  ewma(slot: number): number;
  cursor: number;
}

export type Policy = (view: PolicyView, rng: Rng) => number;

/** Index of the i-th eligible slot after `from` (wrapping), or -1. Shared by the policies. */
export function nthEligible(view: PolicyView, from: number, nth: number): number {
  const n = view.slots.length;
  let seen = 0;
  for (let k = 0; k < n; k++) {
    const i = (from + k) % n;
    if (!view.eligible(view.slots[i]!)) continue;
    if (seen === nth) return i;
    seen++;
  }
  return -1;
}

export function countEligible(view: PolicyView): number {
  let n = 0;
  for (const slot of view.slots) if (view.eligible(slot)) n++;
  return n;
}
