import type { Cluster } from '../kube/cluster.js';
import type { Flow } from './flows.js';
import type { Front, FrontListener } from './front.js';
import {
  BLACKHOLE,
  CONNECTION_FAILED,
  DRAINING,
  HUNG,
  LOST_IN_CRASH,
  NO_ENDPOINT,
  OUTCOME_COUNT,
  REFUSING,
  REJECTED,
  SERVING,
  SUCCEEDED,
  TIMED_OUT,
} from './outcomes.js';
import { advanceQueue, type QueueSink } from './fluid-queue.js';
import { negligibleWaiting, stationary, type QueueUnit } from './queueing.js';
import { routingOdds } from './routing-odds.js';
import { serviceTemplate, templateCdf, type ServiceTemplate } from './service-template.js';

/**
 * Payload of 'traffic.fluid': one workload's requests over [fromS, toS] as expected counts, and
 * the latencies of those that succeeded as (extra delay, weight) pairs on top of the service time
 * (delay 0: served at once). The object is reused: copy what you keep.
 */
export interface FluidIncrement {
  flow: number;
  fromS: number;
  toS: number;
  arrived: number;
  outcomes: Float64Array;
  /** Pairs [extra delay in seconds, weight]; `latencyCount` of them are valid. */
  latencyDelays: Float64Array;
  latencyWeights: Float64Array;
  latencyCount: number;
}

/** Wait quantiles used to spread the waiting requests' delays (exponential wait). */
export const WAIT_POINTS = 8;
/** Longest sub-interval over which a varying rate near saturation is taken as constant. */
const MAX_STEP_S = 60;

/**
 * The fluid mode: no request is simulated. Between two changes of state (a pod crashing or
 * becoming ready, an endpoint change reaching the front, a health flip), each flow is a steady
 * stream: arrivals are the integral of its rate, the front's picks follow routing-odds.ts, and each
 * serving pod is a steady M/M/c queue (queueing.ts). Work happens only when the state changes or a
 * measurement is closed, so idle years cost nothing. Requests held by a pod that crashes or hangs
 * are its expected number in flight (arrival rate x mean service time).
 */
export class FluidMode implements FrontListener {
  private lastS = 0;
  private readonly inc: FluidIncrement = {
    flow: 0,
    fromS: 0,
    toS: 0,
    arrived: 0,
    outcomes: new Float64Array(OUTCOME_COUNT),
    latencyDelays: new Float64Array(64),
    latencyWeights: new Float64Array(64),
    latencyCount: 0,
  };
  private readonly tries: number;
  private readonly policy: string;
  /** Load-aware policies act like one queue in front of all serving pods; the others split arrivals. */
  private readonly pooled: boolean;
  /** Requests waiting per serving pod, per workload (carried across intervals). */
  private readonly backlog: Float64Array;
  private readonly sink: FluidSink;

  constructor(
    private readonly c: Cluster,
    private readonly front: Front,
    private readonly flows: Array<Flow | null>,
  ) {
    this.tries = front.cloud ? 1 : front.config.tries;
    this.policy = front.config.policy;
    this.pooled = ['least-connections', 'power-of-two', 'ewma'].includes(this.policy);
    this.backlog = new Float64Array(c.workloads.length);
    this.sink = new FluidSink(this, this.inc, front.config.connectTimeout);
  }

  start(): void {}

  /** Integrates every flow up to now. */
  beforeChange(): void {
    const now = this.c.sim.nowS;
    if (now <= this.lastS) return;
    for (const flow of this.flows) if (flow) this.integrate(flow, this.lastS, now);
    this.lastS = now;
  }

  listenChanged(slot: number, from: number, to: number): void {
    if (from !== SERVING || to === SERVING || to === DRAINING) return;
    // The requests the pod was working on: lost when it dies, timed out when it stops answering.
    const pod = this.front.pods[slot];
    if (!pod || !this.front.candidates(pod.workload.index).includes(slot)) return;
    const flow = this.flows[pod.workload.index];
    if (!flow) return;
    const counts = this.counts(flow);
    counts[to === DRAINING ? REFUSING : to]!--;
    counts[SERVING]!++; // as it was just before the change
    const held = this.heldPerPod(flow, counts);
    if (!(held > 0)) return;
    const inc = this.begin(flow, this.c.sim.nowS, this.c.sim.nowS);
    inc.outcomes[SUCCEEDED] = -held;
    inc.outcomes[to === REFUSING ? LOST_IN_CRASH : TIMED_OUT] = held;
    this.emit();
  }

  slotFreed(): void {}

  /** In-flight work drains within seconds, well inside any deregistration delay: nothing to count. */
  deregistered(): void {}

  /** Closes the books at `nowS` (end of warmup, end of the horizon). */
  flush(): void {
    this.beforeChange();
  }

