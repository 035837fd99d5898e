import { NO_EVENT } from '../../engine/simulation.js';
import type { Cluster } from '../kube/cluster.js';
import { podDrained } from '../kube/kubelet.js';
import type { Pod } from '../kube/types.js';
import { nextArrival, type Flow } from './flows.js';
import type { Front, FrontListener } from './front.js';
import { BLACKHOLE, CONNECTION_FAILED, DRAINING, HUNG, LOST_IN_CRASH, NO_ENDPOINT, REJECTED, SERVING, SUCCEEDED, TIMED_OUT } from './outcomes.js';
import { POLICIES, type Policy, type PolicyView } from './policies/index.js';
import { RequestPool } from './request-pool.js';
import { CapacityPlan } from './capacity.js';
import { waterFill } from './cpu.js';
import { OverloadWatch } from './overload.js';
import { NodeCpu, PodServer } from './server.js';
import type { Node } from '../kube/types.js';

/** Where a request held by a pod is. */
const CONNECTING = 1;
const QUEUED = 2;
const IN_SERVICE = 3;
const STUCK = 4;

/** Payload of 'request.done', reused for every request (subscribers must copy what they keep). */
export interface RequestDone {
  flow: number;
  outcome: number;
  arrivalS: number;
  /** End to end, as the client sees it. */
  latencyS: number;
  /** From reaching the pod that answered (meaningful for a success). */
  podLatencyS: number;
}

/**
 * The requests mode: every request is simulated. Arrivals per flow; the front picks an upstream
 * with its policy; a connection refused is retried at once on another upstream, one that does not
 * answer costs the connect timeout first (ingress only: a cloud load balancer does not retry); a
 * pod serves with a worker pool and a bounded queue. Requests a pod holds fail when it crashes
 * (lost) or hangs (timed out); a terminating pod refuses new ones and finishes what it holds.
 */
export class RequestsMode implements FrontListener {
  readonly pool: RequestPool;
  private readonly servers: PodServer[] = [];
  /** The CPU sharing of each node with pods that serve. */
  private readonly nodes = new Map<Node, NodeCpu>();
  /** CPU-seconds of the pods that are gone, per workload. */
  private readonly retiredCpuSeconds: number[] = [];
  private readonly plan: CapacityPlan;
  private readonly overload: OverloadWatch;
  private lastS = 0;
  private readonly policy: Policy;
  private readonly view: PolicyView;
  private readonly cursors: number[];
  private activeBySlot = new Int32Array(16);
  private ewmaBySlot = new Float64Array(16);
  private ewmaAtS = new Float64Array(16);
  private currentRequest = 0;
  private readonly policyRng: () => number;
  private readonly done: RequestDone = { flow: 0, outcome: 0, arrivalS: 0, latencyS: 0, podLatencyS: 0 };
  private readonly overheadS: number;
  private readonly maxTries: number;
  private readonly horizonS: number;
  private readonly onServiceDone = (r: number): void => this.serviceDone(r);
  private readonly onConnectTimeout = (r: number): void => this.connectTimedOut(r);
  private readonly onReadTimeout = (r: number): void => this.readTimedOut(r);
  private readonly onArrival = (flow: Flow): void => this.arrival(flow);

  constructor(
    private readonly c: Cluster,
    private readonly front: Front,
    private readonly flows: Array<Flow | null>,
  ) {
    this.pool = new RequestPool(c.scenario.limits.maxRequestsInFlight);
    this.policy = POLICIES[front.config.policy];
    this.cursors = c.workloads.map(() => 0);
    this.maxTries = front.cloud ? 1 : front.config.tries;
    this.horizonS = c.scenario.horizon;
    this.overheadS = front.config.overhead;
    this.plan = new CapacityPlan(front, flows, this.maxTries);
    this.overload = new OverloadWatch(c, flows, this.plan);
    this.policyRng = c.streams.stream('front/policy');
    const self = this;
    this.view = {
      slots: [],
      cursor: 0,
      eligible: (slot) => !self.pool.wasTried(self.currentRequest, slot),
      active: (slot) => self.activeBySlot[slot]!,
      ewma: (slot) => self.ewmaScore(slot),
    };
  }

  start(): void {
    for (const flow of this.flows) if (flow) this.scheduleArrival(flow, 0);
  }

  private readonly arrivalSteps = { count: 0 };

  private scheduleArrival(flow: Flow, fromS: number): void {
    this.arrivalSteps.count = 0;
    const t = nextArrival(flow, fromS, this.horizonS, this.arrivalSteps);
    this.c.sim.chargeWork(this.arrivalSteps.count);
    if (t <= this.horizonS) this.c.sim.scheduleAt(t, this.onArrival, flow);
  }

