import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import type { Cluster } from '../kube/cluster.js';
import type { Workload } from '../kube/types.js';
import { makeRate, type Rate } from './rates.js';

/** The requests one workload receives: arrival rate, CPU and backend time, client timeout. */
export interface Flow {
  readonly workload: Workload;
  readonly rate: Rate;
  readonly constantRate: boolean;
  /** CPU seconds per request on one core. */
  readonly cpu: Distribution;
  /** Seconds waiting on the backend. */
  readonly backend: Distribution;
  readonly timeoutS: number;
  readonly concurrency: number;
  /** Queue bound; Infinity when unbounded. */
  readonly queueBound: number;
  /** The pod's CPU request and limit, in cores (the limit Infinity when none). */
  readonly requestCores: number;
  readonly limitCores: number;
  readonly arrivalRng: Rng;
  readonly cpuRng: Rng;
  readonly backendRng: Rng;
}

/** The flows of the workloads that have traffic, indexed by workload index (null without). */
export function makeFlows(c: Cluster): Array<Flow | null> {
  return c.workloads.map((w) => {
    const t = w.config.traffic;
    if (t === null) return null;
    return {
      workload: w,
      rate: makeRate(t.rate),
      constantRate: t.rate.profile === 'constant',
      cpu: makeDistribution(t.cpuPerRequest),
      backend: makeDistribution(t.backendTime),
      timeoutS: t.timeout,
      concurrency: w.config.serving.concurrency,
      queueBound: w.config.serving.queue ?? Infinity,
      requestCores: w.config.resources.requests.cpu / 1000,
      limitCores: (w.config.resources.limits.cpu ?? Infinity) / 1000,
      arrivalRng: c.streams.stream(`traffic/${w.name}/arrivals`),
      cpuRng: c.streams.stream(`traffic/${w.name}/cpu`),
      backendRng: c.streams.stream(`traffic/${w.name}/backend`),
    };
  });
}

/** Thinning looks this far ahead for the rate's maximum. */
const WINDOW_S = 600;

/**
 * The next arrival after `fromS` of a non-homogeneous Poisson process (thinning against the
 * rate's maximum over a moving window); Infinity if none before `untilS`. A constant rate is one
 * exponential draw; a window where the rate is 0 jumps to the rate's next change. `steps` counts
 * the windows looked at, so the caller can charge them as work (a rate far below the window's
 * scale could otherwise loop unseen).
 */
export function nextArrival(flow: Flow, fromS: number, untilS: number, steps: { count: number } = { count: 0 }): number {
  if (flow.constantRate) {
    const rate = flow.rate.at(fromS);
    const t = rate > 0 ? fromS - Math.log1p(-flow.arrivalRng()) / rate : Infinity;
    return t < untilS ? t : Infinity;
  }
  let t = fromS;
  while (t < untilS) {
    steps.count++;
    const windowEnd = t + WINDOW_S;
    const max = flow.rate.max(t, windowEnd);
    if (!(max > 0)) {
      t = flow.rate.jumps(t, untilS)[0] ?? windowEnd;
      continue;
    }
    t -= Math.log1p(-flow.arrivalRng()) / max;
    if (t > windowEnd) {
      t = windowEnd; // no candidate in this window; the process is memoryless, start the next one
      continue;
    }
    if (flow.arrivalRng() * max <= flow.rate.at(t)) return t;
  }
  return Infinity;
}
