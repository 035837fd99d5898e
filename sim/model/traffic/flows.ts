import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import type { Cluster } from '../kube/cluster.js';
import type { Workload } from '../kube/types.js';
import { makeRate, type Rate } from './rates.js';

/** The requests one workload receives: arrival rate, service time, client timeout. */
export interface Flow {
  readonly workload: Workload;
  readonly rate: Rate;
  readonly constantRate: boolean;
  readonly service: Distribution;
  readonly timeoutS: number;
  readonly concurrency: number;
  /** Queue bound; Infinity when unbounded. */
  readonly queueBound: number;
  readonly arrivalRng: Rng;
  readonly serviceRng: Rng;
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
      service: makeDistribution(t.serviceTime),
      timeoutS: t.timeout,
      concurrency: w.config.serving.concurrency,
      queueBound: w.config.serving.queue ?? Infinity,
      arrivalRng: c.streams.stream(`traffic/${w.name}/arrivals`),
      serviceRng: c.streams.stream(`traffic/${w.name}/service`),
    };
  });
}

/** Thinning looks this far ahead for the rate's maximum. */
const WINDOW_S = 600;

/**
 * The next arrival after `fromS` of a non-homogeneous Poisson process (thinning against the
 * rate's maximum over a moving window); Infinity if none before `untilS`.
 */
export function nextArrival(flow: Flow, fromS: number, untilS: number): number {
  let t = fromS;
  while (t < untilS) {
    const windowEnd = t + WINDOW_S;
    const max = flow.rate.max(t, windowEnd);
    if (!(max > 0)) {
      t = windowEnd;
      continue;
    }
    t -= Math.log1p(-flow.arrivalRng()) / max;
    if (t > windowEnd) {
      t = windowEnd; // no candidate in this window; the process is memoryless, start the next one
      continue;
    }
    if (flow.constantRate || flow.arrivalRng() * max <= flow.rate.at(t)) return t;
  }
  return Infinity;
}
