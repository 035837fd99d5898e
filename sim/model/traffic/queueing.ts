/**
 * Steady-state M/M/c queue with an optional bound on the waiting room, as the fluid traffic mode
 * uses it for one pod over an interval of constant state: c workers, exponential service (rate mu
 * per worker; the fluid mode uses the service-time mean), Poisson arrivals at lambda.
 */
export interface QueueOutcome {
  /** Fraction of arrivals rejected because the waiting room is full. */
  blocked: number;
  /** Fraction of accepted arrivals that wait for a worker. */
  waiting: number;
  /** Rate of the exponential wait of those that wait (c mu - lambda), or 0 when unstable. */
  waitRate: number;
  /** Requests served per unit time (at most c mu). */
  throughput: number;
}

const NONE: QueueOutcome = { blocked: 0, waiting: 0, waitRate: 0, throughput: 0 };

/**
 * True when waiting is negligible (below 1e-12): the offered load a = lambda/mu lies more than
 * ten standard deviations of a Poisson(a) below c. Saves the O(c) Erlang computation at light load.
 */
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

/**
 * One pod's queue at arrival rate `lambda`, per-worker service rate `mu`, `c` workers and a waiting
 * room of `room` (Infinity: unbounded). An unstable unbounded queue serves at capacity; the excess
 * waits until it times out (the caller counts it as timed out).
 */
export function mmcQueue(lambda: number, mu: number, c: number, room: number): QueueOutcome {
  if (!(lambda > 0)) return NONE;
  const a = lambda / mu;
  if (negligibleWaiting(c, a)) return { blocked: 0, waiting: 0, waitRate: 0, throughput: lambda };
  const rho = a / c;
  if (rho >= 1 && room === Infinity) return { blocked: 0, waiting: 1, waitRate: 0, throughput: c * mu };
  if (room === Infinity) {
    return { blocked: 0, waiting: erlangC(c, a), waitRate: c * mu - lambda, throughput: lambda };
  }
  // M/M/c/(c+room), with probabilities relative to P(c): P(k)/P(c) = prod_{j=k+1..c} j/a below c
  // (computed downwards, bounded because a is near c here), rho^(n-c) above it.
  let ratio = 1;
  let below = 0;
  for (let k = c; k > 0; k--) {
    ratio *= k / a;
    below += ratio;
  }
  const geometric = (n: number) => (rho === 1 ? n : (1 - rho ** n) / (1 - rho)); // sum_{j<n} rho^j
  const total = below + geometric(room + 1);
  const blocked = rho ** room / total;
  const accepted = 1 - blocked;
  const waitingOnArrival = geometric(room) / total / accepted;
  return {
    blocked,
    waiting: Math.min(1, waitingOnArrival),
    waitRate: Math.max(c * mu - lambda * accepted, 1e-9),
    throughput: lambda * accepted,
  };
}
