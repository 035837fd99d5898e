import { countEligible, nthEligible, type Policy } from './types.js';

/** A uniformly random eligible upstream. */
export const random: Policy = (view, rng) => {
  const n = countEligible(view);
  if (n === 0) return -1;
  return view.slots[nthEligible(view, 0, Math.floor(rng() * n))]!;
};
