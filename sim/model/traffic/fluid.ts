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
import { CapacityPlan } from './capacity.js';
import { advanceQueue, holdAt, serveStationary, stretchAt, unitCapacity, type PodUnit, type QueueSink } from './fluid-queue.js';
import { OverloadWatch } from './overload.js';
import { stationary } from './queueing.js';
import { routingOdds } from './routing-odds.js';
import { holdBound, holdTemplate, latencyKey, serviceTemplate, templateCdf, TEMPLATE_POINTS } from './service-template.js';


/**
 * Payload of 'traffic.fluid': one workload's requests over [fromS, toS] as expected counts, and
 * the successes by latency key (service-template.ts: the CPU stretch, the time lost at the front,
 * the wait for a worker) with their weights. The object is reused: copy what you keep.
 */
export interface FluidIncrement {
  flow: number;
  fromS: number;
  toS: number;
  arrived: number;
  outcomes: Float64Array;
  /** `latencyCount` of them are valid. */
  latencyKeys: Float64Array;
  latencyWeights: Float64Array;
  latencyCount: number;
  /** Of outcomes[TIMED_OUT]: those sent to a hung pod (or held by one when it hung). */
  hungTimedOut: number;
  /** Of outcomes[TIMED_OUT]: those that lost connect timeouts on a dead node's pod first, or that a pod on a dead node held. */
  lossTimedOut: number;
}

/** Wait quantiles used to spread the waiting requests' delays (exponential wait). */
export const WAIT_POINTS = 8;
/** Longest sub-interval over which a varying rate near saturation is taken as constant. */
const MAX_STEP_S = 60;
/** Rate bands a varying rate is split into when no queue builds up (each served at its mean rate). */
const BANDS = 16;
/** Below this share of its capacity at its peak rate, a unit with no backlog stays stationary. */
const STATIONARY_LOAD = 0.95;

/**
 * The fluid mode: no request is simulated. Between two changes of state (a pod crashing or
 * becoming ready, an endpoint change reaching the front, a health flip), each flow is a steady
 * stream: arrivals are the integral of its rate, the front's picks follow routing-odds.ts, and each
 * serving pod is a queue unit (fluid-queue.ts) with the cores capacity.ts gives it: its CPU shared
 * by the requests in service, its workers held for CPU and backend time, its waiting room. A
 * varying rate is served band by band of rate level while no queue builds up, and in short steps
 * when one does. Work happens only when the state changes or a measurement is closed, so idle
 * years cost little. Requests held by a pod that crashes or hangs are its expected number in
 * flight (arrival rate x mean hold time, plus what waits).
 */
export class FluidMode implements FrontListener {
  private lastS = 0;
  private readonly inc: FluidIncrement = {
    flow: 0,
    fromS: 0,
    toS: 0,
    arrived: 0,
    outcomes: new Float64Array(OUTCOME_COUNT),
    latencyKeys: new Float64Array(64),
    latencyWeights: new Float64Array(64),
    latencyCount: 0,
    hungTimedOut: 0,
    lossTimedOut: 0,
  };
  private readonly tries: number;
  private readonly policy: string;
  /** Load-aware policies act like one queue in front of all serving pods; the others split arrivals. */
  private readonly pooled: boolean;
  /** Requests waiting at each pod (per front slot; not pooled). */
  private slotBacklog = new Float64Array(16);
  private slotScratch = new Int32Array(16);
  private doneScratch = new Uint8Array(16);
  /** Requests waiting at the pooled pods of each workload. */
  private readonly pooledBacklog: Float64Array;
  /** Variances of each flow's CPU and backend times. */
  private readonly cpuVar: Float64Array;
  private readonly backendVar: Float64Array;
  private readonly sink: FluidSink;
  /** CPU-seconds used per workload (integrated with the flows). */
  private readonly cpuUsed: Float64Array;
  readonly plan: CapacityPlan;
  private readonly overload: OverloadWatch;