  /** Requests one serving pod holds now: in service, and waiting (backlog, or the stationary queue). */
  private heldPerPod(flow: Flow, counts: Int32Array): number {
    const pods = counts[SERVING]!;
    const lambda = this.perPodRate(flow, this.c.sim.nowS, counts);
    if (!(lambda > 0) || pods <= 0) return 0;
    const inService = Math.min(flow.concurrency, lambda * flow.service.mean);
    const backlog = this.backlog[flow.workload.index]!;
    if (backlog > 0) return inService + backlog;
    const u = this.unit(flow, pods);
    const unitLambda = lambda * (this.pooled ? pods : 1);
    if (unitLambda >= u.servers * u.mu || negligibleWaiting(u.servers, unitLambda / u.mu)) return inService;
    const st = stationary(u, unitLambda);
    const waiting = unitLambda * (1 - st.blocked) * st.pWait * st.meanWaitS;
    return inService + waiting / (this.pooled ? pods : 1);
  }

  /** Arrival rate at one serving pod of the flow at time t, with these upstream counts. */
  private perPodRate(flow: Flow, tS: number, counts: Int32Array): number {
    if (counts[SERVING]! <= 0) return 0;
    const odds = routingOdds(counts[SERVING]!, counts[HUNG]!, counts[REFUSING]!, counts[BLACKHOLE]!, this.tries);
    let toServing = 0;
    for (const p of odds.served) toServing += p;
    return (flow.rate.at(tS) * toServing) / counts[SERVING]!;
  }

  private readonly countsBuffer = new Int32Array(5);

  /** Upstream counts by listen state among the flow's current candidates (draining counts as refusing). */
  private counts(flow: Flow): Int32Array {
    const counts = this.countsBuffer;
    counts.fill(0);
    for (const slot of this.front.candidates(flow.workload.index)) {
      const state = this.front.listen[slot]!;
      counts[state === DRAINING ? REFUSING : state]!++;
    }
    return counts;
  }

  private integrate(flow: Flow, aS: number, bS: number): void {
    const arrived = flow.rate.integral(aS, bS);
    const w = flow.workload.index;
    if (!(arrived > 0) && this.backlog[w]! <= 0) return;
    const inc = this.begin(flow, aS, bS);
    inc.arrived = arrived;
    const counts = this.counts(flow);
    const n = counts[SERVING]! + counts[HUNG]! + counts[REFUSING]! + counts[BLACKHOLE]!;
    if (n === 0) {
      inc.outcomes[NO_ENDPOINT] = arrived;
      this.backlog[w] = 0;
      return this.emit();
    }
    const odds = routingOdds(counts[SERVING]!, counts[HUNG]!, counts[REFUSING]!, counts[BLACKHOLE]!, this.tries);
    inc.outcomes[TIMED_OUT] += arrived * odds.hung;
    inc.outcomes[CONNECTION_FAILED] += arrived * odds.failed;
    let toServing = 0;
    for (const p of odds.served) toServing += p;
    if (toServing > 0) this.serve(flow, aS, bS, counts[SERVING]!, odds.served, toServing);
    else this.backlog[w] = 0; // no pod serves: what waited was lost with them (counted when they stopped)
    this.emit();
  }

  /** The queue unit of a flow with `pods` serving pods (per pod, or pooled for load-aware policies). */
  private unit(flow: Flow, pods: number): QueueUnit {
    const pooled = this.pooled;
    const t = serviceTemplate(flow.workload.config.traffic!.serviceTime);
    return {
      servers: flow.concurrency * (pooled ? pods : 1),
      mu: 1 / flow.service.mean,
      // Round robin spreads arrivals evenly: each pod sees every n-th (Erlang-n gaps, ca2 = 1/n).
      ca2: this.policy === 'round-robin' ? 1 / pods : 1,
      cs2: t.cs2,
      room: flow.queueBound * (pooled ? pods : 1),
      patienceS: Math.min(flow.timeoutS, this.front.config.readTimeout),
    };
  }

  /**
   * Requests reaching the serving pods: each pod (or the pooled pods) is a queue unit advanced
   * through the interval in steps over which the rate is taken as constant; its backlog carries
   * over to the next interval.
   */
  private serve(flow: Flow, aS: number, bS: number, pods: number, served: Float64Array, toServing: number): void {
    const w = flow.workload.index;
    const u = this.unit(flow, pods);
    const units = this.pooled ? 1 : pods;
    const perUnit = toServing / units;
    this.sink.prepare(serviceTemplate(flow.workload.config.traffic!.serviceTime), served, toServing, u.patienceS, units);
    const peakLoad = (flow.rate.max(aS, bS) * perUnit) / u.mu;
    let backlog = this.backlog[w]! * (this.pooled ? pods : 1);
    if (backlog <= 0 && negligibleWaiting(u.servers, peakLoad)) {
      this.sink.served(flow.rate.integral(aS, bS) * perUnit, 0);
    } else {
      const cuts = [aS, ...flow.rate.jumps(aS, bS), bS];
      for (let j = 0; j + 1 < cuts.length; j++) {
        const steps = flow.constantRate ? 1 : Math.max(1, Math.ceil((cuts[j + 1]! - cuts[j]!) / MAX_STEP_S));
        const width = (cuts[j + 1]! - cuts[j]!) / steps;
        for (let k = 0; k < steps; k++) {
          const s0 = cuts[j]! + k * width;
          const lambda = (flow.rate.integral(s0, s0 + width) / width) * perUnit;
          backlog = advanceQueue(u, lambda, backlog, width, this.sink);
        }
      }
    }
    this.backlog[w] = backlog / (this.pooled ? pods : 1);
  }