  private arrival(flow: Flow): void {
    const now = this.c.sim.nowS;
    this.scheduleArrival(flow, now);
    const r = this.pool.acquire(flow.workload.index, now);
    this.c.out.requestArrived.emit(flow.workload.index);
    this.route(r);
  }

  /** Sends the request to an untried upstream, or ends it when none is left. */
  private route(r: number): void {
    const w = this.pool.flow[r]!;
    const candidates = this.front.candidates(w);
    if (candidates.length === 0) return this.finish(r, this.pool.tries[r]! > 0 ? CONNECTION_FAILED : NO_ENDPOINT);
    if (this.pool.tries[r]! >= this.maxTries) return this.finish(r, CONNECTION_FAILED);
    this.currentRequest = r;
    (this.view as { slots: readonly number[] }).slots = candidates;
    this.view.cursor = this.cursors[w]!;
    const slot = this.policy(this.view, this.policyRng);
    this.cursors[w] = this.view.cursor;
    if (slot < 0) return this.finish(r, CONNECTION_FAILED);
    this.attempt(r, slot);
  }

  private attempt(r: number, slot: number): void {
    this.pool.recordTry(r, slot);
    this.pool.tryStartS[r] = this.c.sim.nowS;
    const state = this.front.listen[slot]!;
    if (state === SERVING) return this.offer(r, slot);
    if (state === HUNG) {
      this.hold(r, slot, STUCK);
      this.pool.timer[r] = this.c.sim.scheduleAt(this.stuckDeadline(r), this.onReadTimeout, r);
      return;
    }
    if (state === BLACKHOLE) {
      this.hold(r, slot, CONNECTING);
      this.pool.timer[r] = this.c.sim.schedule(this.front.config.connectTimeout, this.onConnectTimeout, r);
      return;
    }
    this.retryOrFail(r); // REFUSING or DRAINING: connection refused at once
  }

  private retryOrFail(r: number): void {
    const flow = this.flows[this.pool.flow[r]!]!;
    if (this.c.sim.nowS - this.pool.arrivalS[r]! >= flow.timeoutS) return this.finish(r, TIMED_OUT);
    this.route(r);
  }

  private connectTimedOut(r: number): void {
    this.pool.timer[r] = NO_EVENT;
    this.release(r);
    this.retryOrFail(r);
  }

  /** A pod that serves takes the request into service, or into its queue, or rejects it. */
  private offer(r: number, slot: number): void {
    const server = this.servers[slot]!;
    if (server.busy < server.concurrency) {
      this.hold(r, slot, IN_SERVICE);
      this.startService(r, server);
    } else if (server.queueLength < server.queueBound) {
      this.hold(r, slot, QUEUED);
      server.enqueue(r);
      if (server.queueLength === 1) this.watchQueue(server, slot);
    } else this.finish(r, REJECTED);
  }

  /**
   * Queued requests give up at their deadline (client timeout or the front's read timeout, from
   * arrival). The queue is FIFO, so only its head needs watching: one event per expiry, not per request.
   */
  private watchQueue(server: PodServer, slot: number): void {
    if (server.queueLength === 0 || server.deadlineTimer !== NO_EVENT) return;
    server.deadlineTimer = this.c.sim.scheduleAt(this.deadline(server.peek()), this.onQueueDeadline, slot);
  }

  private readonly onQueueDeadline = (slot: number): void => {
    const server = this.servers[slot]!;
    server.deadlineTimer = NO_EVENT;
    const now = this.c.sim.nowS;
    while (server.queueLength > 0 && this.deadline(server.peek()) <= now) {
      const r = server.dequeue();
      this.release(r);
      this.finish(r, TIMED_OUT);
    }
    this.watchQueue(server, slot);
  };

  private deadline(r: number): number {
    const flow = this.flows[this.pool.flow[r]!]!;
    return this.pool.arrivalS[r]! + Math.min(flow.timeoutS, this.front.config.readTimeout);
  }

  /** A worker takes the request: its CPU phase first (shared with the others on the pod), then the backend. */
  private startService(r: number, server: PodServer): void {
    server.busy++;
    this.pool.stage[r] = IN_SERVICE;
    this.pool.serviceStartS[r] = this.c.sim.nowS;
    const flow = this.flows[this.pool.flow[r]!]!;
    const cpuS = flow.cpu.sample(flow.cpuRng);
    if (!(cpuS > 0)) return this.startBackend(r);
    const now = this.c.sim.nowS;
    server.node ??= this.nodeCpu(server);
    server.advance(now);
    server.pushCpu(r, cpuS);
    this.share(server.node, server);
  }

