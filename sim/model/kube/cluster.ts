import { EventBus, type Channel } from '../../engine/bus.js';
import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import { InvariantError } from '../../engine/errors.js';
import type { RandomStreams, Rng } from '../../engine/random.js';
import { NO_EVENT, type Simulation } from '../../engine/simulation.js';
import type { KubernetesConfig, Scenario } from '../../scenario/types.js';
import type { ModelEvents, Usage } from '../events.js';
import { retryBlockedDrains, type Drain } from './drain.js';
import { rolloutAfterReady, rolloutInProgress } from './rollout.js';
import type { Node, Pod, PodPhase, Workload } from './types.js';
import type { ZoneEviction } from './node-lifecycle.js';
import type { ArtifactRuntime } from '../artifacts/runtime.js';

/**
 * The whole cluster's state and the handles every part of the model works through. State is
 * plain data; behaviour lives in the kubelet, node-lifecycle, scheduler and deployment modules.
 */
export interface Cluster {
  readonly sim: Simulation;
  readonly streams: RandomStreams;
  readonly bus: EventBus<ModelEvents>;
  /** The bus's channels, held so that emitting (or not, when nobody listens) is a property read. */
  readonly out: ModelChannels;
  readonly scenario: Scenario;
  readonly kube: KubernetesConfig;
  readonly nodes: Node[];
  readonly nodeByName: Map<string, Node>;
  readonly workloads: Workload[];
  readonly workloadByName: Map<string, Workload>;
  readonly usage: Usage;
  readonly dist: { exitDetection: Distribution; containerCreate: Distribution; schedulingLatency: Distribution };
  readonly scheduler: { rng: Rng; unschedulable: Set<Pod> };
  /** Node monitor phase, and per zone the NoExecute taint queue and rate limiter (node-lifecycle.ts). */
  readonly controlPlane: { monitorPhaseS: number; zones: Map<string, ZoneEviction>; allDisrupted: boolean };
  /** Drains waiting on a PodDisruptionBudget. */
  readonly drains: Drain[];
  /** The traffic model, told of every pod change; null when no workload has traffic. */
  traffic: TrafficHooks | null;
  /** Stateful artifacts and coordination, told of every pod change; null when no workload has any. */
  artifacts: ArtifactRuntime | null;
  nextPodId: number;
}

export type ModelChannels = { [K in keyof typeof CHANNEL_NAMES]: Channel<ModelEvents[(typeof CHANNEL_NAMES)[K]]> };

const CHANNEL_NAMES = {
  podCreated: 'pod.created',
  podPhase: 'pod.phase',
  podReady: 'pod.ready',
  podHung: 'pod.hung',
  nodeState: 'node.state',
  workloadCounts: 'workload.counts',
  clusterUsage: 'cluster.usage',
  fault: 'fault',
  requestArrived: 'request.arrived',
  requestDone: 'request.done',
  trafficFluid: 'traffic.fluid',
  trafficOverload: 'traffic.overload',
  lbAvailability: 'lb.availability',
  artifactRunner: 'artifact.runner',
  coordination: 'coordination',
  artifactFlow: 'artifact.flow',
  artifactActive: 'artifact.active',
  artifactRedelivery: 'artifact.redelivery',
  processorState: 'processor.state',
  artifactOperator: 'artifact.operator',
} as const;

/** The name of every model event (what a trace or a fingerprint subscribes to). */
export const MODEL_EVENT_NAMES: ReadonlyArray<keyof ModelEvents> = Object.values(CHANNEL_NAMES);

function channelsOf(bus: EventBus<ModelEvents>): ModelChannels {
  const n = CHANNEL_NAMES;
  return {
    podCreated: bus.channel(n.podCreated),
    podPhase: bus.channel(n.podPhase),
    podReady: bus.channel(n.podReady),
    podHung: bus.channel(n.podHung),
    nodeState: bus.channel(n.nodeState),
    workloadCounts: bus.channel(n.workloadCounts),
    clusterUsage: bus.channel(n.clusterUsage),
    fault: bus.channel(n.fault),
    requestArrived: bus.channel(n.requestArrived),
    requestDone: bus.channel(n.requestDone),
    trafficFluid: bus.channel(n.trafficFluid),
    trafficOverload: bus.channel(n.trafficOverload),
    lbAvailability: bus.channel(n.lbAvailability),
    artifactRunner: bus.channel(n.artifactRunner),
    coordination: bus.channel(n.coordination),
    artifactFlow: bus.channel(n.artifactFlow),
    artifactActive: bus.channel(n.artifactActive),
    artifactRedelivery: bus.channel(n.artifactRedelivery),
    processorState: bus.channel(n.processorState),
    artifactOperator: bus.channel(n.artifactOperator),
  };
}

