import type { Cluster } from '../kube/cluster.js';
import type { CapacityPlan } from './capacity.js';
import type { Flow } from './flows.js';

/**
 * Payload of 'traffic.overload': over [fromS, toS], how long a workload's pods were offered more
 * requests than they can serve (capacity.ts), with the requests offered in that time and what the
 * pods could have served of them. Flow -1 is the service: the longest such time of any workload
 * (exact when the overloads nest, as with one workload), emitted only when there was overload.
 * A workload's is emitted for every interval in which some pod serves it (for its peak load).
 * The object is reused: copy what you keep.
 */
export interface OverloadIncrement {
  flow: number;
  fromS: number;
  toS: number;
  overloadedS: number;
  offered: number;
  capacity: number;
  /** Highest offered / capacity in the interval. */
  peakRatio: number;
}

const NONE = { seconds: 0, integral: 0 };

/**
 * Measures overload between changes of the front's state, for both traffic modes: the caller plans
 * the interval's capacity first. An interval with no serving pod is downtime, not overload.
 */
export class OverloadWatch {
  private readonly inc: OverloadIncrement = { flow: 0, fromS: 0, toS: 0, overloadedS: 0, offered: 0, capacity: 0, peakRatio: 0 };

  constructor(
    private readonly c: Cluster,
    private readonly flows: ReadonlyArray<Flow | null>,
    private readonly plan: CapacityPlan,
  ) {}

  account(aS: number, bS: number): void {
    if (!(bS > aS) || !this.c.out.trafficOverload.active) return;
    let longestS = 0;
    let peak = 0;
    for (const flow of this.flows) {
      if (!flow) continue;
      const w = flow.workload.index;
      const capacity = this.plan.flowCapacityRps[w]!;
      const share = this.plan.toServing[w]!;
      if (!(capacity > 0) || !(share > 0)) continue;
      const peakRatio = (flow.rate.max(aS, bS) * share) / capacity;
      const over = peakRatio > 1 ? flow.rate.above(capacity / share, aS, bS) : NONE;
      const inc = this.inc;
      inc.flow = w;
      inc.fromS = aS;
      inc.toS = bS;
      inc.overloadedS = over.seconds;
      inc.offered = over.integral * share;
      inc.capacity = capacity * over.seconds;
      inc.peakRatio = peakRatio;
      longestS = Math.max(longestS, over.seconds);
      peak = Math.max(peak, inc.peakRatio);
      this.c.out.trafficOverload.emit(inc);
    }
    if (longestS > 0) {
      const inc = this.inc;
      inc.flow = -1;
      inc.fromS = aS;
      inc.toS = bS;
      inc.overloadedS = longestS;
      inc.offered = 0;
      inc.capacity = 0;
      inc.peakRatio = peak;
      this.c.out.trafficOverload.emit(inc);
    }
  }
}
