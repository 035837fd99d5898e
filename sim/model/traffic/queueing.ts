/**
 * Queueing formulas for the fluid traffic mode: a queue "unit" (one pod, or all serving pods
 * pooled when the policy balances on load) with `servers` workers of rate `mu`, a waiting room and
 * a patience after which waiting requests give up. Stationary M/M/c(/K) results are corrected for
 * non-Poisson arrivals and non-exponential service with the Allen-Cunneen factor (ca2 + cs2) / 2;
 * an overloaded or backlogged unit is run as a deterministic fluid queue.
 */
export interface QueueUnit {
  servers: number;
  mu: number;
  /** Squared coefficients of variation of inter-arrival and service times. */
  ca2: number;
  cs2: number;
  /** Waiting room (Infinity: unbounded). */
  room: number;
  /** Longest wait before the request is given up (client timeout or the front's read timeout). */
  patienceS: number;
}

/** Stationary results for an arrival rate below capacity. */
export interface Stationary {
  blocked: number;
  /** Probability that an accepted request waits. */
  pWait: number;
  /** Mean wait of those that wait (exponential). */
  meanWaitS: number;
}

/** True when waiting is negligible (below 1e-12): offered load more than ten Poisson sds below c. */
export function negligibleWaiting(c: number, a: number): boolean {
  return c - a > 10 * Math.sqrt(a) + 10;
}

/** Erlang C: the probability that an arrival waits in M/M/c with offered load a < c. */
export function erlangC(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** Stationary M/M/c/(c+room) for offered load a = lambda/mu, with the Allen-Cunneen wait factor. */
export function stationary(u: QueueUnit, lambda: number): Stationary {
  const c = u.servers;
  const a = lambda / u.mu;
  const factor = (u.ca2 + u.cs2) / 2;
  if (!(lambda > 0) || negligibleWaiting(c, a)) return { blocked: 0, pWait: 0, meanWaitS: 0 };
  if (u.room === Infinity) {
    const pWait = erlangC(c, a);
    return { blocked: 0, pWait, meanWaitS: factor / (c * u.mu - lambda) };
  }
  // Probabilities relative to P(c): P(k)/P(c) = prod_{j=k+1..c} j/a below c (bounded: a is near c
  // here), rho^(n-c) from c up to c + room; summed from the top when rho > 1 to avoid overflow.
  const rho = a / c;
  let ratio = 1;
  let below = 0;
  for (let k = c; k > 0; k--) {
    ratio *= k / a;
    below += ratio;
  }
  const room = u.room;
  // Over the states c .. c+room: geo = sum rho^j and moment = sum j rho^j (j waiting), in closed form;
  // when rho > 1 everything is scaled by rho^-room and summed from the top to avoid overflow.
  let scale = 1;
  let geo: number;
  let moment: number;
  if (Math.abs(rho - 1) < 1e-12) {
    geo = room + 1;
    moment = (room * (room + 1)) / 2;
  } else if (rho < 1) {
    geo = sumPow(rho, room);
    moment = sumIPow(rho, room);
  } else {
    const y = 1 / rho;
    scale = Math.pow(y, room);
    geo = sumPow(y, room);
    moment = room * geo - sumIPow(y, room);
  }
  const top = rho > 1 ? 1 : Math.pow(rho, room); // the full state c+room, on the same scale
  const total = below * scale + geo;
  const blocked = top / total;
  const accepted = 1 - blocked;
  const waitingMass = (geo - top) / total; // states c .. c+room-1 on arrival
  const pWait = accepted > 0 ? Math.min(1, waitingMass / accepted) : 1;
  const lq = moment / total; // mean number waiting
  const meanWait = accepted > 0 ? lq / (lambda * accepted) : 0; // Little, over accepted requests
  return { blocked, pWait, meanWaitS: pWait > 0 ? (factor * meanWait) / pWait : 0 };
}

/** sum_{i=0..n} x^i for 0 <= x < 1. */
function sumPow(x: number, n: number): number {
  return (1 - Math.pow(x, n + 1)) / (1 - x);
}

/** sum_{i=0..n} i x^i for 0 <= x < 1. */
function sumIPow(x: number, n: number): number {
  return (x * (1 - (n + 1) * Math.pow(x, n) + n * Math.pow(x, n + 1))) / ((1 - x) * (1 - x));
}
