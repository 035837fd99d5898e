/**
 * Where the requests of a flow end up, in the fluid mode, given the upstreams a front can pick
 * from: `serving` answer, `hung` accept and never answer, `refusing` reset the connection at once,
 * `blackhole` let it time out. Each try picks uniformly among the upstreams not tried yet; a
 * connection failure is retried while tries are left. (The policies that look at load steer away
 * from a failing upstream faster than uniform picking; the fluid mode does not model that.)
 */
export interface RoutingOdds {
  /** P(served after exactly k connect timeouts), k = 0 .. tries-1. */
  served: Float64Array;
  hung: number;
  failed: number;
}

const cache = new Map<number | string, RoutingOdds>();

export function routingOdds(serving: number, hung: number, refusing: number, blackhole: number, tries: number): RoutingOdds {
  const small = serving < 128 && hung < 128 && refusing < 128 && blackhole < 128 && tries < 32;
  const key = small ? serving + 128 * (hung + 128 * (refusing + 128 * (blackhole + 128 * tries))) : `${serving},${hung},${refusing},${blackhole},${tries}`;
  let odds = cache.get(key);
  if (odds === undefined) {
    odds = { served: new Float64Array(tries), hung: 0, failed: 0 };
    walk(odds, serving, hung, refusing, blackhole, tries, 0, 1);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, odds);
  }
  return odds;
}

function walk(o: RoutingOdds, s: number, h: number, f: number, b: number, tries: number, timeouts: number, p: number): void {
  const n = s + h + f + b;
  if (n === 0 || tries === 0) {
    o.failed += p;
    return;
  }
  if (s > 0) o.served[timeouts] += (p * s) / n;
  if (h > 0) o.hung += (p * h) / n;
  if (f > 0) walk(o, s, h, f - 1, b, tries - 1, timeouts, (p * f) / n);
  if (b > 0) walk(o, s, h, f, b - 1, tries - 1, timeouts + 1, (p * b) / n);
}