  constructor(
    private readonly c: Cluster,
    private readonly front: Front,
    private readonly flows: Array<Flow | null>,
  ) {
    this.tries = front.cloud ? 1 : front.config.tries;
    this.policy = front.config.policy;
    this.pooled = ['least-connections', 'power-of-two', 'ewma'].includes(this.policy);
    this.pooledBacklog = new Float64Array(c.workloads.length);
    this.cpuUsed = new Float64Array(c.workloads.length);
    this.cpuVar = new Float64Array(c.workloads.length);
    this.backendVar = new Float64Array(c.workloads.length);
    for (const flow of flows) {
      if (!flow) continue;
      const t = flow.workload.config.traffic!;
      const cpu = serviceTemplate(t.cpuPerRequest);
      const backend = serviceTemplate(t.backendTime);
      this.cpuVar[flow.workload.index] = cpu.cs2 * cpu.mean * cpu.mean;
      this.backendVar[flow.workload.index] = backend.cs2 * backend.mean * backend.mean;
    }
    this.sink = new FluidSink(this, this.inc, front.config.connectTimeout);
    this.plan = new CapacityPlan(front, flows, this.tries);
    this.overload = new OverloadWatch(c, flows, this.plan);
  }

  start(): void {}

  /** Integrates every flow up to now. */
  beforeChange(): void {
    const now = this.c.sim.nowS;
    if (now <= this.lastS) return;
    this.plan.plan(this.lastS, now);
    this.overload.account(this.lastS, now);
    for (const flow of this.flows) if (flow) this.integrate(flow, this.lastS, now);
    this.lastS = now;
  }

  listenChanged(slot: number, from: number, to: number): void {
    if (from !== SERVING || to === SERVING || to === DRAINING) return;
    // The requests the pod was working on: lost when it dies, timed out when it stops answering.
    const pod = this.front.pods[slot];
    const flow = pod ? this.flows[pod.workload.index] : null;
    if (!pod || !flow) return;
    if (!this.front.candidates(pod.workload.index).includes(slot)) {
      // Out of rotation it received nothing new; what waited there is gone with it.
      if (!this.pooled) this.dropBacklog(flow, slot, 0);
      return;
    }
    const counts = this.plan.countsOf(flow);
    counts[to === DRAINING ? REFUSING : to]!--;
    counts[SERVING]!++; // as it was just before the change
    const held = this.heldBy(flow, slot, counts);
    this.dropBacklog(flow, slot, counts[SERVING]!);
    if (!(held > 0)) return;
    const inc = this.begin(flow, this.c.sim.nowS, this.c.sim.nowS);
    inc.outcomes[SUCCEEDED] = -held;
    inc.outcomes[to === REFUSING ? LOST_IN_CRASH : TIMED_OUT] = held;
    if (to === HUNG) inc.hungTimedOut = held;
    else if (to === BLACKHOLE) inc.lossTimedOut = held;
    this.emit();
  }

  slotFreed(slot: number): void {
    if (slot < this.slotBacklog.length) this.slotBacklog[slot] = 0;
  }

  /** In-flight work drains within seconds, well inside any deregistration delay: nothing to count. */
  deregistered(): void {}

  /** Closes the books at `nowS` (end of warmup, end of the horizon). */
  flush(): void {
    this.beforeChange();
  }

  /** CPU-seconds used by the pods of workload `w` so far (integrates up to now). */
  cpuSeconds(w: number): number {
    this.beforeChange();
    return this.cpuUsed[w]!;
  }

  /** Requests the serving pod in `slot` holds now: in service, and waiting (backlog, or the stationary queue). */
  private heldBy(flow: Flow, slot: number, counts: Int32Array): number {
    const pods = counts[SERVING]!;
    if (pods <= 0) return 0;
    const odds = routingOdds(pods, counts[HUNG]!, counts[REFUSING]!, counts[BLACKHOLE]!, this.tries);
    let toServing = 0;
    for (const p of odds.served) toServing += p;
    const lambda = (flow.rate.at(this.c.sim.nowS) * toServing) / pods;
    const k = this.pooled ? pods : 1;
    const u = this.pooled ? this.unit(flow, this.servingCores(flow, slot), k, 1) : this.unitOf(flow, slot, pods);
    const unitLambda = lambda * k;
    const inService = unitLambda > 0 ? Math.min(u.workers, unitLambda * holdAt(u, unitLambda)) / k : 0;
    const backlog = this.pooled ? this.pooledBacklog[flow.workload.index]! / pods : this.backlogOf(slot);
    if (backlog > 0 || !(unitLambda > 0) || unitLambda >= unitCapacity(u)) return inService + backlog;
    return inService + this.stationaryWaiting(u, unitLambda) / k;
  }

