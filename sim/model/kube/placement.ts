import type { Rng } from '../../engine/random.js';
import type { TopologyKey, WorkloadConfig } from '../../scenario/types.js';
import type { Node } from './types.js';

/** What the scheduler places: one pod's requests and its workload's placement rules. */
export interface PlacementRequest {
  cpu: number;
  memory: number;
  /** The workload's pods not yet gone (bound or not). */
  workloadPods: readonly PlacedPod[];
  scheduling: WorkloadConfig['scheduling'];
}

/** Kubernetes' built-in soft spread when a workload sets none (docs/model.md §4.2; sources.md B "Default topology spread"). */
const DEFAULT_SPREAD = [
  { topologyKey: 'hostname' as const, maxSkew: 3, whenUnsatisfiable: 'ScheduleAnyway' as const },
  { topologyKey: 'zone' as const, maxSkew: 5, whenUnsatisfiable: 'ScheduleAnyway' as const },
];

/** Score weights of the default scheduler profile's plugins. */
const WEIGHT = { resources: 1, spread: 2, antiAffinity: 2 };

/** A pod as placement sees it: where it is bound and whether it is being deleted. */
export interface PlacedPod {
  node: Node | null;
  deleted: boolean;
}

/** The zones of a node list, numbered once per list (nodes never change zone). */
interface ZoneIndex {
  /** Zone number of each node, -1 for a node without a zone. */
  ofNode: Int32Array;
  count: number;
}
const zoneIndexes = new WeakMap<readonly Node[], ZoneIndex>();

function zoneIndex(nodes: readonly Node[]): ZoneIndex {
  let z = zoneIndexes.get(nodes);
  if (z !== undefined && z.ofNode.length === nodes.length) return z;
  const numbers = new Map<string, number>();
  const ofNode = new Int32Array(nodes.length);
  nodes.forEach((n, i) => {
    if (n.zone === null) ofNode[i] = -1;
    else {
      if (!numbers.has(n.zone)) numbers.set(n.zone, numbers.size);
      ofNode[i] = numbers.get(n.zone)!;
    }
  });
  z = { ofNode, count: numbers.size };
  zoneIndexes.set(nodes, z);
  return z;
}

/**
 * Pods of the workload per topology domain, counted once per placement from the workload's own pods
 * (not from every node's): per node (the hostname domain) and per zone. Topology spread ignores pods
 * being deleted; inter-pod anti-affinity counts them (kube-scheduler: a Terminating pod on a dead
 * node keeps blocking its domain until it is gone).
 */
class DomainCounts {
  readonly byNode: Float64Array;
  readonly byZone: Float64Array;
  constructor(
    nodes: readonly Node[],
    readonly zones: ZoneIndex,
    pods: readonly PlacedPod[],
    includeDeleted: boolean,
  ) {
    this.byNode = new Float64Array(nodes.length);
    this.byZone = new Float64Array(zones.count);
    for (const pod of pods) {
      if (pod.node === null || (!includeDeleted && pod.deleted)) continue;
      this.byNode[pod.node.index]!++;
      const z = zones.ofNode[pod.node.index]!;
      if (z >= 0) this.byZone[z]!++;
    }
  }

  /** Pods in node i's domain for `key`; null when the node has no such label. */
  at(key: TopologyKey, i: number): number | null {
    if (key === 'hostname') return this.byNode[i]!;
    const z = this.zones.ofNode[i]!;
    return z < 0 ? null : this.byZone[z]!;
  }

  /** The fewest pods in any domain of `key` (every node's hostname, every zone some node is in). */
  min(key: TopologyKey): number {
    let m = Infinity;
    for (const v of key === 'hostname' ? this.byNode : this.byZone) if (v < m) m = v;
    return m;
  }
}

