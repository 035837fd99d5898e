import type { Node } from '../kube/types.js';
import { podCapacityRps, podCoreCap, waterFill } from './cpu.js';
import type { Flow } from './flows.js';
import type { Front } from './front.js';
import { BLACKHOLE, DRAINING, HUNG, REFUSING, SERVING } from './outcomes.js';
import { routingOdds } from './routing-odds.js';

/**
 * What the serving pods can take over an interval in which the front's state does not change, for
 * both traffic modes: the cores each serving pod may use (its limit, or its node's CPU shared with
 * the other serving pods there by their mean demand, water-filled by CPU requests), each pod's
 * capacity (cpu.ts), and per flow the share of arrivals that reach a serving pod and the capacity
 * of those pods together.
 */
export class CapacityPlan {
  /** Per front slot (valid for the flows' serving candidates): cores, and requests/s at most. */
  cores = new Float64Array(16);
  capacityRps = new Float64Array(16);
  /**
   * Per slot: where pods on one node can take each other's idle CPU, the cores they share and the
   * CPU the others keep busy on average (0 when the pod's cores are its own).
   */
  shareCores = new Float64Array(16);
  coLoad = new Float64Array(16);
  /** Per slot: serving pods of the same workload on the pod's node (itself included). */
  together = new Int32Array(16);
  /** Per workload: share of its arrivals that reach a serving pod, serving pods, their capacity. */
  readonly toServing: Float64Array;
  readonly serving: Int32Array;
  readonly flowCapacityRps: Float64Array;
  private readonly counts = new Int32Array(5);
  private readonly byNode = new Map<Node, number[]>();

  constructor(
    private readonly front: Front,
    private readonly flows: ReadonlyArray<Flow | null>,
    private readonly tries: number,
  ) {
    this.toServing = new Float64Array(flows.length);
    this.serving = new Int32Array(flows.length);
    this.flowCapacityRps = new Float64Array(flows.length);
  }

  /** Upstream counts by listen state among the flow's candidates (draining counts as refusing). */
  countsOf(flow: Flow): Int32Array {
    const counts = this.counts;
    counts.fill(0);
    for (const slot of this.front.candidates(flow.workload.index)) {
      const state = this.front.listen[slot]!;
      counts[state === DRAINING ? REFUSING : state]!++;
    }
    return counts;
  }

  /** Serving slots with a node, gathered by plan (scratch). */
  private slots = new Int32Array(16);

  /** Recomputes everything for the interval [aS, bS] at the front's current state. */
  plan(aS: number, bS: number): void {
    if (this.cores.length < this.front.pods.length) {
      const n = Math.max(this.front.pods.length, this.cores.length * 2);
      this.cores = new Float64Array(n);
      this.capacityRps = new Float64Array(n);
      this.shareCores = new Float64Array(n);
      this.coLoad = new Float64Array(n);
      this.together = new Int32Array(n);
      this.slots = new Int32Array(n);
    }
    let count = 0;
    for (const flow of this.flows) {
      if (!flow) continue;
      const w = flow.workload.index;
      const counts = this.countsOf(flow);
      const odds = routingOdds(counts[SERVING]!, counts[HUNG]!, counts[REFUSING]!, counts[BLACKHOLE]!, this.tries);
      let share = 0;
      for (const p of odds.served) share += p;
      this.toServing[w] = counts[SERVING]! > 0 ? share : 0;
      this.serving[w] = counts[SERVING]!;
      for (const slot of this.front.candidates(w)) {
        if (this.front.listen[slot] !== SERVING || this.front.pods[slot]!.node === null) continue;
        this.slots[count++] = slot;
      }
    }
    // Pods alone on their node (the common case) are settled here; nodes with several are shared below.
    let shared = false;
    // Serving pods per node (and per node and workload): by pairs when few, by a map when many.
    const perNode = count > 64 ? this.countPerNode(count) : null;
    for (let i = 0; i < count; i++) {
      const slot = this.slots[i]!;
      const pod = this.front.pods[slot]!;
      let together = 0;
      let others = 0;
      let limits = 0;
      if (perNode !== null) {
        others = perNode.get(pod.node!)!;
        together = perNode.get(`${pod.node!.name}/${pod.workload.index}`)!;
        limits = perNode.get(`${pod.node!.name}/limits`)!;
      } else {
        for (let j = 0; j < count; j++) {
          const other = this.front.pods[this.slots[j]!]!;
          if (other.node !== pod.node) continue;
          others++;
          limits += this.flows[other.workload.index]!.limitCores;
          if (other.workload === pod.workload) together++;
        }
      }
      this.together[slot] = together;
      // Several pods whose limits fit in the node each have their limit: as if alone.
      if (others > 1 && limits > pod.node!.cpuMillicores / 1000) {
        shared = true;
        continue;
      }
      const flow = this.flowOf(slot);
      this.cores[slot] = podCoreCap(finiteOrNull(flow.limitCores), pod.node!.cpuMillicores);
      this.shareCores[slot] = this.cores[slot]!;
      this.coLoad[slot] = 0;
    }
    if (shared) this.shareNodes(aS, bS, count);
    for (const flow of this.flows) {
      if (!flow) continue;
      const w = flow.workload.index;
      let total = 0;
      for (const slot of this.front.candidates(w)) {
        if (this.front.listen[slot] !== SERVING || this.front.pods[slot]!.node === null) continue;
        const rps = podCapacityRps(this.cores[slot]!, flow.cpu.mean, flow.backend.mean, flow.concurrency);
        this.capacityRps[slot] = rps;
        total += rps;
      }
      this.flowCapacityRps[w] = total;
    }
  }

