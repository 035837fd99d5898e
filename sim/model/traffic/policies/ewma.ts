import type { Policy } from './types.js';
import { twoAtRandom } from './power-of-two.js';

/**
 * ingress-nginx's peak EWMA: of two random eligible upstreams, the one with the lower score
 * ewma latency x (requests in flight + 1); an upstream with no latency yet scores 0, so it is tried.
 */
export const ewma: Policy = (view, rng) => {
  const [a, b] = twoAtRandom(view, rng);
  if (b < 0) return a;
  const score = (slot: number) => view.ewma(slot) * (view.active(slot) + 1);
  return score(b) < score(a) ? b : a;
};