/**
 * The scheduler's placement policy, a pure function of the cluster state and a random stream:
 * filter (Ready and schedulable, room for the requests, required anti-affinity, hard topology
 * spread), then score (least allocated, soft spread, preferred anti-affinity), ties broken at
 * random. Returns the node index, or -1 when no node fits (the pod stays Pending). Linear in the
 * nodes and the workload's pods: domain counts come from the workload's pods, and each hard
 * constraint's minimum is found once.
 */
export function choosePlacement(nodes: readonly Node[], req: PlacementRequest, rng: Rng): number {
  const zones = zoneIndex(nodes);
  const spreadCounts = new DomainCounts(nodes, zones, req.workloadPods, false);
  const affinityCounts = new DomainCounts(nodes, zones, req.workloadPods, true);
  const spread = req.scheduling.topologySpread.length > 0 ? req.scheduling.topologySpread : DEFAULT_SPREAD;
  const hard = spread.filter((s) => s.whenUnsatisfiable === 'DoNotSchedule').map((s) => ({ s, min: spreadCounts.min(s.topologyKey) }));
  const soft = spread.filter((s) => s.whenUnsatisfiable === 'ScheduleAnyway');
  const { required, preferred, weight } = req.scheduling.podAntiAffinity;

  const feasible: number[] = [];
  nodes.forEach((n, i) => {
    if (n.condition !== 'Ready' || n.cordoned) return;
    if (n.cpuMillicores - n.allocatedCpu < req.cpu || n.memoryMiB - n.allocatedMemory < req.memory) return;
    if (required && (affinityCounts.at(required, i) ?? 0) > 0) return;
    for (const { s, min } of hard) {
      const here = spreadCounts.at(s.topologyKey, i);
      if (here === null) return; // nodes without the label cannot satisfy a hard constraint
      if (here + 1 - min > s.maxSkew) return;
    }
    feasible.push(i);
  });
  if (feasible.length === 0) return -1;

  // Scores: least allocated, plus the soft spread and preferred anti-affinity penalties mapped to
  // 0..100 (the lowest penalty scoring 100; all equal: 100 each).
  const spreadPenalty = new Float64Array(feasible.length);
  const affinityPenalty = new Float64Array(feasible.length);
  for (let k = 0; k < feasible.length; k++) {
    const i = feasible[k]!;
    let sum = 0;
    for (const s of soft) sum += spreadCounts.at(s.topologyKey, i) ?? 0;
    spreadPenalty[k] = sum;
    affinityPenalty[k] = preferred ? weight * (affinityCounts.at(preferred, i) ?? 0) : 0;
  }
  const spreadScore = inverseScale(spreadPenalty);
  const affinityScore = inverseScale(affinityPenalty);

  let best = -Infinity;
  let chosen = -1;
  let ties = 0;
  for (let k = 0; k < feasible.length; k++) {
    const n = nodes[feasible[k]!]!;
    const resources = (50 * (n.cpuMillicores - n.allocatedCpu - req.cpu)) / n.cpuMillicores + (50 * (n.memoryMiB - n.allocatedMemory - req.memory)) / n.memoryMiB;
    const score = WEIGHT.resources * resources + WEIGHT.spread * spreadScore(spreadPenalty[k]!) + WEIGHT.antiAffinity * affinityScore(affinityPenalty[k]!);
    if (score > best + 1e-9) {
      best = score;
      chosen = feasible[k]!;
      ties = 1;
    } else if (Math.abs(score - best) <= 1e-9) {
      // Reservoir sampling among equal scores, as kube-scheduler's selectHost does.
      ties++;
      if (rng() * ties < 1) chosen = feasible[k]!;
    }
  }
  return chosen;
}

/** The map of penalties to 0..100 over these penalties: the lowest scores 100 (all equal: 100 each). */
function inverseScale(penalties: Float64Array): (p: number) => number {
  let max = -Infinity;
  let min = Infinity;
  for (const p of penalties) {
    if (p > max) max = p;
    if (p < min) min = p;
  }
  if (max === min) return () => 100;
  return (p) => (100 * (max - p)) / (max - min);
}
