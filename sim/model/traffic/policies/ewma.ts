import type { Policy } from './types.js';
import { twoAtRandom } from './power-of-two.js';

/**
 * ingress-nginx's ewma balancer: of two random eligible upstreams, the one with the lower score,
 * its response-time average decayed towards 0 while it is not used (so an idle or new upstream
 * gets tried).
 */
export const ewma: Policy = (view, rng) => {
  const [a, b] = twoAtRandom(view, rng);
  if (b < 0) return a;
  return view.ewma(b) < view.ewma(a) ? b : a;
};