  private countPerNode(count: number): Map<unknown, number> {
    const m = new Map<unknown, number>();
    for (let i = 0; i < count; i++) {
      const pod = this.front.pods[this.slots[i]!]!;
      const key = `${pod.node!.name}/${pod.workload.index}`;
      m.set(pod.node, (m.get(pod.node) ?? 0) + 1);
      m.set(key, (m.get(key) ?? 0) + 1);
      const limits = `${pod.node!.name}/limits`;
      m.set(limits, (m.get(limits) ?? 0) + this.flows[pod.workload.index]!.limitCores);
    }
    return m;
  }

  /** The nodes with several serving pods: each may use what the others leave of their mean demand. */
  private shareNodes(aS: number, bS: number, count: number): void {
    const byNode = this.byNode;
    byNode.clear();
    for (let i = 0; i < count; i++) {
      const slot = this.slots[i]!;
      const node = this.front.pods[slot]!.node!;
      let list = byNode.get(node);
      if (list === undefined) byNode.set(node, (list = []));
      list.push(slot);
    }
    const span = bS - aS;
    for (const [node, slots] of byNode) {
      const nodeCores = node.cpuMillicores / 1000;
      let fit = 0;
      for (const slot of slots) fit += this.flowOf(slot).limitCores;
      if (slots.length === 1 || fit <= nodeCores) continue; // settled in plan
      const demand = slots.map((slot) => {
        const flow = this.flowOf(slot);
        const w = flow.workload.index;
        const perPod = span > 0 && this.serving[w]! > 0 ? (flow.rate.integral(aS, bS) / span) * (this.toServing[w]! / this.serving[w]!) : 0;
        return Math.min(flow.limitCores, nodeCores, perPod * flow.cpu.mean);
      });
      const weight = slots.map((slot) => this.flowOf(slot).requestCores);
      const allocation = new Float64Array(slots.length);
      const level = waterFill(nodeCores, demand, weight, slots.length, allocation);
      let used = 0;
      let weights = 0;
      for (let i = 0; i < slots.length; i++) {
        used += allocation[i]!;
        weights += weight[i]!;
      }
      let limits = 0;
      let oneWorkload = true;
      for (const slot of slots) {
        limits += this.flowOf(slot).limitCores;
        if (this.front.pods[slot]!.workload !== this.front.pods[slots[0]!]!.workload) oneWorkload = false;
      }
      // Replicas of one workload on a node with room for their mean demand share its cores as one
      // processor-sharing pool (what CFS amounts to for equal pods with equal load). Otherwise
      // each pod has the cores CFS guarantees it when it has work (its share of the water level,
      // or of the node by CPU request) or what the others leave on average, whichever is more.
      const pooled = oneWorkload && level === Infinity;
      slots.forEach((slot, i) => {
        const guaranteed = level === Infinity ? (nodeCores * weight[i]!) / weights : level * weight[i]!;
        const others = used - allocation[i]!;
        this.cores[slot] = Math.min(this.flowOf(slot).limitCores, nodeCores, Math.max(guaranteed, nodeCores - others));
        this.shareCores[slot] = pooled ? Math.min(nodeCores, limits) : this.cores[slot]!;
        this.coLoad[slot] = pooled ? others : 0;
      });
    }
  }

  private flowOf(slot: number): Flow {
    return this.flows[this.front.pods[slot]!.workload.index]!;
  }
}

function finiteOrNull(cores: number): number | null {
  return Number.isFinite(cores) ? cores * 1000 : null;
}
