import type { Cluster } from '../model/kube/cluster.js';
import type { DisruptionCause, Workload } from '../model/kube/types.js';

/**
 * Downtime by cause (`downtimeByCauseS.<cause>`): each stretch of downtime is attributed to what
 * started it, the cause stamped on the last pod that stopped serving (running, for a workload
 * without traffic):
 * - nodeCrash, nodePartition, nodeDrain: the pod's node crashed, was cut off or was drained;
 * - containerCrash, containerHang, jvmPause: its container crashed, hung or paused;
 * - rollout, scale: the Deployment replaced or removed it;
 * - capacityPacked: a node took two or more of the workload's pods with it at once while the
 *   cluster had other nodes up (pods packed onto fewer nodes than they could spread over);
 * - capacityPending: down without ever having served, with a pod the scheduler cannot place;
 * - startup: down without ever having served, its pods on their way up;
 * - other: a pod lost with no stamped cause.
 */
export const CAUSES = ['nodeCrash', 'nodePartition', 'nodeDrain', 'containerCrash', 'containerHang', 'jvmPause', 'rollout', 'scale', 'capacityPacked', 'capacityPending', 'startup', 'other'] as const;

export type Cause = (typeof CAUSES)[number];

/**
 * An artifact's downtime has four causes more, for what keeps it down while it lasts: its task
 * assigned to a server the 4.4 duplicate-node check keeps from running tasks (duplicateNodeCheck),
 * its servers fenced off by a failing or slow coordination database (coordinationDb), a message
 * processor deactivated by its backend's failures (backend), and an operator's deactivation
 * (operator: the operator wants it inactive, or its servers run it inactive as an operator once
 * set it; docs/model.md §10.5).
 */
export const ARTIFACT_CAUSES = [...CAUSES, 'duplicateNodeCheck', 'coordinationDb', 'backend', 'operator'] as const;

/**
 * A failed request has one cause more: overload (a queue full, or a wait past the client's timeout,
 * with no hung pod or recent pod loss behind it). The rest are the pod losses above: the
 * workload's last lost pod's cause when the request failed (no endpoint, a connection failed, lost
 * in a crash, or timed out on a pod that hung, paused or went down with its node).
 */
export const REQUEST_CAUSES = [...CAUSES, 'overload'] as const;

export type RequestCause = (typeof REQUEST_CAUSES)[number];

/**
 * A scheduled task's duplicate runs (`duplicatesByCause.<cause>`) are attributed to why two servers
 * ran it at once: a server the coordination cluster removed while it still lived, by what made it
 * look dead (a JVM pause or hang, a partition, the coordination database, a skewed clock); a pod
 * still running while a rollout, scale change or drain replaces it, or while a partition cuts it
 * off (its stamp); a server that froze (JVM pause or hang) and resumed its tasks after another took
 * them; servers that each run every task by design (uncoordinated); other. The cause is taken, in
 * that order, when the set of runners changes and holds until the next change.
 */
export const DUPLICATE_CAUSES = [...CAUSES, 'coordinationDb', 'clockSkew', 'uncoordinated'] as const;

/** The cause a pod's stamp stands for. */
export function stampCause(stamp: DisruptionCause | null): Cause | null {
  return stamp === null ? null : KEY[stamp];
}

const KEY: Record<DisruptionCause, Cause> = {
  'node-crash': 'nodeCrash',
  'node-partition': 'nodePartition',
  'node-drain': 'nodeDrain',
  'container-crash': 'containerCrash',
  'container-hang': 'containerHang',
  'jvm-pause': 'jvmPause',
  rollout: 'rollout',
  scale: 'scale',
};

/** Why a workload went down now: its last lost pod's cause (or packing, a pending pod, a start-up). */
export function lossCause(c: Cluster, w: Workload): Cause {
  const loss = w.lastLoss;
  if (loss === null) return w.pods.some((p) => c.scheduler.unschedulable.has(p)) ? 'capacityPending' : 'startup';
  const nodeWide = loss.cause === 'node-crash' || loss.cause === 'node-partition' || loss.cause === 'node-drain';
  if (nodeWide && loss.together >= 2 && c.nodes.some((n) => n !== loss.node && n.up)) return 'capacityPacked';
  return loss.cause === null ? 'other' : KEY[loss.cause];
}