  /** Adds successes delayed by `delayS` (put on a 0.5% log grid so the number of distinct delays stays small). */
  delay(delayS: number, weight: number): void {
    if (delayS > 0) delayS = Math.exp(Math.round(Math.log(delayS) * 200) / 200);
    const inc = this.inc;
    for (let i = 0; i < inc.latencyCount; i++) {
      if (inc.latencyDelays[i] === delayS) {
        inc.latencyWeights[i] += weight;
        return;
      }
    }
    if (inc.latencyCount === inc.latencyDelays.length) {
      const d = new Float64Array(inc.latencyCount * 2);
      d.set(inc.latencyDelays);
      inc.latencyDelays = d;
      const w = new Float64Array(inc.latencyCount * 2);
      w.set(inc.latencyWeights);
      inc.latencyWeights = w;
    }
    inc.latencyDelays[inc.latencyCount] = delayS;
    inc.latencyWeights[inc.latencyCount++] = weight;
  }

  private begin(flow: Flow, aS: number, bS: number): FluidIncrement {
    const inc = this.inc;
    inc.flow = flow.workload.index;
    inc.fromS = aS;
    inc.toS = bS;
    inc.arrived = 0;
    inc.outcomes.fill(0);
    inc.latencyCount = 0;
    return inc;
  }

  private emit(): void {
    this.c.out.trafficFluid.emit(this.inc);
  }
}

/**
 * Sorts the requests a queue unit serves into outcomes, per routing path: a request that reached
 * its pod after k connect timeouts has k x connectTimeout less patience left, and that much more
 * latency.
 */
class FluidSink implements QueueSink {
  private template!: ServiceTemplate;
  private paths: Float64Array = new Float64Array(1);
  private toServing = 1;
  private patienceS = 0;
  private units = 1;

  constructor(
    private readonly mode: FluidMode,
    private readonly inc: FluidIncrement,
    private readonly connectS: number,
  ) {}

  prepare(template: ServiceTemplate, paths: Float64Array, toServing: number, patienceS: number, units: number): void {
    this.template = template;
    this.paths = paths;
    this.toServing = toServing;
    this.patienceS = patienceS;
    this.units = units;
  }

  served(count: number, waitS: number): void {
    this.each(count, (share, shift) => {
      // Served after the wait, but a success only if the whole response fits in the patience.
      this.settle(share, shift + waitS, this.patienceS - shift - waitS);
    });
  }

  servedStationary(count: number, pWait: number, meanWaitS: number): void {
    this.each(count, (share, shift) => {
      const patience = this.patienceS - shift;
      if (patience <= 0) {
        this.inc.outcomes[TIMED_OUT] += share;
        return;
      }
      // Served at once: a success if the response fits in the patience left (as in the requests mode).
      this.settle(share * (1 - pWait), shift, patience);
      if (!(pWait > 0)) return;
      // Waits are exponential with mean meanWaitS: those longer than the patience left give up.
      const waiting = share * pWait;
      const gaveUp = meanWaitS > 0 ? Math.exp(-patience / meanWaitS) : 0;
      this.inc.outcomes[TIMED_OUT] += waiting * gaveUp;
      const kept = waiting * (1 - gaveUp);
      for (let i = 0; i < WAIT_POINTS; i++) {
        // Quantiles of the wait given that it is shorter than the patience.
        const p = ((i + 0.5) / WAIT_POINTS) * (1 - gaveUp);
        const waitS = -meanWaitS * Math.log1p(-p);
        this.settle(kept / WAIT_POINTS, shift + waitS, patience - waitS);
      }
    });
  }

  /** `count` requests that start service after `delayS`: those done within `patienceS` succeed, the others time out. */
  private settle(count: number, delayS: number, patienceS: number): void {
    const inTime = templateCdf(this.template, patienceS);
    this.inc.outcomes[SUCCEEDED] += count * inTime;
    this.inc.outcomes[TIMED_OUT] += count * (1 - inTime);
    this.mode.delay(delayS, count * inTime);
  }

  rejected(count: number): void {
    this.inc.outcomes[REJECTED] += count * this.units;
  }

  abandoned(count: number): void {
    this.inc.outcomes[TIMED_OUT] += count * this.units;
  }

  /** Splits `count` (per queue unit) over the routing paths: reached after k connect timeouts. */
  private each(count: number, f: (share: number, shiftS: number) => void): void {
    const total = count * this.units;
    if (!(total > 0)) return;
    for (let k = 0; k < this.paths.length; k++) {
      const share = (total * this.paths[k]!) / this.toServing;
      if (share > 0) f(share, k * this.connectS);
    }
  }
}