  private startBackend(r: number): void {
    const flow = this.flows[this.pool.flow[r]!]!;
    const backendS = flow.backend.sample(flow.backendRng);
    if (backendS > 0) this.pool.timer[r] = this.c.sim.schedule(backendS, this.onServiceDone, r);
    else this.serviceDone(r);
  }

  /** The CPU phase of the request with the smallest tag ends (and of any that end with it). */
  private readonly onCpuDone = (server: PodServer): void => {
    server.cpuTimer = NO_EVENT;
    server.advance(this.c.sim.nowS);
    // This event was set for the smallest tag: it is done even if rounding left the virtual time a hair short.
    server.virtualS = Math.max(server.virtualS, server.nextTag());
    const doneUpTo = server.virtualS * (1 + 1e-12);
    const first = server.popCpu();
    this.startBackend(first);
    while (server.cpuCount > 0 && server.nextTag() <= doneUpTo && server.cpuTimer === NO_EVENT) this.startBackend(server.popCpu());
    if (server.node !== null) this.share(server.node, server);
  };

  /** The node's cores shared among its pods' requests in their CPU phase; `touched` changed its own. */
  private share(node: NodeCpu, touched: PodServer): void {
    const now = this.c.sim.nowS;
    const servers = node.servers;
    if (servers.length === 1) {
      const rate = touched.cpuCount > 0 ? Math.min(touched.cpuCount, touched.limitCores, node.cores) / touched.cpuCount : 1;
      touched.advance(now);
      touched.ratePerRequest = rate;
      return this.reschedule(touched);
    }
    const n = servers.length;
    if (this.demand.length < n) {
      this.demand = new Float64Array(n * 2);
      this.weight = new Float64Array(n * 2);
      this.allocation = new Float64Array(n * 2);
    }
    for (let i = 0; i < n; i++) {
      this.demand[i] = servers[i]!.cpuDemand();
      this.weight[i] = servers[i]!.requestCores;
    }
    waterFill(node.cores, this.demand, this.weight, n, this.allocation);
    for (let i = 0; i < n; i++) {
      const server = servers[i]!;
      const rate = server.cpuCount > 0 ? this.allocation[i]! / server.cpuCount : 1;
      if (rate === server.ratePerRequest && server !== touched) continue;
      server.advance(now);
      server.ratePerRequest = rate;
      this.reschedule(server);
    }
  }

  private demand = new Float64Array(4);
  private weight = new Float64Array(4);
  private allocation = new Float64Array(4);

  /** Sets the event for the end of the pod's next CPU phase, at the current rate. */
  private reschedule(server: PodServer): void {
    this.c.sim.cancel(server.cpuTimer);
    server.cpuTimer = NO_EVENT;
    if (server.cpuCount === 0 || !(server.ratePerRequest > 0)) return;
    const leftS = Math.max(0, (server.nextTag() - server.virtualS) / server.ratePerRequest);
    server.cpuTimer = this.c.sim.scheduleAt(this.c.sim.nowS + leftS, this.onCpuDone, server);
  }

  private nodeCpu(server: PodServer): NodeCpu {
    const node = server.pod.node!;
    let shared = this.nodes.get(node);
    if (shared === undefined) {
      shared = new NodeCpu(node.cpuMillicores / 1000);
      this.nodes.set(node, shared);
    }
    shared.servers.push(server);
    return shared;
  }

  /** CPU-seconds used by the pods of workload `w` so far. */
  cpuSeconds(w: number): number {
    let total = this.retiredCpuSeconds[w] ?? 0;
    const now = this.c.sim.nowS;
    for (const server of this.servers) {
      if (server === undefined || server.pod.workload.index !== w || server.retired) continue;
      server.advance(now);
      total += server.cpuSeconds;
    }
    return total;
  }

  /** The pod stops using CPU: its CPU phase is emptied and its node shared among the others. */
  private stopCpu(server: PodServer): void {
    server.advance(this.c.sim.nowS);
    this.c.sim.cancel(server.cpuTimer);
    server.cpuTimer = NO_EVENT;
    if (server.cpuCount === 0) return;
    server.clearCpu();
    if (server.node !== null) this.share(server.node, server);
  }

