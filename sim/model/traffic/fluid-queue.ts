import { negligibleWaiting, stationary, type QueueUnit } from './queueing.js';

/** Where the requests entering a queue unit go (the fluid mode sorts them into outcomes). */
export interface QueueSink {
  /** `count` requests served after waiting `waitS` each. */
  served(count: number, waitS: number): void;
  /** `count` requests served, a share `pWait` of them after an exponential wait of mean `meanWaitS`. */
  servedStationary(count: number, pWait: number, meanWaitS: number): void;
  rejected(count: number): void;
  /** Given up while waiting (the queue is at the patience limit). */
  abandoned(count: number): void;
}

/**
 * Advances one queue unit for `h` seconds at arrival rate `lambda` from backlog `b0` (requests
 * waiting) and returns the new backlog. With no backlog and the rate below capacity (or any rate
 * with a bounded waiting room), the unit is in its stationary regime (M/M/c/K corrected for
 * variability). Otherwise it is a deterministic fluid queue: the backlog grows at
 * lambda - capacity up to its limit (the waiting room, or capacity x patience: requests that would
 * wait longer give up) and drains at capacity - lambda; an arrival waits backlog / capacity.
 */
export function advanceQueue(u: QueueUnit, lambda: number, b0: number, h: number, sink: QueueSink): number {
  const nu = u.servers * u.mu;
  const cap = Math.min(u.room, nu * u.patienceS);
  let b = b0;
  let t = 0;
  for (let guard = 0; t < h && guard < 8; guard++) {
    const left = h - t;
    // A bounded room has a steady state at any load; an unbounded one only below capacity.
    if (b <= 1e-9 && (lambda < nu || u.room < Infinity)) {
      const n = lambda * left;
      if (negligibleWaiting(u.servers, lambda / u.mu)) sink.served(n, 0);
      else {
        const st = stationary(u, lambda);
        sink.rejected(n * st.blocked);
        sink.servedStationary(n * (1 - st.blocked), st.pWait, st.meanWaitS);
      }
      return 0;
    }
    if (lambda > nu && b >= cap) {
      // At the limit: as many arrivals as the workers take join, after waiting just under the limit.
      sink.served(nu * left, (cap / nu) * (1 - 1e-9));
      const excess = (lambda - nu) * left;
      if (cap === u.room) sink.rejected(excess);
      else sink.abandoned(excess);
      return cap;
    }
    const growing = lambda > nu;
    const dt = growing ? Math.min(left, (cap - b) / (lambda - nu)) : lambda === nu ? left : Math.min(left, b / (nu - lambda));
    const b1 = growing ? b + (lambda - nu) * dt : Math.max(0, b - (nu - lambda) * dt);
    // Arrivals over dt meet a backlog moving linearly from b to b1: two points spread their waits.
    const half = (lambda * dt) / 2;
    sink.served(half, (b + (b1 - b) / 4) / nu);
    sink.served(half, (b + (3 * (b1 - b)) / 4) / nu);
    b = b1;
    t += dt;
    if (dt === left) break;
  }
  return b;
}
