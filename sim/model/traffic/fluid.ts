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
import { mmcQueue, negligibleWaiting } from './queueing.js';
import { routingOdds } from './routing-odds.js';

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
const WAIT_POINTS = 8;
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

  constructor(
    private readonly c: Cluster,
    private readonly front: Front,
    private readonly flows: Array<Flow | null>,
  ) {
    this.tries = front.cloud ? 1 : front.config.tries;
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
    const held = this.perPodRate(flow, this.c.sim.nowS, counts) * flow.service.mean;
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
    if (!(arrived > 0)) return;
    const inc = this.begin(flow, aS, bS);
    inc.arrived = arrived;
    const counts = this.counts(flow);
    const n = counts[SERVING]! + counts[HUNG]! + counts[REFUSING]! + counts[BLACKHOLE]!;
    if (n === 0) {
      inc.outcomes[NO_ENDPOINT] = arrived;
      return this.emit();
    }
    const odds = routingOdds(counts[SERVING]!, counts[HUNG]!, counts[REFUSING]!, counts[BLACKHOLE]!, this.tries);
    inc.outcomes[TIMED_OUT] += arrived * odds.hung;
    inc.outcomes[CONNECTION_FAILED] += arrived * odds.failed;
    let toServing = 0;
    for (const p of odds.served) toServing += p;
    if (toServing > 0) this.serve(flow, aS, bS, arrived * toServing, counts[SERVING]!, odds.served, toServing);
    this.emit();
  }

  /** Requests reaching the serving pods: queueing per pod, then latency delays by connect timeouts. */
  private serve(flow: Flow, aS: number, bS: number, reaching: number, pods: number, served: Float64Array, toServing: number): void {
    const inc = this.inc;
    const mu = 1 / flow.service.mean;
    const c = flow.concurrency;
    const peakPerPod = (flow.rate.max(aS, bS) * toServing) / pods;
    const connectS = this.front.config.connectTimeout;
    if (negligibleWaiting(c, peakPerPod / mu)) {
      this.credit(reaching, 0, 0, served, toServing, connectS, flow.timeoutS);
      return;
    }
    // Near saturation: steps short enough for the rate to be taken as constant.
    const jumps = [aS, ...flow.rate.jumps(aS, bS), bS];
    for (let j = 0; j + 1 < jumps.length; j++) {
      const steps = Math.max(1, Math.ceil((jumps[j + 1]! - jumps[j]!) / MAX_STEP_S));
      const width = (jumps[j + 1]! - jumps[j]!) / steps;
      for (let k = 0; k < steps; k++) {
        const s0 = jumps[j]! + k * width;
        const count = flow.rate.integral(s0, s0 + width) * toServing;
        const q = mmcQueue(count / width / pods, mu, c, flow.queueBound);
        const rejected = count * q.blocked;
        inc.outcomes[REJECTED] += rejected;
        const accepted = count - rejected;
        // Unstable: what exceeds capacity waits until the client gives up.
        const overflow = Math.max(0, accepted - q.throughput * width * pods);
        inc.outcomes[TIMED_OUT] += overflow;
        this.credit(accepted - overflow, q.waiting, q.waitRate, served, toServing, connectS, flow.timeoutS);
      }
    }
  }

  /** Adds served requests as succeeded (or timed out) with their delays: connect timeouts and waits. */
  private credit(count: number, waiting: number, waitRate: number, served: Float64Array, toServing: number, connectS: number, timeoutS: number): void {
    const inc = this.inc;
    for (let k = 0; k < served.length; k++) {
      const share = (count * served[k]!) / toServing;
      if (!(share > 0)) continue;
      const shift = k * connectS;
      if (shift >= timeoutS) {
        inc.outcomes[TIMED_OUT] += share;
        continue;
      }
      const direct = share * (1 - waiting);
      inc.outcomes[SUCCEEDED] += direct;
      this.delay(shift, direct);
      if (waiting > 0 && waitRate > 0) {
        for (let i = 0; i < WAIT_POINTS; i++) {
          const wait = -Math.log1p(-(i + 0.5) / WAIT_POINTS) / waitRate;
          const part = (share * waiting) / WAIT_POINTS;
          if (shift + wait >= timeoutS) inc.outcomes[TIMED_OUT] += part;
          else {
            inc.outcomes[SUCCEEDED] += part;
            this.delay(shift + wait, part);
          }
        }
      } else if (waiting > 0) inc.outcomes[TIMED_OUT] += share * waiting;
    }
  }

  private delay(delayS: number, weight: number): void {
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