  /** Mean number waiting for a worker in the stationary regime. */
  private stationaryWaiting(u: PodUnit, lambda: number): number {
    const hold = holdAt(u, lambda);
    if (!(lambda * hold < u.workers)) return 0;
    const st = stationary({ servers: u.workers, mu: 1 / hold, ca2: u.ca2, cs2: 1, room: u.room, patienceS: u.patienceS }, lambda);
    return lambda * (1 - st.blocked) * st.pWait * st.meanWaitS;
  }

  /** The pod in `slot` stops serving: what waited there was counted as held. */
  private dropBacklog(flow: Flow, slot: number, podsBefore: number): void {
    if (this.pooled) {
      const w = flow.workload.index;
      this.pooledBacklog[w] = podsBefore > 1 ? (this.pooledBacklog[w]! * (podsBefore - 1)) / podsBefore : 0;
    } else if (slot < this.slotBacklog.length) this.slotBacklog[slot] = 0;
  }

  private backlogOf(slot: number): number {
    return slot < this.slotBacklog.length ? this.slotBacklog[slot]! : 0;
  }

  /** The queue unit of the one pod in `slot` among `pods` serving, with the cores the plan gives it. */
  private unitOf(flow: Flow, slot: number, pods: number): PodUnit {
    if (slot >= this.plan.cores.length) return this.unit(flow, 0, 1, 1);
    const pooled = this.plan.coLoad[slot]! > 0;
    const ca2 = this.policy === 'round-robin' ? roundRobinCa2(pooled ? this.plan.together[slot]! : 1, pods) : 1;
    return this.unit(flow, this.plan.cores[slot]!, 1, ca2, this.plan.shareCores[slot]!, this.plan.coLoad[slot]!);
  }

  private coresOf(slot: number): number {
    return slot < this.plan.cores.length ? this.plan.cores[slot]! : 0;
  }

  /** Cores of the flow's serving pods together (and of `extra`, a pod that has just stopped serving). */
  private servingCores(flow: Flow, extra = -1): number {
    let cores = extra >= 0 ? this.coresOf(extra) : 0;
    for (const slot of this.front.candidates(flow.workload.index)) if (this.front.listen[slot] === SERVING) cores += this.coresOf(slot);
    return cores;
  }

  private integrate(flow: Flow, aS: number, bS: number): void {
    const arrived = flow.rate.integral(aS, bS);
    const w = flow.workload.index;
    if (!(arrived > 0) && !this.backlogged(flow)) return;
    const inc = this.begin(flow, aS, bS);
    inc.arrived = arrived;
    const counts = this.plan.countsOf(flow);
    const n = counts[SERVING]! + counts[HUNG]! + counts[REFUSING]! + counts[BLACKHOLE]!;
    if (n === 0) {
      inc.outcomes[NO_ENDPOINT] = arrived;
      this.pooledBacklog[w] = 0;
      return this.emit();
    }
    const odds = routingOdds(counts[SERVING]!, counts[HUNG]!, counts[REFUSING]!, counts[BLACKHOLE]!, this.tries);
    inc.outcomes[TIMED_OUT] += arrived * odds.hung;
    inc.hungTimedOut += arrived * odds.hung;
    inc.outcomes[CONNECTION_FAILED] += arrived * odds.failed;
    let toServing = 0;
    for (const p of odds.served) toServing += p;
    if (toServing > 0) this.serve(flow, aS, bS, arrived, counts[SERVING]!, odds.served, toServing);
    else this.pooledBacklog[w] = 0; // no pod serves: what waited was lost with them (counted when they stopped)
    this.emit();
  }

  private backlogged(flow: Flow): boolean {
    if (this.pooled) return this.pooledBacklog[flow.workload.index]! > 0;
    for (const slot of this.front.candidates(flow.workload.index)) if (this.backlogOf(slot) > 0) return true;
    return false;
  }

