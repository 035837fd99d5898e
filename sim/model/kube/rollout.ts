import { NO_EVENT } from '../../engine/simulation.js';
import type { Cluster } from './cluster.js';
import { timeTolerance } from './probes.js';
import { createPod, deletePod, podsToDelete } from './deployment.js';
import type { Pod, Workload } from './types.js';

/**
 * Rolling out a new pod template (a `rolling-update` fault): the Deployment controller's
 * RollingUpdate and Recreate strategies (kubernetes pkg/controller/deployment, rolling.go and
 * recreate.go). A pod is available once it has been Ready for minReadySeconds.
 */

/** True while pods of an older revision remain (deleted or not). */
export function rolloutInProgress(w: Workload): boolean {
  for (const pod of w.pods) if (pod.revision !== w.revision) return true;
  return false;
}

/** Starts a rollout to a new revision (and image) of the workload's pod template. */
export function startRollout(c: Cluster, w: Workload, image: string | undefined): void {
  w.revision++;
  w.image = image ?? `${w.config.image}-r${w.revision}`;
  rolloutStep(c, w);
}

/** A pod became Ready: it counts as available after minReadySeconds, then the rollout moves on. */
export function rolloutAfterReady(c: Cluster, w: Workload): void {
  scheduleCheck(c, w, c.sim.nowS + w.config.strategy.minReadySeconds);
}

/** A re-check of the rollout at `atS`, unless an earlier one is pending (which reschedules itself). */
function scheduleCheck(c: Cluster, w: Workload, atS: number): void {
  if (w.rolloutTimer !== NO_EVENT) {
    if (w.rolloutAtS <= atS) return;
    c.sim.cancel(w.rolloutTimer);
  }
  w.rolloutAtS = atS;
  w.rolloutTimer = c.sim.scheduleAt(atS, onRolloutTimer, { c, w });
}

function onRolloutTimer({ c, w }: { c: Cluster; w: Workload }): void {
  w.rolloutTimer = NO_EVENT;
  if (rolloutInProgress(w)) rolloutStep(c, w);
}

/** The next moment a Ready pod becomes available (Ready for minReadySeconds), if any is waiting. */
function nextAvailability(c: Cluster, w: Workload): number {
  let next = Infinity;
  const min = w.config.strategy.minReadySeconds;
  for (const p of w.pods) if (!p.deleted && p.apiReady && !available(c, p)) next = Math.min(next, p.readySinceS + min);
  return next;
}

function available(c: Cluster, pod: Pod): boolean {
  // (Within the time tolerance: a re-check planned for that instant must find the pod available.)
  const now = c.sim.nowS;
  return !pod.deleted && pod.apiReady && now - pod.readySinceS >= pod.workload.config.strategy.minReadySeconds - timeTolerance(now);
}

/** maxSurge / maxUnavailable: an absolute count, or a percentage of the replicas (surge rounds up, unavailable down). */
export function resolveBudget(value: number | string, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const x = (Number(value.slice(0, -1)) / 100) * replicas;
  return roundUp ? Math.ceil(x - 1e-9) : Math.floor(x + 1e-9);
}

/**
 * What the controller does each time it looks at the Deployment: steps until nothing changes (it
 * re-syncs on its own pod deletions within milliseconds).
 */
export function rolloutStep(c: Cluster, w: Workload): void {
  for (let i = 0; i < 2 * w.desired + 10 && step(c, w); i++);
  const next = nextAvailability(c, w);
  if (next < Infinity) scheduleCheck(c, w, next);
}

/** One sync; true if it created or deleted a pod. */
function step(c: Cluster, w: Workload): boolean {
  const live = w.pods.filter((p) => !p.deleted);
  const old = live.filter((p) => p.revision !== w.revision);
  const fresh = live.filter((p) => p.revision === w.revision);
  if (w.config.strategy.type === 'Recreate') {
    for (const pod of old) deletePod(c, pod, 'rollout');
    // New pods only once every old pod is gone, not merely terminating.
    if (w.pods.some((p) => p.revision !== w.revision)) return false;
    // (Counted again: an old pod gone at once may already have been replaced by the controller.)
    const now = w.pods.filter((p) => !p.deleted).length;
    for (let i = now; i < w.desired; i++) createPod(c, w);
    return false;
  }
  const surge = resolveBudget(w.config.strategy.maxSurge, w.desired, true);
  let unavailable = resolveBudget(w.config.strategy.maxUnavailable, w.desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1; // as the Deployment controller does (percentages that round to 0)
  // Scaled down during the update to below what runs: the controller scales its ReplicaSets in
  // proportion to their sizes down to desired + maxSurge (sync.go, scale / getProportion).
  const excess = live.length - (w.desired + surge);
  if (excess > 0) {
    const fromOld = Math.min(old.length, Math.round((excess * old.length) / live.length));
    const fromFresh = Math.min(fresh.length, excess - fromOld);
    for (const pod of podsToDelete(old, fromOld + Math.max(0, excess - fromOld - fromFresh))) deletePod(c, pod, 'rollout');
    for (const pod of podsToDelete(fresh, fromFresh)) deletePod(c, pod, 'rollout');
    return true;
  }
  // More new pods than desired (scaled down during the update): remove the surplus first.
  if (fresh.length > w.desired) {
    for (const pod of podsToDelete(fresh, fresh.length - w.desired)) deletePod(c, pod, 'rollout');
    return true;
  }
  // Scale up the new revision within desired + maxSurge.
  const room = Math.min(w.desired + surge - live.length, w.desired - fresh.length);
  for (let i = 0; i < room; i++) createPod(c, w);
  let changed = room > 0;
  // Scale down the old revision while keeping desired - maxUnavailable pods available.
  const minAvailable = w.desired - unavailable;
  const total = w.pods.filter((p) => !p.deleted).length;
  const freshUnavailable = w.pods.filter((p) => !p.deleted && p.revision === w.revision && !available(c, p)).length;
  let budget = total - minAvailable - freshUnavailable;
  if (budget <= 0) return changed;
  // Old pods that are not available go first: removing them costs no availability.
  for (const pod of podsToDelete(old.filter((p) => !available(c, p)), budget)) {
    deletePod(c, pod, 'rollout');
    budget--;
    changed = true;
  }
  const availableNow = w.pods.filter((p) => available(c, p)).length;
  const removable = Math.min(budget, availableNow - minAvailable);
  const oldAvailable = old.filter((p) => available(c, p));
  for (const pod of podsToDelete(oldAvailable, Math.max(0, removable))) {
    deletePod(c, pod, 'rollout');
    changed = true;
  }
  return changed;
}
