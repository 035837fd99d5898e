import { countEligible, nthEligible, type Policy, type PolicyView } from './types.js';
import type { Rng } from '../../../engine/random.js';

/** Two distinct eligible upstreams at random (one if only one is eligible). */
export function twoAtRandom(view: PolicyView, rng: Rng): [number, number] {
  const n = countEligible(view);
  if (n === 0) return [-1, -1];
  const a = Math.floor(rng() * n);
  if (n === 1) return [view.slots[nthEligible(view, 0, a)]!, -1];
  let b = Math.floor(rng() * (n - 1));
  if (b >= a) b++;
  return [view.slots[nthEligible(view, 0, a)]!, view.slots[nthEligible(view, 0, b)]!];
}

/** Power of two choices: of two random eligible upstreams, the one with fewer requests in flight. */
export const powerOfTwo: Policy = (view, rng) => {
  const [a, b] = twoAtRandom(view, rng);
  if (b < 0) return a;
  return view.active(b) < view.active(a) ? b : a;
};