  /** The queue unit of `k` pods of a flow (k > 1: pooled) with `cores` between them (and the node pool they share, for one pod). */
  private unit(flow: Flow, cores: number, k: number, ca2: number, shareCores = cores, coLoad = 0): PodUnit {
    // One object, rewritten for each unit (no unit outlives the call that asked for it).
    const w = flow.workload.index;
    const u = this.scratchUnit;
    u.workers = flow.concurrency * k;
    u.cores = cores;
    u.shareCores = shareCores;
    u.coLoad = coLoad;
    u.cpuMeanS = flow.cpu.mean;
    u.backendMeanS = flow.backend.mean;
    u.cpuVar = this.cpuVar[w]!;
    u.backendVar = this.backendVar[w]!;
    u.ca2 = ca2;
    u.room = flow.queueBound * k;
    u.patienceS = Math.min(flow.timeoutS, this.front.config.readTimeout);
    return u;
  }

  private readonly scratchUnit: PodUnit = { workers: 0, cores: 0, shareCores: 0, coLoad: 0, cpuMeanS: 0, backendMeanS: 0, cpuVar: 0, backendVar: 0, ca2: 1, room: 0, patienceS: 0 };

  /**
   * Requests reaching the serving pods: pooled, one queue unit with all their cores and workers;
   * otherwise each pod is its own unit, and pods with the same cores and backlog are served as one
   * group. Backlogs carry over to the next interval.
   */
  private serve(flow: Flow, aS: number, bS: number, arrived: number, pods: number, served: Float64Array, toServing: number): void {
    const w = flow.workload.index;
    // The pods work through what reaches them, at most their capacity.
    this.cpuUsed[w] += Math.min(arrived * toServing, this.plan.flowCapacityRps[w]! * (bS - aS)) * flow.cpu.mean;
    this.sink.prepare(flow, served, toServing, Math.min(flow.timeoutS, this.front.config.readTimeout));
    if (this.pooled) {
      this.sink.units = 1;
      const u = this.unit(flow, this.servingCores(flow), pods, 1);
      this.pooledBacklog[w] = this.advance(flow, u, aS, bS, arrived, toServing, this.pooledBacklog[w]!);
      return;
    }
    if (this.slotBacklog.length < this.front.pods.length) {
      const b = new Float64Array(Math.max(this.front.pods.length, this.slotBacklog.length * 2));
      b.set(this.slotBacklog);
      this.slotBacklog = b;
    }
    const candidates = this.front.candidates(w);
    if (this.slotScratch.length < candidates.length) {
      this.slotScratch = new Int32Array(candidates.length * 2);
      this.doneScratch = new Uint8Array(candidates.length * 2);
    }
    const slots = this.slotScratch;
    let n = 0;
    for (const slot of candidates) if (this.front.listen[slot] === SERVING) slots[n++] = slot;
    const done = this.doneScratch;
    done.fill(0, 0, n);
    const plan = this.plan;
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      const first = slots[i]!;
      const backlog = this.slotBacklog[first]!;
      let count = 0;
      for (let j = i; j < n; j++) {
        const slot = slots[j]!;
        const same =
          plan.cores[slot] === plan.cores[first] && plan.shareCores[slot] === plan.shareCores[first] && plan.coLoad[slot] === plan.coLoad[first] && plan.together[slot] === plan.together[first];
        if (!done[j] && same && this.slotBacklog[slot] === backlog) {
          done[j] = 2;
          count++;
        }
      }
      this.sink.units = count;
      const after = this.advance(flow, this.unitOf(flow, first, pods), aS, bS, arrived, toServing / pods, backlog);
      for (let j = i; j < n; j++) {
        if (done[j] === 2) {
          done[j] = 1;
          this.slotBacklog[slots[j]!] = after;
        }
      }
    }
  }

  /**
   * One unit over [aS, bS] receiving `share` of the flow's arrivals: stationary while the rate
   * stays well below capacity and nothing waits (a constant rate at once, a varying one band by
   * band of rate level); otherwise advanced in steps over which the rate is taken as constant.
   * Returns the backlog left.
   */
  private advance(flow: Flow, u: PodUnit, aS: number, bS: number, arrived: number, share: number, backlog: number): number {
    const nu = unitCapacity(u);
    const top = flow.rate.max(aS, bS);
    if (backlog <= 0 && top * share < STATIONARY_LOAD * nu) {
      if (flow.constantRate || bS - aS <= MAX_STEP_S) {
        const n = arrived * share;
        // The mean rate over the interval (at its middle when it is too short for the integral's rounding).
        const lambda = bS - aS > 1 ? n / (bS - aS) : flow.rate.at((aS + bS) / 2) * share;
        serveStationary(u, lambda, n, this.sink);
        return 0;
      }
      // As many bands as the stretch needs (one per 2% of it between no load and the peak).
      const bands = Math.min(BANDS, Math.max(1, Math.ceil((stretchAt(u, top * share) - 1) / 0.02)));
      let upper = { seconds: 0, integral: 0 };
      for (let k = bands - 1; k >= 0; k--) {
        const lower = k === 0 ? { seconds: bS - aS, integral: arrived } : flow.rate.above((top * k) / bands, aS, bS);
        const seconds = lower.seconds - upper.seconds;
        const n = (lower.integral - upper.integral) * share;
        // The band's mean rate, kept inside the band (rounding can push a thin band's ratio out).
        const lambda = Math.min(Math.max(n / seconds, (top * k * share) / bands), (top * (k + 1) * share) / bands);
        if (seconds > 0 && n > 0) serveStationary(u, lambda, n, this.sink);
        upper = lower;
      }
      return 0;
    }
    const cuts = [aS, ...flow.rate.jumps(aS, bS), bS];
    for (let j = 0; j + 1 < cuts.length; j++) {
      const steps = flow.constantRate ? 1 : Math.max(1, Math.ceil((cuts[j + 1]! - cuts[j]!) / MAX_STEP_S));
      const width = (cuts[j + 1]! - cuts[j]!) / steps;
      for (let k = 0; k < steps; k++) {
        const s0 = cuts[j]! + k * width;
        const lambda = (flow.rate.integral(s0, s0 + width) / width) * share;
        backlog = advanceQueue(u, lambda, backlog, width, this.sink);
      }
    }
    return backlog;
  }

  /** Adds `weight` successes with this latency (the last entry grows when it has the same key). */
  record(stretch: number, shiftS: number, waitS: number, weight: number): void {
    if (!(weight > 0)) return;
    const key = latencyKey(stretch, shiftS, waitS);
    const inc = this.inc;
    const last = inc.latencyCount - 1;
    if (last >= 0 && inc.latencyKeys[last] === key) {
      inc.latencyWeights[last] += weight;
      return;
    }
    if (inc.latencyCount === inc.latencyKeys.length) {
      const k = new Float64Array(inc.latencyCount * 2);
      k.set(inc.latencyKeys);
      inc.latencyKeys = k;
      const w = new Float64Array(inc.latencyCount * 2);
      w.set(inc.latencyWeights);
      inc.latencyWeights = w;
    }
    inc.latencyKeys[inc.latencyCount] = key;
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
    inc.hungTimedOut = 0;
    inc.lossTimedOut = 0;
    return inc;
  }

  private emit(): void {
    this.c.out.trafficFluid.emit(this.inc);
  }
}

