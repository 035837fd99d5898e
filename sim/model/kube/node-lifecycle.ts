import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import { armNodeCrash } from '../faults/node-failures.js';
import { refreshPodCounts, setApiReady, type Cluster } from './cluster.js';
import { reconcile } from './deployment.js';
import { abortPulls, resumeAfterNodeRepair, stopOnNodeCrash, terminatePod } from './kubelet.js';
import { tickAfter } from './probes.js';
import { clusterChanged } from './scheduler.js';
import type { Node, Workload } from './types.js';
import { disrupt } from './types.js';

type NodeArg = { c: Cluster; node: Node };

/**
 * When the node lifecycle controller marks a crashed node Unknown (docs/model.md §3.3:
 * T_NU = G - U(0, L) + U(0, M)): the last lease renewal before the crash (renewals every L since
 * the kubelet started) plus the grace period G, rounded up to the controller's next check
 * (every M). Arithmetic: no lease renewal or check is simulated.
 */
export function nodeDetectionTime(crashS: number, node: Node, c: Cluster): number {
  const L = c.kube.nodeLeaseRenewInterval;
  const lastRenewS = Math.max(node.upSinceS, node.leasePhaseS + Math.floor((crashS - node.leasePhaseS) / L) * L);
  // (The scenario keeps L < G, so the last renewal plus G lies after the crash; max() only absorbs rounding.)
  return tickAfter(c.controlPlane.monitorPhaseS, c.kube.nodeMonitorPeriod, Math.max(crashS, lastRenewS + c.kube.nodeMonitorGracePeriod));
}

/** The machine dies: containers stop at once; the control plane notices later. `repairAfterS` null: never back. */
export function crashNode(c: Cluster, node: Node, repairAfterS: number | null): void {
  if (!node.up) return;
  node.up = false;
  c.sim.cancel(node.crashTimer);
  node.crashTimer = NO_EVENT;
  abortPulls(c, node);
  c.usage.upNodes--;
  for (const pod of [...node.pods]) stopOnNodeCrash(c, pod);
  c.out.clusterUsage.emit(c.usage);
  if (node.condition === 'Ready' && node.detectTimer === NO_EVENT) node.detectTimer = c.sim.scheduleAt(nodeDetectionTime(c.sim.nowS, node, c), onNodeUnknown, node.ref);
  if (repairAfterS !== null) node.repairTimer = c.sim.schedule(repairAfterS, onRepair, node.ref);
  c.out.nodeState.emit(node);
}

function onRepair({ c, node }: NodeArg): void {
  node.repairTimer = NO_EVENT;
  repairNode(c, node);
}

/**
 * The machine is back (reboot or same-name replacement): the kubelet renews its lease at once. A
 * reboot does not mend the network: if the node is still cut off from the control plane, its
 * kubelet can neither renew the lease nor learn its pods, so they start when the partition heals.
 */
export function repairNode(c: Cluster, node: Node): void {
  if (node.up) return;
  node.up = true;
  node.upSinceS = c.sim.nowS;
  c.usage.upNodes++;
  armNodeCrash(c, node);
  if (node.apiCut && c.sim.nowS < node.apiCutUntilS) {
    for (const pod of node.pods) refreshPodCounts(c, pod); // bound, stopped, on a machine that is up
    c.out.clusterUsage.emit(c.usage);
    c.out.nodeState.emit(node);
    return;
  }
  leaseRenewed(c, node);
  for (const pod of [...node.pods]) resumeAfterNodeRepair(c, pod);
  c.out.clusterUsage.emit(c.usage);
  c.out.nodeState.emit(node);
  clusterChanged(c);
}

/** The kubelet reaches the control plane again and renews its lease now: the node is Ready, nothing pending against it. */
function leaseRenewed(c: Cluster, node: Node): void {
  node.apiCut = false;
  node.leasePhaseS = c.sim.nowS;
  c.sim.cancel(node.detectTimer);
  c.sim.cancel(node.evictTimer);
  node.detectTimer = node.evictTimer = NO_EVENT;
  const wasUnknown = node.condition === 'Unknown';
  node.condition = 'Ready';
  if (wasUnknown) {
    const z = zoneOf(c, node);
    const i = z.queue.indexOf(node);
    if (i >= 0) z.queue.splice(i, 1);
    zonesChanged(c);
  }
}