  /** The pod is gone: it leaves its node's sharing (what CPU it used is kept for its workload). */
  private leaveNode(server: PodServer): void {
    this.stopCpu(server);
    if (!server.retired) {
      server.retired = true;
      const w = server.pod.workload.index;
      this.retiredCpuSeconds[w] = (this.retiredCpuSeconds[w] ?? 0) + server.cpuSeconds;
    }
    const node = server.node;
    if (node === null) return;
    node.servers.splice(node.servers.indexOf(server), 1);
    server.node = null;
    if (node.servers.length === 0) this.nodes.delete(server.pod.node!);
  }

  private serviceDone(r: number): void {
    const slot = this.pool.pod[r]!;
    const server = this.servers[slot]!;
    this.pool.timer[r] = NO_EVENT;
    server.busy--;
    const latencyS = this.c.sim.nowS - this.pool.arrivalS[r]!;
    this.updateEwma(slot, this.c.sim.nowS - this.pool.tryStartS[r]!);
    this.release(r);
    const flow = this.flows[this.pool.flow[r]!]!;
    this.finish(r, latencyS > Math.min(flow.timeoutS, this.front.config.readTimeout) ? TIMED_OUT : SUCCEEDED);
    if (server.queueLength > 0 && this.front.listen[slot] !== HUNG) this.startService(server.dequeue(), server);
  }

  private readTimedOut(r: number): void {
    this.pool.timer[r] = NO_EVENT;
    this.release(r);
    this.finish(r, TIMED_OUT);
  }

  /** When a request stuck in a hung pod fails: the client timeout or the front's read timeout. */
  private stuckDeadline(r: number): number {
    const flow = this.flows[this.pool.flow[r]!]!;
    const deadline = this.pool.arrivalS[r]! + Math.min(flow.timeoutS, this.front.config.readTimeout);
    return Math.max(deadline, this.c.sim.nowS);
  }

  private hold(r: number, slot: number, stage: number): void {
    this.servers[slot]!.hold(r, this.pool, slot);
    this.pool.stage[r] = stage;
    this.activeBySlot[slot]!++;
  }

  /** The request leaves the pod that holds it; a terminating pod left empty may exit. */
  private release(r: number): void {
    const slot = this.pool.pod[r]!;
    if (slot < 0) return;
    const server = this.servers[slot]!;
    server.unhold(r, this.pool);
    this.activeBySlot[slot]!--;
    if (server.heldCount === 0 && server.pod.phase === 'Terminating') podDrained(this.c, server.pod);
  }

  /**
   * For invariant checks: requests held by pods (every request in flight is held by exactly one),
   * workers busy and requests queued, summed over pods, and the in-service count found by stage.
   */
  census(): { held: number; busy: number; queued: number; inService: number; activeBySlot: number } {
    let held = 0;
    let busy = 0;
    let queued = 0;
    let inService = 0;
    for (const server of this.servers) {
      if (!server || this.front.pods[this.front.slotOf(server.pod)] !== server.pod) continue;
      held += server.heldCount;
      busy += server.busy;
      queued += server.queueLength;
      for (const r of server.heldRequests()) if (this.pool.stage[r] === IN_SERVICE) inService++;
    }
    let activeBySlot = 0;
    for (let i = 0; i < this.activeBySlot.length; i++) activeBySlot += this.activeBySlot[i]!;
    return { held, busy, queued, inService, activeBySlot };
  }

  /** True while the pod holds requests. */
  holds(pod: Pod): boolean {
    const slot = this.front.slotOf(pod);
    const server = slot < 0 ? undefined : this.servers[slot];
    return server !== undefined && server.pod === pod && server.heldCount > 0;
  }

  private finish(r: number, outcome: number): void {
    const d = this.done;
    d.flow = this.pool.flow[r]!;
    d.outcome = outcome;
    d.arrivalS = this.pool.arrivalS[r]!;
    // End to end: the front's own overhead on top of the time from arrival; at the pod: from the
    // try that reached it (its wait for a worker, CPU and backend).
    d.latencyS = this.c.sim.nowS - d.arrivalS + this.overheadS;
    d.podLatencyS = this.c.sim.nowS - this.pool.tryStartS[r]!;
    this.pool.release(r);
    this.c.out.requestDone.emit(d);
  }

  /**
   * ingress-nginx's EWMA (balancer/ewma.lua): on each response, the average decays by
   * exp(-elapsed / decay) towards the response time of that try (connect to response).
   */
  private updateEwma(slot: number, rttS: number): void {
    const w = Math.exp(-(this.c.sim.nowS - this.ewmaAtS[slot]!) / this.front.config.ewmaDecay);
    this.ewmaBySlot[slot] = this.ewmaBySlot[slot]! * w + rttS * (1 - w);
    this.ewmaAtS[slot] = this.c.sim.nowS;
  }