/**
 * Squared coefficient of variation of the gaps between the requests that round robin over `n`
 * pods sends to `m` of them (taken as neighbours in its cycle) out of a Poisson stream: per cycle,
 * m - 1 gaps of one Poisson gap and one of n - m + 1 (Erlang gaps: E[g^2] = k (k + 1) / lambda^2).
 * One pod: 1 / n (Erlang-n); all of them: 1 (the Poisson stream itself).
 */
export function roundRobinCa2(m: number, n: number): number {
  if (!(m >= 1) || !(n >= m)) return 1;
  const k = n - m + 1;
  const secondMoment = (2 * (m - 1) + k * (k + 1)) / m;
  return (secondMoment * m * m) / (n * n) - 1;
}

/**
 * Sorts the requests a queue unit serves into outcomes, per routing path: a request that reached
 * its pod after k connect timeouts has k x connectTimeout less patience left, and that much more
 * latency. A success must fit its wait and its hold time (CPU stretched, plus backend) in the
 * patience left.
 */
class FluidSink implements QueueSink {
  private flow!: Flow;
  private paths: Float64Array = new Float64Array(1);
  private toServing = 1;
  private patienceS = 0;
  /** Identical units the counts stand for. */
  units = 1;
  /** The flow's longest backend time on its template grid. */
  private backendMaxS = 0;
  private cpuMaxS = 0;

