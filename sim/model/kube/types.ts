import type { Distribution } from '../../engine/distributions.js';
import type { EventHandle } from '../../engine/simulation.js';
import type { Rng } from '../../engine/random.js';
import type { NodePoolConfig, WorkloadConfig } from '../../scenario/types.js';
import type { Cluster } from './cluster.js';

/**
 * What a pod's container is doing, as the kubelet would report it.
 *
 *   Pending -> Pulling -> Creating -> Starting -> Deploying -> Running
 *   Running -> Crashed -> BackOff -> Creating ...   (container exit, CrashLoopBackOff)
 *   Running -> Killing -> BackOff ...               (liveness or startup probe failure)
 *   any bound phase -> NodeDown                     (its node died; the API may not know yet)
 *   any -> Terminating -> Gone                      (deleted: scale-down, drain, eviction)
 *
 * Readiness is separate (`apiReady`: the Ready condition endpoints follow), and so is `hung`.
 */
export type PodPhase =
  | 'Pending'
  | 'Pulling'
  | 'Creating'
  | 'Starting'
  | 'Deploying'
  | 'Running'
  | 'Crashed'
  | 'Killing'
  | 'BackOff'
  | 'NodeDown'
  | 'Terminating'
  | 'Gone';

/** Stands in for a stream an entity never draws from; drawing from it is a programmer error. */
export const NO_RNG: Rng = () => {
  throw new Error('drew from a random stream that this entity does not have');
};

/** The random streams a pod may own, named pod/<name>/<purpose>. */
export const POD_STREAMS = ['lifecycle', 'crash', 'hang', 'jvm-pause'] as const;

export interface Node {
  readonly index: number;
  readonly name: string;
  readonly pool: NodePoolConfig;
  readonly zone: string | null;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  /** Requests of the pods bound here and not yet gone. */
  allocatedCpu: number;
  allocatedMemory: number;
  /** The machine is running. */
  up: boolean;
  /** The control plane's view: Ready until the lease has been stale for the grace period. */
  condition: 'Ready' | 'Unknown';
  /** kubectl cordon / drain. */
  cordoned: boolean;
  /** Cut off from the control plane (network partition): pods run on, the API hears nothing. */
  apiCut: boolean;
  apiCutUntilS: number;
  /** How far the node's clock is ahead of real time (MI writes and judges heartbeats with it). */
  clockOffsetS: number;
  clockUntilS: number;
  /** Bound pods not yet gone, in binding order. */
  pods: Pod[];
  /** Images present on the node. */
  images: Set<string>;
  /** Pulls in progress, by image. */
  pulls: Map<string, Pull>;
  /** Kubelet lease renewals happen at leasePhaseS + k * interval. */
  leasePhaseS: number;
  upSinceS: number;
  crashTimer: EventHandle;
  repairTimer: EventHandle;
  detectTimer: EventHandle;
  evictTimer: EventHandle;
  /** When the control plane marked it Unknown (the earliest its NoExecute taint can come: one monitor pass later). */
  unknownSinceS: number;
  readonly crashRng: Rng;
  readonly repairRng: Rng;
  /** Image pull times on this node. */
  readonly pullRng: Rng;
  /** The argument every event of this node is scheduled with (allocated once). */
  readonly ref: { c: Cluster; node: Node };
}

export interface Pull {
  image: string;
  timer: EventHandle;
  waiters: Pod[];
}

/**
 * What took a pod out of service, stamped by the code that did it (the first stamp stands until
 * the pod serves again): the cause its workload's and the service's downtime is attributed to.
 */
export type DisruptionCause = 'node-crash' | 'node-partition' | 'node-drain' | 'container-crash' | 'container-hang' | 'jvm-pause' | 'rollout' | 'scale';

/** Stamps a pod with what is taking it out of service, unless something already did. */
export function disrupt(pod: Pod, cause: DisruptionCause): void {
  if (pod.disruption === null) pod.disruption = cause;
}

