import type { Rng } from '../../engine/random.js';
import type { TopologyKey, WorkloadConfig } from '../../scenario/types.js';
import type { Node } from './types.js';

/** What the scheduler places: one pod's requests and its workload's placement rules. */
export interface PlacementRequest {
  cpu: number;
  memory: number;
  workloadIndex: number;
  scheduling: WorkloadConfig['scheduling'];
}

/** Kubernetes' built-in soft spread when a workload sets none (facts B: "Default topology spread"). */
const DEFAULT_SPREAD = [
  { topologyKey: 'hostname' as const, maxSkew: 3, whenUnsatisfiable: 'ScheduleAnyway' as const },
  { topologyKey: 'zone' as const, maxSkew: 5, whenUnsatisfiable: 'ScheduleAnyway' as const },
];

/** Score weights of the default scheduler profile's plugins. */
const WEIGHT = { resources: 1, spread: 2, antiAffinity: 2 };

export function domainOf(node: Node, key: TopologyKey): string | null {
  return key === 'hostname' ? node.name : node.zone;
}

/**
 * Pods of the workload on the node. Topology spread ignores pods being deleted; inter-pod
 * anti-affinity counts them (kube-scheduler: a Terminating pod on a dead node keeps blocking its
 * domain until it is gone).
 */
function matching(node: Node, workloadIndex: number, includeDeleted: boolean): number {
  let n = 0;
  for (const pod of node.pods) if (pod.workload.index === workloadIndex && (includeDeleted || !pod.deleted)) n++;
  return n;
}

/**
 * The scheduler's placement policy, a pure function of the cluster state and a random stream:
 * filter (Ready and schedulable, room for the requests, required anti-affinity, hard topology
 * spread), then score (least allocated, soft spread, preferred anti-affinity), ties broken at
 * random. Returns the node index, or -1 when no node fits (the pod stays Pending).
 */
export function choosePlacement(nodes: readonly Node[], req: PlacementRequest, rng: Rng): number {
  const spreadCounts = nodes.map((n) => matching(n, req.workloadIndex, false));
  const affinityCounts = nodes.map((n) => matching(n, req.workloadIndex, true));
  const domainCounts = (key: TopologyKey, counts: number[]): Map<string, number> => {
    const m = new Map<string, number>();
    nodes.forEach((n, i) => {
      const d = domainOf(n, key);
      if (d !== null) m.set(d, (m.get(d) ?? 0) + counts[i]!);
    });
    return m;
  };
  const spread = req.scheduling.topologySpread.length > 0 ? req.scheduling.topologySpread : DEFAULT_SPREAD;
  const hard = spread.filter((s) => s.whenUnsatisfiable === 'DoNotSchedule').map((s) => ({ s, counts: domainCounts(s.topologyKey, spreadCounts) }));
  const soft = spread.filter((s) => s.whenUnsatisfiable === 'ScheduleAnyway').map((s) => ({ s, counts: domainCounts(s.topologyKey, spreadCounts) }));
  const { required, preferred, weight } = req.scheduling.podAntiAffinity;
  const requiredCounts = required ? domainCounts(required, affinityCounts) : null;
  const preferredCounts = preferred ? domainCounts(preferred, affinityCounts) : null;

  const feasible: number[] = [];
  nodes.forEach((n, i) => {
    if (n.condition !== 'Ready' || n.cordoned) return;
    if (n.cpuMillicores - n.allocatedCpu < req.cpu || n.memoryMiB - n.allocatedMemory < req.memory) return;
    if (required && requiredCounts) {
      const d = domainOf(n, required);
      if (d !== null && (requiredCounts.get(d) ?? 0) > 0) return;
    }
    for (const { s, counts: dc } of hard) {
      const d = domainOf(n, s.topologyKey);
      if (d === null) return; // nodes without the label cannot satisfy a hard constraint
      const min = Math.min(...dc.values());
      if ((dc.get(d) ?? 0) + 1 - min > s.maxSkew) return;
    }
    feasible.push(i);
  });
  if (feasible.length === 0) return -1;

  const resources = feasible.map((i) => {
    const n = nodes[i]!;
    return (50 * (n.cpuMillicores - n.allocatedCpu - req.cpu)) / n.cpuMillicores + (50 * (n.memoryMiB - n.allocatedMemory - req.memory)) / n.memoryMiB;
  });
  const spreadPenalty = feasible.map((i) => soft.reduce((sum, { s, counts: dc }) => sum + (dc.get(domainOf(nodes[i]!, s.topologyKey) ?? '') ?? 0), 0));
  const affinityPenalty = feasible.map((i) => {
    if (!preferred || !preferredCounts) return 0;
    const d = domainOf(nodes[i]!, preferred);
    return d === null ? 0 : weight * (preferredCounts.get(d) ?? 0);
  });
  const spreadScore = normalizeInverse(spreadPenalty);
  const affinityScore = normalizeInverse(affinityPenalty);

  let best = -Infinity;
  let chosen = -1;
  let ties = 0;
  for (let k = 0; k < feasible.length; k++) {
    const score = WEIGHT.resources * resources[k]! + WEIGHT.spread * spreadScore[k]! + WEIGHT.antiAffinity * affinityScore[k]!;
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

/** Maps penalties to 0..100, the lowest penalty scoring 100 (all equal: 100 each). */
function normalizeInverse(penalties: number[]): number[] {
  const max = Math.max(...penalties);
  const min = Math.min(...penalties);
  if (max === min) return penalties.map(() => 100);
  return penalties.map((p) => (100 * (max - p)) / (max - min));
}