  constructor(
    private readonly mode: FluidMode,
    private readonly inc: FluidIncrement,
    private readonly connectS: number,
  ) {}

  prepare(flow: Flow, paths: Float64Array, toServing: number, patienceS: number): void {
    if (flow !== this.flow) {
      this.backendMaxS = serviceTemplate(flow.workload.config.traffic!.backendTime).points[TEMPLATE_POINTS - 1]!;
      this.cpuMaxS = serviceTemplate(flow.workload.config.traffic!.cpuPerRequest).points[TEMPLATE_POINTS - 1]!;
    }
    this.flow = flow;
    this.paths = paths;
    this.toServing = toServing;
    this.patienceS = patienceS;
  }

  served(count: number, waitS: number, stretch: number): void {
    const total = count * this.units;
    if (!(total > 0)) return;
    for (let k = 0; k < this.paths.length; k++) {
      const share = (total * this.paths[k]!) / this.toServing;
      const shift = k * this.connectS;
      if (share > 0) this.settle(share, shift, waitS, this.patienceS - shift - waitS, stretch);
    }
  }

  servedStationary(count: number, pWait: number, meanWaitS: number, stretch: number): void {
    this.each(count, (share, shift) => {
      const patience = this.patienceS - shift;
      if (patience <= 0) {
        this.inc.outcomes[TIMED_OUT] += share;
        if (shift > 0) this.inc.lossTimedOut += share;
        return;
      }
      // Served at once: a success if the response fits in the patience left (as in the requests mode).
      this.settle(share * (1 - pWait), shift, 0, patience, stretch);
      if (!(pWait > 0)) return;
      // Waits are exponential with mean meanWaitS: those longer than the patience left give up.
      const waiting = share * pWait;
      const gaveUp = meanWaitS > 0 ? Math.exp(-patience / meanWaitS) : 0;
      this.inc.outcomes[TIMED_OUT] += waiting * gaveUp;
      if (shift > 0) this.inc.lossTimedOut += waiting * gaveUp;
      const kept = waiting * (1 - gaveUp);
      for (let i = 0; i < WAIT_POINTS; i++) {
        // Quantiles of the wait given that it is shorter than the patience.
        const p = ((i + 0.5) / WAIT_POINTS) * (1 - gaveUp);
        const waitS = -meanWaitS * Math.log1p(-p);
        this.settle(kept / WAIT_POINTS, shift, waitS, patience - waitS, stretch);
      }
    });
  }

  /** `count` requests that start service after `shiftS + waitS`: those done within `patienceS` succeed, the others time out. */
  private settle(count: number, shiftS: number, waitS: number, patienceS: number, stretch: number): void {
    const t = this.flow.workload.config.traffic!;
    // Most holds are far inside the patience: a bound spares the template.
    const surely = patienceS >= this.backendMaxS && patienceS >= holdBound(this.cpuMaxS, this.backendMaxS, stretch);
    const inTime = !(patienceS > 0) ? 0 : surely ? 1 : templateCdf(holdTemplate(t.cpuPerRequest, t.backendTime, stretch, 'coarse'), patienceS);
    this.inc.outcomes[SUCCEEDED] += count * inTime;
    this.inc.outcomes[TIMED_OUT] += count * (1 - inTime);
    // (Reached after connect timeouts on a dead node's pod: the loss cost it the time.)
    if (shiftS > 0) this.inc.lossTimedOut += count * (1 - inTime);
    this.mode.record(stretch, shiftS, waitS, count * inTime);
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