/** What the traffic model needs to hear from the Kubernetes model. */
export interface TrafficHooks {
  podCreated(pod: Pod): void;
  /** The pod's phase, hang, node or readiness changed. */
  podChanged(pod: Pod, readyChanged: boolean): void;
  podGone(pod: Pod): void;
  /** For observers: upstreams that would serve a request of workload index w now (0: unavailable). */
  servingCandidates(w: number): number;
  /** Brings the traffic accounting up to now (the fluid mode integrates lazily). */
  flush(): void;
  /** True while the pod still holds requests (a terminating pod waits for them). */
  holds(pod: Pod): boolean;
  /** CPU-seconds the pods of workload index w have used since the start, up to now (the autoscaler reads it). */
  cpuSeconds(w: number): number;
  /** The ingress controller's workload while the front sees none of its pods Ready (no request gets in), else null. */
  ingressDown(): Workload | null;
}

/** The nodes a scenario's cluster has, by name and zone: each pool's `<pool>-1`, `-2`, ..., zones in turn. */
export function scenarioNodes(scenario: Scenario): Array<{ name: string; zone: string | null; pool: Scenario['cluster']['nodePools'][number] }> {
  return scenario.cluster.nodePools.flatMap((pool) =>
    Array.from({ length: pool.count }, (_, i) => ({ name: `${pool.name}-${i + 1}`, zone: pool.zones.length > 0 ? pool.zones[i % pool.zones.length]! : null, pool })),
  );
}

/** Builds the cluster of a scenario at time 0: nodes up, Deployments with no pods yet. */
export function createCluster(sim: Simulation, streams: RandomStreams, scenario: Scenario, bus = new EventBus<ModelEvents>()): Cluster {
  const k = scenario.kubernetes;
  const nodes: Node[] = [];
  for (const { name, zone, pool } of scenarioNodes(scenario)) {
    nodes.push({
      index: nodes.length,
      name,
      pool,
      zone,
      cpuMillicores: pool.cpu,
      memoryMiB: pool.memory,
      allocatedCpu: 0,
      allocatedMemory: 0,
      up: true,
      condition: 'Ready',
      cordoned: false,
      apiCut: false,
      apiCutUntilS: -Infinity,
      clockOffsetS: 0,
      clockUntilS: -Infinity,
      pods: [],
      images: new Set(pool.imagePrePulled ? scenario.workloads.map((w) => w.image) : []),
      pulls: new Map(),
      leasePhaseS: streams.stream(`node/${name}/lease`)() * k.nodeLeaseRenewInterval,
      upSinceS: 0,
      crashTimer: NO_EVENT,
      repairTimer: NO_EVENT,
      detectTimer: NO_EVENT,
      evictTimer: NO_EVENT,
      unknownSinceS: NaN,
      crashRng: streams.stream(`node/${name}/crash`),
      repairRng: streams.stream(`node/${name}/repair`),
      pullRng: streams.stream(`node/${name}/pull`),
      ref: undefined as unknown as Node['ref'],
    });
  }
  const workloads: Workload[] = scenario.workloads.map((config, index) => ({
    index,
    name: config.name,
    config,
    desired: config.replicas,
    revision: 0,
    image: config.image,
    rolloutTimer: NO_EVENT,
    rolloutAtS: 0,
    pods: [],
    nextOrdinal: 1,
    servingCount: 0,
    lastLoss: null,
    runningCount: 0,
    dist: {
      imagePull: makeDistribution(config.startup.imagePull),
      serverStart: makeDistribution(config.startup.serverStart),
      artifactDeploy: makeDistribution(config.startup.artifactDeploy),
      shutdown: makeDistribution(config.startup.shutdown),
      crash: config.failures.crash ? makeDistribution(config.failures.crash.timeToFailure) : null,
      hang: config.failures.hang ? makeDistribution(config.failures.hang.timeToFailure) : null,
      jvmPause: config.failures.jvmPause ? makeDistribution(config.failures.jvmPause.timeToFailure) : null,
      jvmPauseDuration: config.failures.jvmPause ? makeDistribution(config.failures.jvmPause.duration) : null,
    },
  }));
  const cluster: Cluster = {
    sim,
    streams,
    bus,
    out: channelsOf(bus),
    scenario,
    kube: k,
    nodes,
    nodeByName: new Map(nodes.map((n) => [n.name, n])),
    workloads,
    workloadByName: new Map(workloads.map((w) => [w.name, w])),
    usage: { upNodes: nodes.length, activePods: 0, activeCpuMillicores: 0 },
    dist: {
      exitDetection: makeDistribution(k.kubelet.exitDetection),
      containerCreate: makeDistribution(k.kubelet.containerCreate),
      schedulingLatency: makeDistribution(k.schedulingLatency),
    },
    scheduler: { rng: streams.stream('scheduler/placement'), unschedulable: new Set() },
    controlPlane: { monitorPhaseS: streams.stream('control-plane/monitor')() * k.nodeMonitorPeriod, zones: new Map(), allDisrupted: false },
    drains: [],
    traffic: null,
    artifacts: null,
    nextPodId: 0,
  };
  for (const node of nodes) (node as { ref: Node['ref'] }).ref = { c: cluster, node };
  return cluster;
}

