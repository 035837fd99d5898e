import type { DistSpec } from '../engine/distributions.js';
import type { SweepAxis } from './sweep.js';

/**
 * A resolved scenario: every default filled in, every unit converted. Durations are seconds,
 * CPU is millicores, memory is MiB. The field names are those of the scenario file; `fields.ts`
 * documents each one with its default and source.
 */
export interface Scenario {
  name: string;
  description: string;
  horizon: number;
  warmup: number;
  seed: number;
  replications: number;
  limits: { maxEventsPerReplication: number; maxRequestsInFlight: number };
  kubernetes: KubernetesConfig;
  cluster: { nodePools: NodePoolConfig[]; zoneOutages: { timeBetween: DistSpec; duration: DistSpec; mode: ZoneOutageMode } | null };
  workloads: WorkloadConfig[];
  traffic: TrafficConfig;
  loadBalancer: LoadBalancerConfig;
  coordination: CoordinationConfig;
  faults: FaultConfig[];
  cost: CostConfig;
  /** Axes `deploysim sweep` varies (empty: none). */
  sweep: SweepAxis[];
}

/** MI coordination (docs/model.md §9): the database and the protocol's timings. */
export interface CoordinationConfig {
  miVersion: '4.3' | '4.4' | '4.5' | '4.6';
  heartbeatInterval: number;
  heartbeatMaxRetry: number;
  memberEventPollPeriod: number;
  resolvingPeriod: number;
  resolvingFrequency: number;
  resolver: { type: 'active-passive' | 'round-robin' | 'task-node'; taskServerCount: number; taskNodes: string[] };
  database: {
    queryTime: DistSpec;
    failures: {
      outage: { timeBetween: DistSpec; duration: DistSpec } | null;
      slowness: { timeBetween: DistSpec; duration: DistSpec; queryTime: DistSpec } | null;
    };
  };
}

interface ArtifactCommon {
  name: string;
  coordination: boolean;
  pinnedServers: string[];
}

/** A scheduled task: `interval` set, or fixed times `at` (offsets in each `every` cycle). */
export interface ScheduledTaskConfig extends ArtifactCommon {
  kind: 'scheduled-task';
  interval?: number;
  at?: number[];
  every: number;
}

/** A message processor on a durable store (docs/model.md §10.3). */
export interface MessageProcessorConfig extends ArtifactCommon {
  kind: 'message-processor';
  type: 'forwarding' | 'sampling';
  feedRate: number;
  interval: number;
  forwardTime: DistSpec;
  retryInterval: number;
  maxDeliveryAttempts: number;
  dropAfterMaxAttempts: boolean;
  backendFailures: { timeBetween: DistSpec; duration: DistSpec } | null;
  reactivateAfter: DistSpec | null;
  /** An operator deactivates it now and then, and re-activates it after a while (docs/model.md §10.5). */
  maintenance: MaintenanceConfig | null;
}

/** Stochastic operator maintenance of a message processor or inbound endpoint (docs/model.md §10.5). */
export interface MaintenanceConfig {
  timeBetween: DistSpec;
  duration: DistSpec;
}

/** An inbound endpoint (docs/model.md §10.4). */
export interface InboundEndpointConfig extends ArtifactCommon {
  kind: 'inbound-endpoint';
  protocol: 'file' | 'jms' | 'kafka' | 'mqtt' | 'rabbitmq';
  destination: 'queue' | 'topic';
  messageRate: number;
  interval: number;
  processingTime: DistSpec;
  /** Left out: the protocol's default (kafka 45 s, rabbitmq 60 s, others none). */
  brokerDetection?: number | null;
  maintenance: MaintenanceConfig | null;
}

export type ArtifactConfig = ScheduledTaskConfig | MessageProcessorConfig | InboundEndpointConfig;

/** How requests are simulated: one by one, or as flows integrated between state changes. */
export interface TrafficConfig {
  mode: 'requests' | 'fluid';
  /** Success rate that counts as "serving" in the saturation search. */
  saturationSuccessRate: number;
}

export type LbPolicy = 'round-robin' | 'least-connections' | 'random' | 'power-of-two' | 'ewma';

export interface LoadBalancerConfig {
  type: 'ingress' | 'cloud';
  policy: LbPolicy;
  /** Tries per request (the first plus retries on another upstream after a connection failure). */
  tries: number;
  /** Latency the front adds to every request. */
  overhead: number;
  connectTimeout: number;
  readTimeout: number;
  endpointPropagation: DistSpec;
  ewmaDecay: number;
  healthCheck: { interval: number; timeout: number; healthyThreshold: number; unhealthyThreshold: number };
  deregistrationDelay: number;
}

/** Arrival rate over time, in requests per second. */
export type RateProfile =
  | { profile: 'constant'; rate: number }
  | { profile: 'step'; from: number; to: number; at: number }
  | { profile: 'diurnal'; mean: number; amplitude: number; period: number; peakAt: number }
  | { profile: 'spike'; base: number; peak: number; at: number; duration: number };

export interface WorkloadTrafficConfig {
  rate: RateProfile;
  /** CPU seconds per request on one core. */
  cpuPerRequest: DistSpec;
  /** Seconds waiting on the backend (a worker held, no CPU). */
  backendTime: DistSpec;
  timeout: number;
}

