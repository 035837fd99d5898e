import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import { NO_EVENT } from '../../engine/simulation.js';
import type { LoadBalancerConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { tickAtOrAfter } from '../kube/probes.js';
import type { Pod, Workload } from '../kube/types.js';

const NONE: readonly number[] = [];
import { listenState, REFUSING, SERVING } from './outcomes.js';

/** What the front tells the traffic mode about. */
export interface FrontListener {
  /** Called before any change the front is about to apply (the fluid mode integrates up to now). */
  beforeChange(): void;
  /** A pod's listen state changed (after the change). */
  listenChanged(slot: number, from: number, to: number): void;
  /** A pod left the cluster: its slot is about to be reused. */
  slotFreed(slot: number): void;
  /** Cloud: a target left rotation (deregistered); its requests may finish within the delay. */
  deregistered(slot: number): void;
}

interface Propagation {
  front: Front;
  pod: Pod;
  slot: number;
  seq: number;
  ready: boolean;
}

/**
 * The load balancer's view of the pods behind it. With an ingress controller of its own pods
 * (workloads[].role ingress-controller), nothing gets in while none of them is Ready. Every pod of a workload with traffic gets a
 * slot. A pod enters and leaves rotation when its readiness change has propagated (endpoint
 * propagation delay). A cloud load balancer also health-checks each target on its own schedule
 * (checks computed, not ticked), routes only to healthy targets, and fails open when none is.
 */
export class Front {
  readonly config: LoadBalancerConfig;
  readonly cloud: boolean;
  /** Pod in each slot (null when free). */
  readonly pods: Array<Pod | null> = [];
  /** Listen state of each slot's pod (outcomes.ts). */
  listen = new Uint8Array(16);
  private inRotation = new Uint8Array(16);
  private healthy = new Uint8Array(16);
  private everHealthy = new Uint8Array(16);
  private healthTimer = new Float64Array(16);
  private healthAnchorS = new Float64Array(16);
  private seq = new Int32Array(16);
  private readonly freeSlots: number[] = [];
  private readonly slotOfPod = new Map<Pod, number>();
  /** Pods in rotation, per workload index. */
  readonly rotation: number[][];
  private readonly propagation: Distribution;
  private readonly rng: Rng;
  listener: FrontListener | null = null;
  /** The ingress controller's pods (workloads[].role ingress-controller), or null when it never fails. */
  readonly controller: Workload | null;
  /** As the front last saw it: some controller pod Ready, so requests get in. */
  private controllerUp = true;

  constructor(
    private readonly c: Cluster,
    private readonly onAvailability: (workloadIndex: number) => void,
  ) {
    this.config = c.scenario.loadBalancer;
    this.cloud = this.config.type === 'cloud';
    this.rotation = c.workloads.map(() => []);
    this.propagation = makeDistribution(this.config.endpointPropagation);
    this.rng = c.streams.stream('front/propagation');
    this.controller = c.workloads.find((w) => w.config.role === 'ingress-controller') ?? null;
    if (this.controller !== null) this.controllerUp = false;
  }

  /** The ingress controller is down (no pod of it Ready): no request gets in. Null: it is up, or there is none. */
  controllerDown(): Workload | null {
    return this.controllerUp ? null : this.controller;
  }

  /**
   * A pod of the ingress controller changed: when the controller goes from some Ready pod to none or
   * back, the flows are integrated up to now with what they saw, then every upstream list changes.
   */
  private controllerChanged(): void {
    const up = this.controller!.servingCount > 0;
    if (up === this.controllerUp) return;
    this.listener?.beforeChange();
    this.controllerUp = up;
    for (let w = 0; w < this.rotation.length; w++) if (this.rotation[w]!.length > 0) this.onAvailability(w);
  }

  slotOf(pod: Pod): number {
    return this.slotOfPod.get(pod) ?? -1;
  }

  /** A new pod of a workload with traffic. */
  addPod(pod: Pod): void {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.pods.length;
      this.pods.push(null);
      if (slot >= this.listen.length) this.grow();
    }
    this.pods[slot] = pod;
    this.slotOfPod.set(pod, slot);
    this.listen[slot] = REFUSING;
    this.inRotation[slot] = 0;
    this.healthy[slot] = 0;
    this.healthTimer[slot] = NO_EVENT;
    this.seq[slot]++;
  }

  /** The pod is gone: out of rotation at once, its slot free for the next pod. */
  removePod(pod: Pod): void {
    if (pod.workload === this.controller) return this.controllerChanged();
    const slot = this.slotOfPod.get(pod);
    if (slot === undefined) return;
    if (this.inRotation[slot]) this.listener?.beforeChange();
    this.setListen(slot, REFUSING);
    if (this.inRotation[slot]) this.leaveRotation(slot);
    this.c.sim.cancel(this.healthTimer[slot]!);
    this.listener?.slotFreed(slot);
    this.seq[slot]++;
    this.pods[slot] = null;
    this.slotOfPod.delete(pod);
    this.freeSlots.push(slot);
  }

  /** The pod's container, hang or node state, or its readiness, may have changed. */
  podChanged(pod: Pod, readyChanged: boolean): void {
    if (pod.workload === this.controller) return this.controllerChanged();
    const slot = this.slotOfPod.get(pod);
    if (slot === undefined) return;
    const state = listenState(pod);
    if (state !== this.listen[slot]) {
      // Only a pod in rotation changes what the flows see (the fluid mode integrates up to now first).
      if (this.inRotation[slot]) this.listener?.beforeChange();
      this.setListen(slot, state);
    }
    if (readyChanged) this.propagate(pod, slot, pod.apiReady && !pod.deleted);
  }

  private setListen(slot: number, state: number): void {
    const from = this.listen[slot]!;
    this.listen[slot] = state;
    if (this.cloud && this.inRotation[slot]) this.scheduleHealth(slot);
    this.listener?.listenChanged(slot, from, state);
    const pod = this.pods[slot];
    if (pod && this.inRotation[slot]) this.onAvailability(pod.workload.index);
  }

  private propagate(pod: Pod, slot: number, ready: boolean): void {
    const seq = ++this.seq[slot]!;
    const arg: Propagation = { front: this, pod, slot, seq, ready };
    this.c.sim.schedule(this.propagation.sample(this.rng), onPropagated, arg);
  }

  /** Applies a propagated readiness change, unless a later one for the same pod supersedes it. */
  applyPropagation(p: Propagation): void {
    if (this.pods[p.slot] !== p.pod || this.seq[p.slot] !== p.seq) return;
    if (p.ready === Boolean(this.inRotation[p.slot])) return;
    this.listener?.beforeChange();
    if (p.ready) this.enterRotation(p.slot);
    else this.leaveRotation(p.slot);
  }

  private enterRotation(slot: number): void {
    const w = this.pods[slot]!.workload.index;
    this.inRotation[slot] = 1;
    this.rotation[w]!.push(slot);
    if (this.cloud) {
      this.healthy[slot] = 0;
      this.everHealthy[slot] = 0;
      this.healthAnchorS[slot] = this.c.sim.nowS;
      this.scheduleHealth(slot);
    }
    this.onAvailability(w);
  }

  private leaveRotation(slot: number): void {
    const w = this.pods[slot]!.workload.index;
    this.inRotation[slot] = 0;
    const list = this.rotation[w]!;
    list.splice(list.indexOf(slot), 1);
    this.c.sim.cancel(this.healthTimer[slot]!);
    this.healthTimer[slot] = NO_EVENT;
    this.healthy[slot] = 0;
    if (this.cloud) this.listener?.deregistered(slot);
    this.onAvailability(w);
  }

  /** In rotation (the front sends it requests, health permitting). */
  inRotationNow(slot: number): boolean {
    return this.inRotation[slot] === 1;
  }

  /**
   * Cloud health checks: the next flip of the target's health, computed from its check schedule
   * (every `interval` from registration): healthy after `healthyThreshold` passing checks in a row,
   * unhealthy after `unhealthyThreshold` failing ones. A check passes when the pod serves.
   */
  private scheduleHealth(slot: number): void {
    this.c.sim.cancel(this.healthTimer[slot]!);
    this.healthTimer[slot] = NO_EVENT;
    const hc = this.config.healthCheck;
    const passing = this.listen[slot] === SERVING;
    if (passing === Boolean(this.healthy[slot])) return;
    const first = tickAtOrAfter(this.healthAnchorS[slot]!, hc.interval, this.c.sim.nowS);
    // A failing check is known only when its timeout expires.
    // A new target is healthy after its first passing check (AWS: "must pass one health check").
    const threshold = passing ? (this.everHealthy[slot] ? hc.healthyThreshold : 1) : hc.unhealthyThreshold;
    const flipS = first + (threshold - 1) * hc.interval + (passing ? 0 : hc.timeout);
    this.healthTimer[slot] = this.c.sim.scheduleAt(flipS, onHealthFlip, { front: this, slot, pod: this.pods[slot]! });
  }

  /** A target's health flips (every change that would move the flip cancels and reschedules it). */
  applyHealthFlip(slot: number, pod: Pod): void {
    if (this.pods[slot] !== pod || !this.inRotation[slot]) return;
    this.healthTimer[slot] = NO_EVENT;
    this.listener?.beforeChange();
    this.healthy[slot] = this.healthy[slot] ? 0 : 1;
    if (this.healthy[slot]) this.everHealthy[slot] = 1;
    this.onAvailability(this.pods[slot]!.workload.index);
  }

  /**
   * The upstreams a request of workload `w` may be sent to: the rotation, and for a cloud load
   * balancer only its healthy targets (all of them when none is healthy: fail open).
   */
  candidates(w: number): readonly number[] {
    if (!this.controllerUp) return NONE;
    const list = this.rotation[w]!;
    if (!this.cloud) return list;
    const healthy = list.filter((s) => this.healthy[s]);
    return healthy.length > 0 ? healthy : list;
  }

  /** Upstreams among the candidates that would serve a request now. */
  servingCandidates(w: number): number {
    let n = 0;
    for (const slot of this.candidates(w)) if (this.listen[slot] === SERVING) n++;
    return n;
  }

  private grow(): void {
    const n = this.listen.length * 2;
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.listen = u8(this.listen);
    this.inRotation = u8(this.inRotation);
    this.healthy = u8(this.healthy);
    this.everHealthy = u8(this.everHealthy);
    this.healthTimer = f64(this.healthTimer);
    this.healthAnchorS = f64(this.healthAnchorS);
    const seq = new Int32Array(n);
    seq.set(this.seq);
    this.seq = seq;
  }
}

function onPropagated(p: Propagation): void {
  p.front.applyPropagation(p);
}

function onHealthFlip(a: { front: Front; slot: number; pod: Pod }): void {
  a.front.applyHealthFlip(a.slot, a.pod);
}