/** Changes a pod's phase, keeps the counts in step, and announces it. */
export function setPhase(c: Cluster, pod: Pod, phase: PodPhase): void {
  const from = pod.phase;
  if (from === phase) return;
  pod.phase = phase;
  // The container stopped (or is not started yet): its probes start over. (A pod without probes is
  // Ready from container start, through Starting and Deploying.)
  if (phase !== 'Starting' && phase !== 'Deploying' && phase !== 'Running') pod.probeReady = false;
  refreshPodCounts(c, pod);
  c.traffic?.podChanged(pod, false);
  c.artifacts?.podChanged(pod);
  if (c.out.podPhase.active) c.out.podPhase.emit({ pod, from });
}

/** Changes a pod's Ready condition and announces it. */
export function setApiReady(c: Cluster, pod: Pod, ready: boolean): void {
  if (ready) pod.probeReady = true;
  if (pod.apiReady === ready) return;
  // A kubelet cut off from the control plane cannot report its pods Ready (it can still lose them).
  if (ready && pod.node?.apiCut) return;
  pod.apiReady = ready;
  if (ready) pod.readySinceS = c.sim.nowS;
  refreshPodCounts(c, pod);
  c.traffic?.podChanged(pod, true);
  if (c.out.podReady.active) c.out.podReady.emit(pod);
  if (ready && c.drains.length > 0) retryBlockedDrains(c, pod);
  if (ready && rolloutInProgress(pod.workload)) rolloutAfterReady(c, pod.workload);
}

/**
 * The kubelet reports the pod not Ready (its container exited, a probe failed). A kubelet cut off
 * from the control plane cannot: the API keeps the pod Ready, and the endpoints keep it, until the
 * node is marked Unknown or the partition heals.
 */
export function reportNotReady(c: Cluster, pod: Pod): void {
  pod.probeReady = false;
  if (pod.node?.apiCut) return;
  setApiReady(c, pod, false);
}

/** Sets or clears a hang and announces it. */
export function setHung(c: Cluster, pod: Pod, hung: boolean): void {
  if (pod.hung === hung) return;
  pod.hung = hung;
  refreshPodCounts(c, pod);
  c.traffic?.podChanged(pod, false);
  c.artifacts?.podChanged(pod);
  if (c.out.podHung.active) c.out.podHung.emit(pod);
}

/**
 * Recomputes whether the pod counts as serving (Ready, running, answering) and as running
 * (server up, answering) and whether it uses the cluster's resources, updating the totals.
 */
export function refreshPodCounts(c: Cluster, pod: Pod): void {
  const w = pod.workload;
  const running = pod.phase === 'Running' && !pod.hung;
  const serving = running && pod.apiReady;
  const active = pod.node !== null && pod.node.up && pod.phase !== 'Gone' && pod.phase !== 'Pending';
  let countsChanged = false;
  // What counts for the workload being up: serving with traffic, running without.
  const up = w.config.servesTraffic ? serving : running;
  const wasUp = w.config.servesTraffic ? pod.countedServing : pod.countedRunning;
  if (up && !wasUp) pod.disruption = null;
  else if (!up && wasUp) {
    const now = c.sim.nowS;
    const last = w.lastLoss;
    const together = last !== null && last.t === now && last.node === pod.node && pod.node !== null ? last.together + 1 : 1;
    w.lastLoss = { cause: pod.disruption, node: pod.node, t: now, together };
  }
  if (serving !== pod.countedServing) {
    pod.countedServing = serving;
    w.servingCount += serving ? 1 : -1;
    countsChanged = true;
  }
  if (running !== pod.countedRunning) {
    pod.countedRunning = running;
    w.runningCount += running ? 1 : -1;
    countsChanged = true;
  }
  if (countsChanged && c.out.workloadCounts.active) c.out.workloadCounts.emit(w);
  if (active !== pod.countedActive) {
    pod.countedActive = active;
    c.usage.activePods += active ? 1 : -1;
    c.usage.activeCpuMillicores += (active ? 1 : -1) * w.config.resources.requests.cpu;
    c.out.clusterUsage.emit(c.usage);
  }
  if (w.servingCount < 0 || w.runningCount < 0 || c.usage.activePods < 0) {
    throw new InvariantError(`negative pod count in workload ${w.name}`, c.sim);
  }
}
