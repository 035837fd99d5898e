import { cpuStretch, podCapacityRps, saturatedStretch } from './cpu.js';
import { negligibleWaiting, stationary } from './queueing.js';

/**
 * A queue unit of the fluid mode: one pod, or all serving pods pooled when the policy balances on
 * load. Its workers hold each request for its CPU time, stretched by sharing the unit's cores
 * (cpu.ts), plus its backend wait; requests beyond the workers wait in a queue with a waiting room
 * and a patience after which they give up.
 */
export interface PodUnit {
  /** Workers (MI's worker pool; pooled: all pods' together). */
  workers: number;
  /** Cores the unit may use (its capacity is cores / cpuMeanS). */
  cores: number;
  /**
   * Where pods on one node share its cores as one pool: the pool's cores, and the cores the other
   * pods keep busy on average (0: the unit's cores are its own).
   */
  shareCores: number;
  coLoad: number;
  cpuMeanS: number;
  backendMeanS: number;
  /** Variances of the CPU and backend times (for the worker queue's Allen-Cunneen factor). */
  cpuVar: number;
  backendVar: number;
  /** Squared coefficient of variation of inter-arrival times. */
  ca2: number;
  /** Waiting room (Infinity: unbounded). */
  room: number;
  /** Longest wait before a request is given up (client timeout or the front's read timeout). */
  patienceS: number;
}

/** Where the requests entering a queue unit go (the fluid mode sorts them into outcomes). */
export interface QueueSink {
  /** `count` requests served after waiting `waitS` each, their CPU time stretched by `stretch`. */
  served(count: number, waitS: number, stretch: number): void;
  /** `count` requests served, a share `pWait` of them after an exponential wait of mean `meanWaitS`. */
  servedStationary(count: number, pWait: number, meanWaitS: number, stretch: number): void;
  rejected(count: number): void;
  /** Given up while waiting (the queue is at the patience limit). */
  abandoned(count: number): void;
}

/** Requests per second the unit serves at most. */
export function unitCapacity(u: PodUnit): number {
  return podCapacityRps(u.cores, u.cpuMeanS, u.backendMeanS, u.workers);
}

/** True when the cores, not the workers, bound the unit's capacity. */
function cpuBound(u: PodUnit): boolean {
  return u.cpuMeanS > 0 && u.cores / u.cpuMeanS <= u.workers / (u.cpuMeanS + u.backendMeanS);
}

/** The CPU stretch at arrival rate `lambda` (the saturated one at or above the CPU's capacity). */
export function stretchAt(u: PodUnit, lambda: number): number {
  if (!(u.cpuMeanS > 0)) return 1;
  const s = u.coLoad > 0 ? cpuStretch(lambda + u.coLoad / u.cpuMeanS, u.cpuMeanS, u.shareCores) : cpuStretch(lambda, u.cpuMeanS, u.cores);
  if (!Number.isFinite(s)) return saturatedStretch(unitCapacity(u), u.cpuMeanS, u.backendMeanS, u.workers);
  // Smoother arrivals than Poisson (round robin) queue less: the excess scaled as in Allen-Cunneen,
  // (ca2 + cs2) / 2 with the exponential's cs2 = 1 that the processor-sharing formula stands for.
  return 1 + ((s - 1) * (u.ca2 + 1)) / 2;
}

/** Mean time a request holds a worker at arrival rate `lambda`. */
export function holdAt(u: PodUnit, lambda: number): number {
  return u.cpuMeanS * stretchAt(u, lambda) + u.backendMeanS;
}

/**
 * `n` requests arriving at rate `lambda` in the unit's stationary regime: their CPU time is
 * stretched by the sharing at that rate; they wait for a worker as in M/M/c/K with the mean hold
 * time (corrected for variability), or not at all when the workers are far from busy.
 */
export function serveStationary(u: PodUnit, lambda: number, n: number, sink: QueueSink): void {
  const s = stretchAt(u, lambda);
  const hold = u.cpuMeanS * s + u.backendMeanS;
  // When the cores bound the unit, the CPU chain already holds every request present: one waiting
  // for a worker (there are more workers than cores) waits for the CPU it would share anyway.
  if (!(hold > 0) || (cpuBound(u) && lambda < unitCapacity(u)) || negligibleWaiting(u.workers, lambda * hold)) return sink.served(n, 0, s);
  const variance = s * s * u.cpuVar + u.backendVar;
  const st = stationary({ servers: u.workers, mu: 1 / hold, ca2: u.ca2, cs2: variance / (hold * hold), room: u.room, patienceS: u.patienceS }, lambda);
  sink.rejected(n * st.blocked);
  sink.servedStationary(n * (1 - st.blocked), st.pWait, st.meanWaitS, s);
}

/**
 * Advances one queue unit for `h` seconds at arrival rate `lambda` from backlog `b0` (requests
 * waiting) and returns the new backlog. With no backlog and the rate below capacity (or, when its
 * workers bound it, any rate with a bounded waiting room) the unit is in its stationary regime.
 * Otherwise it is a deterministic fluid queue served at capacity, every worker busy: the backlog
 * grows at lambda - capacity up to its limit (the waiting room, or capacity x patience: requests
 * that would wait longer give up) and drains at capacity - lambda; an arrival waits backlog /
 * capacity.
 */
export function advanceQueue(u: PodUnit, lambda: number, b0: number, h: number, sink: QueueSink): number {
  const nu = unitCapacity(u);
  const cap = Math.min(u.room, nu * u.patienceS);
  const full = saturatedStretch(nu, u.cpuMeanS, u.backendMeanS, u.workers);
  let b = b0;
  let t = 0;
  for (let guard = 0; t < h && guard < 8; guard++) {
    const left = h - t;
    if (b <= 1e-9 && (lambda < nu || (u.room < Infinity && !cpuBound(u)))) {
      serveStationary(u, lambda, lambda * left, sink);
      return 0;
    }
    if (lambda > nu && b >= cap) {
      // At the limit: as many arrivals as the workers take join, after waiting just under the limit.
      sink.served(nu * left, (cap / nu) * (1 - 1e-9), full);
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
    sink.served(half, (b + (b1 - b) / 4) / nu, full);
    sink.served(half, (b + (3 * (b1 - b)) / 4) / nu, full);
    b = b1;
    t += dt;
    if (dt === left) break;
  }
  return b;
}
