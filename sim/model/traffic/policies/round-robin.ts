import { nthEligible, type Policy } from './types.js';

/** ingress-nginx's default: the next upstream in order, skipping ineligible ones. */
export const roundRobin: Policy = (view) => {
  const n = view.slots.length;
  if (n === 0) return -1;
  const i = nthEligible(view, view.cursor % n, 0);
  if (i < 0) return -1;
  view.cursor = (i + 1) % n;
  return view.slots[i]!;
};