  /** The score ingress-nginx reads: the average decayed towards 0 for the time since it was touched. */
  private ewmaScore(slot: number): number {
    return this.ewmaBySlot[slot]! * Math.exp(-(this.c.sim.nowS - this.ewmaAtS[slot]!) / this.front.config.ewmaDecay);
  }

  // ---- FrontListener ----

  /** Measures overload up to now (the front's state is about to change). */
  beforeChange(): void {
    const now = this.c.sim.nowS;
    if (now <= this.lastS) return;
    if (this.c.out.trafficOverload.active) {
      this.plan.plan(this.lastS, now);
      this.overload.account(this.lastS, now);
    }
    this.lastS = now;
  }

  /** Closes the books at `nowS` (end of warmup, end of the horizon). */
  flush(): void {
    this.beforeChange();
  }

  /** A pod's listen state changed: settle the requests it holds. */
  listenChanged(slot: number, from: number, to: number): void {
    this.ensureServer(slot);
    const server = this.servers[slot]!;
    if (to === SERVING || to === DRAINING) return; // nothing held is lost (a new pod, or a drain)
    if (to === HUNG || to === BLACKHOLE) {
      // A hang, or a dead node: what the pod held gets no answer and times out at the front
      // (connections being made still wait for their connect timeout).
      if (from === HUNG || from === BLACKHOLE) return;
      server.busy = 0;
      this.clearQueue(server);
      this.stopCpu(server);
      for (const r of server.heldRequests()) {
        if (this.pool.stage[r] === CONNECTING) continue;
        this.c.sim.cancel(this.pool.timer[r]!);
        this.pool.stage[r] = STUCK;
        this.pool.timer[r] = this.c.sim.scheduleAt(this.stuckDeadline(r), this.onReadTimeout, r);
      }
      return;
    }
    this.failHeld(server); // crashed, killed, back from a dead node, or gone: what it held is lost
  }

  /** Cloud: after the deregistration delay, what the target still holds is cut off. */
  deregistered(slot: number): void {
    const pod = this.front.pods[slot];
    if (pod) this.c.sim.schedule(this.front.config.deregistrationDelay, this.onDeregistrationEnd, { slot, pod });
  }

  private readonly onDeregistrationEnd = ({ slot, pod }: { slot: number; pod: unknown }): void => {
    const server = this.servers[slot];
    if (this.front.pods[slot] !== pod || this.front.inRotationNow(slot) || server === undefined || server.pod !== pod) return;
    this.failHeld(server);
  };

  slotFreed(slot: number): void {
    const server = this.servers[slot];
    if (server) {
      this.failHeld(server);
      this.leaveNode(server);
    }
    this.activeBySlot[slot] = 0;
    this.ewmaBySlot[slot] = 0;
  }

  private clearQueue(server: PodServer): void {
    server.clearQueue();
    this.c.sim.cancel(server.deadlineTimer);
    server.deadlineTimer = NO_EVENT;
  }

  private failHeld(server: PodServer): void {
    server.busy = 0;
    this.clearQueue(server);
    this.stopCpu(server);
    for (const r of server.heldRequests()) {
      this.c.sim.cancel(this.pool.timer[r]!);
      this.pool.timer[r] = NO_EVENT;
      const connecting = this.pool.stage[r] === CONNECTING;
      this.release(r);
      if (connecting) this.retryOrFail(r);
      else {
        const flow = this.flows[this.pool.flow[r]!]!;
        this.finish(r, this.c.sim.nowS - this.pool.arrivalS[r]! >= flow.timeoutS ? TIMED_OUT : LOST_IN_CRASH);
      }
    }
  }

  /** Creates (or resets) the server of a slot when its pod arrives. */
  ensureServer(slot: number): void {
    const pod = this.front.pods[slot];
    if (pod === null || pod === undefined) return;
    let server = this.servers[slot];
    if (server === undefined || server.pod !== pod) {
      if (server !== undefined) this.leaveNode(server);
      const flow = this.flows[pod.workload.index]!;
      server = new PodServer(pod, flow.concurrency, flow.queueBound, flow.limitCores, flow.requestCores);
      this.servers[slot] = server;
    }
    if (slot >= this.activeBySlot.length) {
      const n = Math.max(slot + 1, this.activeBySlot.length * 2);
      const a = new Int32Array(n);
      a.set(this.activeBySlot);
      this.activeBySlot = a;
      const e = new Float64Array(n);
      e.set(this.ewmaBySlot);
      this.ewmaBySlot = e;
      const t = new Float64Array(n);
      t.set(this.ewmaAtS);
      this.ewmaAtS = t;
    }
  }
}