/** The last pod of a workload to stop serving (running, for one that serves no traffic): its cause, node and time. */
export interface PodLoss {
  cause: DisruptionCause | null;
  node: Node | null;
  t: number;
  /** Pods of the workload lost at that instant on that node (a node taking several at once). */
  together: number;
}

export interface Pod {
  readonly id: number;
  readonly name: string;
  readonly workload: Workload;
  /** The Deployment revision (pod template) it was created from, and that template's image. */
  readonly revision: number;
  readonly image: string;
  readonly createdS: number;
  node: Node | null;
  phase: PodPhase;
  /** The Ready condition as the API server (and so endpoints) see it. */
  apiReady: boolean;
  /** The kubelet's own view: its readiness probe passes (kept while the API cannot hear it). */
  probeReady: boolean;
  /** Process alive but not answering. */
  hung: boolean;
  /** What is taking it out of service (null while it serves, or before it ever did). */
  disruption: DisruptionCause | null;
  /** Has a deletionTimestamp: no longer counted by the Deployment. */
  deleted: boolean;
  /** Counted as serving / running by its workload (kept in step by `refreshPodCounts`). */
  countedServing: boolean;
  countedRunning: boolean;
  /** Counted in the cluster's usage totals (bound to an up node, not gone). */
  countedActive: boolean;
  /** Kubelet probe workers tick at probeAnchorS + k * period. */
  probeAnchorS: number;
  containerStartS: number;
  /** When the server answers (planned at container start). */
  appStartedS: number;
  /** When the container counts as started for Kubernetes (startup probe passed). */
  startedS: number;
  exitedS: number;
  /** When a container being stopped (Killing, Terminating) exits, at the earliest. */
  exitAtS: number;
  /** SIGKILL: a terminating container is gone by then whatever it still holds. */
  killDeadlineS: number;
  hungSinceS: number;
  /** Since when the pod has been Ready (for the ReplicaSet's scale-down order). */
  readySinceS: number;
  restarts: number;
  /** CrashLoopBackOff step: 0 means the next restart is immediate. */
  backoffStep: number;
  /** The next lifecycle step (pull wait excluded), the failure clock, and the probe-driven step. */
  lifecycleTimer: EventHandle;
  faultTimer: EventHandle;
  probeTimer: EventHandle;
  scheduleTimer: EventHandle;
  scheduleAttempts: number;
  retryNotBeforeS: number;
  readonly rng: Rng;
  readonly crashRng: Rng;
  readonly hangRng: Rng;
  readonly pauseRng: Rng;
  /** When a JVM pause that is under way ends (NaN when none is). */
  pauseEndS: number;
  /** The argument every event of this pod is scheduled with (allocated once). */
  readonly ref: { c: Cluster; pod: Pod };
}

/** A Deployment and the compiled distributions its pods draw from. */
export interface Workload {
  readonly index: number;
  readonly name: string;
  readonly config: WorkloadConfig;
  desired: number;
  /** Current pod template: its revision (0 at start; each rolling update adds one) and image. */
  revision: number;
  image: string;
  /** A pending re-check of a rollout (a pod becoming available after minReadySeconds), and when. */
  rolloutTimer: EventHandle;
  rolloutAtS: number;
  /** Pods not yet gone, in creation order. */
  pods: Pod[];
  nextOrdinal: number;
  /** Pods Ready and able to serve (running, not hung, node up). */
  servingCount: number;
  /** The last loss of a serving (running, without traffic) pod, for attributing downtime; null before any. */
  lastLoss: PodLoss | null;
  /** Pods whose server is running and not hung (what stateful artifacts need). */
  runningCount: number;
  readonly dist: WorkloadDistributions;
}

export interface WorkloadDistributions {
  imagePull: Distribution;
  serverStart: Distribution;
  artifactDeploy: Distribution;
  shutdown: Distribution;
  crash: Distribution | null;
  hang: Distribution | null;
  jvmPause: Distribution | null;
  jvmPauseDuration: Distribution | null;
}
