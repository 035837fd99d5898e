import type { Policy } from './types.js';

/** The eligible upstream with the fewest requests in flight; ties go round robin from the cursor. */
export const leastConnections: Policy = (view) => {
  const n = view.slots.length;
  let best = -1;
  let bestActive = Infinity;
  for (let k = 0; k < n; k++) {
    const i = (view.cursor + k) % n;
    const slot = view.slots[i]!;
    if (!view.eligible(slot)) continue;
    const a = view.active(slot);
    if (a < bestActive) {
      bestActive = a;
      best = i;
    }
  }
  if (best < 0) return -1;
  view.cursor = (best + 1) % n;
  return view.slots[best]!;
};