export interface KubernetesConfig {
  nodeMonitorGracePeriod: number;
  nodeMonitorPeriod: number;
  nodeLeaseRenewInterval: number;
  tolerationSeconds: number;
  nodeEvictionRate: number;
  secondaryNodeEvictionRate: number;
  unhealthyZoneThreshold: number;
  largeClusterSizeThreshold: number;
  schedulingLatency: DistSpec;
  podInitialBackoff: number;
  podMaxBackoff: number;
  kubelet: KubeletConfig;
  horizontalPodAutoscaler: { syncPeriod: number; tolerance: number; downscaleStabilization: number };
}

export interface KubeletConfig {
  exitDetection: DistSpec;
  containerCreate: DistSpec;
  crashLoopBackOff: { initial: number; max: number; resetAfter: number };
}

export type ZoneOutageMode = 'crash' | 'partition';

export interface NodePoolConfig {
  name: string;
  count: number;
  cpu: number;
  memory: number;
  zones: string[];
  imagePrePulled: boolean;
  failures: {
    crash: { timeToFailure: DistSpec } | null;
    repairTime: DistSpec;
    partition: { timeBetween: DistSpec; duration: DistSpec; from: PartitionSide } | null;
    clockSkew: { timeBetween: DistSpec; offset: DistSpec; duration: DistSpec } | null;
  };
}

/** What a partitioned node can no longer reach. */
export type PartitionSide = 'both' | 'control-plane' | 'database';

export interface ProbeConfig {
  initialDelay: number;
  period: number;
  failureThreshold: number;
  successThreshold: number;
}

export type TopologyKey = 'hostname' | 'zone';

export interface WorkloadConfig {
  name: string;
  replicas: number;
  image: string;
  servesTraffic: boolean;
  role: 'mi' | 'ingress-controller';
  /** Millicores and MiB, as the fields read them; a null CPU limit: none. */
  resources: { requests: { cpu: number; memory: number }; limits: { cpu: number | null } };
  startup: {
    imagePull: DistSpec;
    serverStart: DistSpec;
    artifacts: number;
    artifactDeploy: DistSpec;
    shutdown: DistSpec;
  };
  probes: { startup: ProbeConfig | null; readiness: ProbeConfig | null; liveness: ProbeConfig | null };
  terminationGracePeriod: number;
  scheduling: {
    podAntiAffinity: { required: TopologyKey | null; preferred: TopologyKey | null; weight: number };
    topologySpread: TopologySpreadConfig[];
  };
  podDisruptionBudget: { minAvailable: number } | null;
  autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilization: number } | null;
  failures: {
    crash: { timeToFailure: DistSpec } | null;
    hang: { timeToFailure: DistSpec } | null;
    jvmPause: { timeToFailure: DistSpec; duration: DistSpec } | null;
  };
  /** Has the WSO2_COORDINATION_DB datasource: its servers join the coordination cluster. */
  coordination: boolean;
  /** Where its servers keep artifact states an operator sets: each container's own, or shared (docs/model.md §10.5). */
  registry: 'local' | 'shared';
  artifacts: ArtifactConfig[];
  serving: { concurrency: number; queue: number | null };
  traffic: WorkloadTrafficConfig | null;
  strategy: {
    type: 'RollingUpdate' | 'Recreate';
    /** An absolute count, or a percentage text such as `25%`. */
    maxSurge: number | string;
    maxUnavailable: number | string;
    minReadySeconds: number;
  };
}

export interface TopologySpreadConfig {
  topologyKey: TopologyKey;
  maxSkew: number;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** A node is named directly, or as "the node running workload W's pod number i". */
export interface NodeTarget {
  node?: string;
  nodeOf?: string;
  podIndex: number;
  /** The node of the server running this artifact. */
  runnerOf?: string;
}

/** A pod is named as "workload W's pod number i", or as the server running an artifact. */
export interface PodTarget {
  workload?: string;
  podIndex: number;
  runnerOf?: string;
}

export type FaultConfig =
  | ({ type: 'node-crash'; at: number; repairAfter: number | null | undefined } & NodeTarget)
  | ({ type: 'node-drain'; at: number; uncordonAfter: number | null } & NodeTarget)
  | ({ type: 'node-partition'; at: number; duration: number | null; from: PartitionSide } & NodeTarget)
  | ({ type: 'clock-skew'; at: number; offset: number; duration: number | null } & NodeTarget)
  | { type: 'zone-outage'; at: number; zone: string; duration: number | null; mode: ZoneOutageMode }
  | ({ type: 'pod-crash'; at: number } & PodTarget)
  | ({ type: 'pod-hang'; at: number } & PodTarget)
  | ({ type: 'jvm-pause'; at: number; duration: number } & PodTarget)
  | { type: 'coordination-db-outage'; at: number; duration: number }
  | { type: 'backend-failure'; at: number; artifact: string; duration: number }
  | { type: 'operator-state'; at: number; artifact: string; state: 'active' | 'inactive' }
  | { type: 'coordination-db-slowness'; at: number; duration: number; queryTime: DistSpec }
  | { type: 'scale'; at: number; workload: string; replicas: number }
  | { type: 'rolling-update'; at: number; workload: string; image?: string };

export type FaultType = FaultConfig['type'];

/** Prices of what a run uses; the defaults are examples. */
export interface CostConfig {
  currency: string;
  prices: {
    nodeHour: number;
    pools: Array<{ pool: string; nodeHour: number }>;
    coordinationDatabaseHour: number;
    loadBalancerHour: number;
    perMillionRequests: number;
  };
}
