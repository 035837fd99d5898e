import { NO_EVENT } from '../../engine/simulation.js';
import { setApiReady, type Cluster } from './cluster.js';
import { terminatePod } from './kubelet.js';
import { rolloutInProgress, rolloutStep } from './rollout.js';
import { clusterChanged, enqueuePod } from './scheduler.js';
import { NO_RNG, type Pod, type Workload } from './types.js';
import { disrupt, type DisruptionCause } from './types.js';

/**
 * The Deployment (ReplicaSet) controller: keeps `desired` pods that are not being deleted. A
 * deleted pod is replaced at once, without waiting for it to be gone (docs/model.md §6.1; sources.md
 * B "Deployment vs StatefulSet on node loss"). While pods of an older revision remain, a rollout
 * step runs instead (rollout.ts).
 */
export function reconcile(c: Cluster, w: Workload): void {
  if (rolloutInProgress(w)) {
    rolloutStep(c, w);
    return;
  }
  let active = 0;
  for (const pod of w.pods) if (!pod.deleted) active++;
  for (let i = active; i < w.desired; i++) createPod(c, w);
  if (active > w.desired) {
    for (const pod of podsToDelete(w.pods.filter((p) => !p.deleted), active - w.desired)) deletePod(c, pod, 'scale');
  }
}

/** Sets the desired replicas (a `scale` fault or command) and reconciles. */
export function scaleWorkload(c: Cluster, w: Workload, replicas: number): void {
  w.desired = replicas;
  c.out.workloadCounts.emit(w);
  reconcile(c, w);
}

/** Marks a pod deleted (graceful) and lets the controller replace it; `cause`: why it is taken out of service. */
export function deletePod(c: Cluster, pod: Pod, cause?: DisruptionCause): void {
  if (pod.deleted) return;
  if (cause !== undefined) disrupt(pod, cause);
  pod.deleted = true;
  // On a node cut off from the control plane the kubelet does not hear of it: the pod leaves the
  // endpoints (the control plane's side) but runs on until the partition heals.
  if (pod.node?.apiCut && pod.node.up) setApiReady(c, pod, false);
  else terminatePod(c, pod);
  clusterChanged(c); // a pod being deleted no longer counts for topology spread
}

/**
 * The ReplicaSet's choice of pods to remove on scale-down (controller.ActivePodsWithRanks):
 * unscheduled before scheduled, not Ready before Ready, pods doubled up on a node with others of
 * the workload before lone ones, Ready for less time before longer, more restarts before fewer,
 * newer before older.
 */
export function podsToDelete(pods: Pod[], count: number): Pod[] {
  const colocated = (p: Pod): number => (p.node === null ? 0 : p.node.pods.filter((q) => q.workload === p.workload && !q.deleted).length);
  const rank = (p: Pod): number[] => [
    p.node === null ? 0 : 1,
    p.apiReady ? 1 : 0,
    -colocated(p),
    p.apiReady ? -p.readySinceS : 0,
    -p.restarts,
    -p.createdS,
    -p.id,
  ];
  return [...pods]
    .sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
      return 0;
    })
    .slice(0, count);
}

/** A new pod of the workload's current revision, queued for scheduling. */
export function createPod(c: Cluster, w: Workload): Pod {
  const ordinal = w.nextOrdinal++;
  const name = `${w.name}-${ordinal}`;
  const pod = {
    id: c.nextPodId++,
    name,
    workload: w,
    revision: w.revision,
    image: w.image,
    createdS: c.sim.nowS,
    node: null,
    phase: 'Pending',
    apiReady: false,
    probeReady: false,
    hung: false,
    disruption: null,
    deleted: false,
    countedServing: false,
    countedRunning: false,
    countedActive: false,
    probeAnchorS: 0,
    containerStartS: 0,
    appStartedS: 0,
    startedS: 0,
    exitedS: 0,
    exitAtS: 0,
    killDeadlineS: 0,
    hungSinceS: 0,
    readySinceS: 0,
    restarts: 0,
    backoffStep: 0,
    lifecycleTimer: NO_EVENT,
    faultTimer: NO_EVENT,
    probeTimer: NO_EVENT,
    scheduleTimer: NO_EVENT,
    scheduleAttempts: 0,
    retryNotBeforeS: 0,
    rng: c.streams.stream(`pod/${name}/lifecycle`),
    // Failure streams exist only where the workload has that failure process.
    crashRng: w.dist.crash ? c.streams.stream(`pod/${name}/crash`) : NO_RNG,
    hangRng: w.dist.hang ? c.streams.stream(`pod/${name}/hang`) : NO_RNG,
    pauseRng: w.dist.jvmPause ? c.streams.stream(`pod/${name}/jvm-pause`) : NO_RNG,
    pauseEndS: NaN,
    ref: undefined as unknown as { c: Cluster; pod: Pod },
  } satisfies Pod as Pod;
  (pod as { ref: { c: Cluster; pod: Pod } }).ref = { c, pod };
  w.pods.push(pod);
  c.traffic?.podCreated(pod);
  if (c.out.podCreated.active) c.out.podCreated.emit(pod);
  enqueuePod(c, pod);
  return pod;
}
