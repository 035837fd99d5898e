import { InvariantError } from '../../engine/errors.js';
import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import type { Cluster } from './cluster.js';
import { deletePod, reconcile } from './deployment.js';
import { tickAtOrAfter } from './probes.js';
import { clusterChanged } from './scheduler.js';
import type { Node, Pod } from './types.js';

/** kubectl drain retries a refused eviction every 5 s. */
export const DRAIN_RETRY_S = 5;

/** A drain in progress: pods still to evict, retried on kubectl's 5 s grid when a budget frees up. */
export interface Drain {
  node: Node;
  startS: number;
  retryTimer: EventHandle;
}

/**
 * Cordons the node and evicts its pods through the eviction API: a pod whose eviction would take
 * its workload below the PodDisruptionBudget's minAvailable is refused and retried. Retries that
 * could not succeed are not simulated: a refused drain waits for a pod of that workload to become
 * Ready, then retries at the next 5 s step of kubectl's retry loop.
 */
export function drainNode(c: Cluster, node: Node, uncordonAfterS: number | null): void {
  node.cordoned = true;
  c.out.nodeState.emit(node);
  const drain: Drain = { node, startS: c.sim.nowS, retryTimer: NO_EVENT };
  c.drains.push(drain);
  attemptEvictions(c, drain);
  if (uncordonAfterS !== null) c.sim.schedule(uncordonAfterS, onUncordon, { c, node });
}

/** The node is schedulable again; a drain still waiting on a budget is given up (kubectl drain interrupted). */
function onUncordon({ c, node }: { c: Cluster; node: Node }): void {
  node.cordoned = false;
  for (let i = c.drains.length - 1; i >= 0; i--) {
    const drain = c.drains[i]!;
    if (drain.node !== node) continue;
    c.sim.cancel(drain.retryTimer);
    c.drains.splice(i, 1);
  }
  c.out.nodeState.emit(node);
  clusterChanged(c);
}

function attemptEvictions(c: Cluster, drain: Drain): void {
  drain.retryTimer = NO_EVENT;
  let blocked = false;
  for (const pod of [...drain.node.pods]) {
    if (pod.deleted) continue;
    if (!evictionAllowed(pod)) {
      blocked = true;
      continue;
    }
    deletePod(c, pod, 'node-drain');
    reconcile(c, pod.workload);
  }
  if (!blocked) {
    const i = c.drains.indexOf(drain);
    if (i < 0) throw new InvariantError(`drain of ${drain.node.name} retried after it ended`, c.sim);
    c.drains.splice(i, 1);
  }
}

/** PodDisruptionBudget check (unhealthyPodEvictionPolicy IfHealthyBudget). */
export function evictionAllowed(pod: Pod): boolean {
  const pdb = pod.workload.config.podDisruptionBudget;
  if (pdb === null) return true;
  let healthy = 0;
  for (const p of pod.workload.pods) if (p.apiReady && !p.deleted) healthy++;
  return pod.apiReady ? healthy - 1 >= pdb.minAvailable : healthy >= pdb.minAvailable;
}

/** Called when a pod becomes Ready: a drain blocked by its workload's budget retries on its grid. */
export function retryBlockedDrains(c: Cluster, pod: Pod): void {
  for (const drain of c.drains) {
    if (drain.retryTimer !== NO_EVENT || drain.node.pods.every((p) => p.deleted || p.workload !== pod.workload)) continue;
    const atS = tickAtOrAfter(drain.startS, DRAIN_RETRY_S, c.sim.nowS);
    drain.retryTimer = c.sim.scheduleAt(atS, onRetry, { c, drain });
  }
}

function onRetry({ c, drain }: { c: Cluster; drain: Drain }): void {
  attemptEvictions(c, drain);
}