/**
 * A network partition between the node and the control plane: the kubelet cannot renew its lease,
 * so the node is marked Unknown and its pods evicted as if it had died, but its containers run on
 * (and serve whoever still reaches them) until the partition heals; then the kubelet learns which
 * of its pods were deleted meanwhile and stops them, and reports the others Ready again
 * (docs/model.md §3.5; sources.md B "Partitioned node": pods marked for deletion may keep running
 * until it reconnects).
 * `durationS` Infinity: it never heals.
 */
export function partitionFromControlPlane(c: Cluster, node: Node, durationS: number): void {
  if (!node.up) return;
  const now = c.sim.nowS;
  if (!node.apiCut) {
    node.apiCut = true;
    if (node.condition === 'Ready' && node.detectTimer === NO_EVENT) node.detectTimer = c.sim.scheduleAt(nodeDetectionTime(now, node, c), onNodeUnknown, node.ref);
  }
  if (now + durationS > node.apiCutUntilS) {
    node.apiCutUntilS = now + durationS;
    if (durationS < Infinity) c.sim.scheduleAt(node.apiCutUntilS, onPartitionHealed, node.ref);
  }
  c.out.nodeState.emit(node);
}

function onPartitionHealed({ c, node }: NodeArg): void {
  if (!node.apiCut || c.sim.nowS < node.apiCutUntilS || !node.up) return;
  leaseRenewed(c, node);
  for (const pod of [...node.pods]) {
    // Pods bound while it was cut off (or left stopped by a reboot during the cut) start now.
    if (pod.phase === 'NodeDown') resumeAfterNodeRepair(c, pod);
    else if (pod.deleted) terminatePod(c, pod);
    // The kubelet reports what its probes say now (a hung server's readiness fails at its own time).
    else setApiReady(c, pod, pod.probeReady);
  }
  // A pod that kept running through the cut (one without traffic, not evicted) was never out of service.
  for (const pod of node.pods) if (pod.disruption === 'node-partition' && !pod.deleted && !pod.workload.config.servesTraffic && pod.countedRunning) pod.disruption = null;
  c.out.nodeState.emit(node);
  clusterChanged(c);
}

/**
 * The control plane marks the node Unknown: its pods become NotReady and it is tainted unreachable,
 * NoSchedule at once and NoExecute on the controller's next pass (it taints from the condition it
 * observed before the pass: one monitor period later), at its zone's eviction rate (zonesChanged).
 * Its pods are evicted tolerationSeconds after the NoExecute taint.
 */
function onNodeUnknown({ c, node }: NodeArg): void {
  node.detectTimer = NO_EVENT;
  node.condition = 'Unknown';
  node.unknownSinceS = c.sim.nowS;
  // A machine that is up but unheard of is cut off: what takes its pods out of service (a crashed
  // one's pods carry their node-crash stamp already).
  if (node.up) for (const pod of node.pods) disrupt(pod, 'node-partition');
  for (const pod of node.pods) setApiReady(c, pod, false);
  zoneOf(c, node).queue.push(node);
  zonesChanged(c);
  c.out.nodeState.emit(node);
}

/** A zone's NoExecute taint queue: Unknown nodes not tainted yet, and its rate limiter. */
export interface ZoneEviction {
  readonly name: string;
  readonly nodes: Node[];
  readonly queue: Node[];
  /** The rate limiter's next free slot. */
  nextSlotS: number;
  /** Nodes per second now (0: evictions stopped), from the zone's state. */
  rate: number;
  state: 'Normal' | 'PartialDisruption' | 'FullDisruption';
  timer: EventHandle;
}

export function zoneOf(c: Cluster, node: Node): ZoneEviction {
  const name = node.zone ?? '';
  let z = c.controlPlane.zones.get(name);
  if (z === undefined) {
    z = { name, nodes: c.nodes.filter((n) => (n.zone ?? '') === name), queue: [], nextSlotS: -Infinity, rate: c.kube.nodeEvictionRate, state: 'Normal', timer: NO_EVENT };
    c.controlPlane.zones.set(name, z);
  }
  return z;
}

