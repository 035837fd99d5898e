import { NO_EVENT } from '../../engine/simulation.js';
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
 * When the node lifecycle controller marks a crashed node Unknown (facts "composes" C:
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
  node.condition = 'Ready';
}

/**
 * A network partition between the node and the control plane: the kubelet cannot renew its lease,
 * so the node is marked Unknown and its pods evicted as if it had died, but its containers run on
 * (and serve whoever still reaches them) until the partition heals; then the kubelet learns which
 * of its pods were deleted meanwhile and stops them, and reports the others Ready again (facts B:
 * "Partitioned node": pods marked for deletion may keep running until it reconnects).
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
 * observed before the pass: one monitor period later), at its zone's eviction rate limit. Its pods
 * are evicted after tolerationSeconds. (The controller's disruption modes, which stop evictions when
 * most of a zone or every zone is down, are not modelled.)
 */
function onNodeUnknown({ c, node }: NodeArg): void {
  node.detectTimer = NO_EVENT;
  node.condition = 'Unknown';
  // A machine that is up but unheard of is cut off: what takes its pods out of service (a crashed
  // one's pods carry their node-crash stamp already).
  if (node.up) for (const pod of node.pods) disrupt(pod, 'node-partition');
  for (const pod of node.pods) setApiReady(c, pod, false);
  const slots = c.controlPlane.nextTaintSlotS;
  const zone = node.zone ?? '';
  const taintS = Math.max(c.sim.nowS + c.kube.nodeMonitorPeriod, slots.get(zone) ?? 0);
  slots.set(zone, taintS + 1 / c.kube.nodeEvictionRate);
  node.evictTimer = c.sim.scheduleAt(taintS + c.kube.tolerationSeconds, onEvict, node.ref);
  c.out.nodeState.emit(node);
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