/**
 * The node lifecycle controller's disruption modes (kube-controller-manager, node lifecycle
 * controller: ComputeZoneState and handleDisruption), recomputed whenever a node turns Unknown or
 * Ready (the only moments they can change). A zone is fully disrupted when none of its nodes is
 * Ready, partially when more than 2 and at least unhealthyZoneThreshold of them are NotReady.
 * Evictions run at nodeEvictionRate in a normal or fully disrupted zone; in a partially disrupted
 * one at secondaryNodeEvictionRate when it has more than largeClusterSizeThreshold nodes, else not
 * at all. When every zone is fully disrupted (the control plane is the likelier culprit), evictions
 * stop everywhere and the taints already placed are lifted; when that ends, the Unknown nodes are
 * tainted again from the start, at the zones' rates.
 */
function zonesChanged(c: Cluster): void {
  const k = c.kube;
  for (const n of c.nodes) zoneOf(c, n);
  const zones = [...c.controlPlane.zones.values()];
  for (const z of zones) {
    const notReady = z.nodes.filter((n) => n.condition !== 'Ready').length;
    const ready = z.nodes.length - notReady;
    z.state = ready === 0 && notReady > 0 ? 'FullDisruption' : notReady > 2 && notReady / z.nodes.length >= k.unhealthyZoneThreshold ? 'PartialDisruption' : 'Normal';
    z.rate = z.state === 'PartialDisruption' ? (z.nodes.length > k.largeClusterSizeThreshold ? k.secondaryNodeEvictionRate : 0) : k.nodeEvictionRate;
  }
  const allDisrupted = zones.length > 0 && zones.every((z) => z.state === 'FullDisruption');
  if (allDisrupted !== c.controlPlane.allDisrupted) {
    c.controlPlane.allDisrupted = allDisrupted;
    if (allDisrupted) {
      // Every taint lifted: the nodes' pods are not evicted, and will be tainted afresh later.
      for (const z of zones) {
        for (const n of z.nodes) {
          if (n.condition !== 'Ready' && n.evictTimer !== NO_EVENT) {
            c.sim.cancel(n.evictTimer);
            n.evictTimer = NO_EVENT;
            if (!z.queue.includes(n)) z.queue.push(n);
          }
        }
        z.nextSlotS = -Infinity;
      }
    }
  }
  for (const z of zones) pumpZone(c, z, allDisrupted ? 0 : z.rate);
}

/** Schedules the zone's next NoExecute taint at its rate (none while the rate is 0). */
function pumpZone(c: Cluster, z: ZoneEviction, rate: number): void {
  c.sim.cancel(z.timer);
  z.timer = NO_EVENT;
  const next = z.queue[0];
  if (next === undefined || !(rate > 0)) return;
  const t = Math.max(c.sim.nowS, next.unknownSinceS + c.kube.nodeMonitorPeriod, z.nextSlotS);
  z.timer = c.sim.scheduleAt(t, onTaint, { c, z });
}

/** The NoExecute taint goes on the zone's first waiting node; its pods are evicted tolerationSeconds later. */
function onTaint({ c, z }: { c: Cluster; z: ZoneEviction }): void {
  z.timer = NO_EVENT;
  const node = z.queue.shift();
  if (node === undefined) return;
  const now = c.sim.nowS;
  z.nextSlotS = now + 1 / z.rate;
  if (node.condition !== 'Ready' && node.evictTimer === NO_EVENT) node.evictTimer = c.sim.scheduleAt(now + c.kube.tolerationSeconds, onEvict, node.ref);
  pumpZone(c, z, c.controlPlane.allDisrupted ? 0 : z.rate);
}

/** Taint-based eviction: the pods get a deletionTimestamp; their Deployments replace them at once. */
function onEvict({ c, node }: NodeArg): void {
  node.evictTimer = NO_EVENT;
  const touched = new Set<Workload>();
  for (const pod of node.pods) {
    if (pod.deleted) continue;
    pod.deleted = true;
    touched.add(pod.workload);
  }
  for (const w of touched) reconcile(c, w);
}
