import type { DistSpec } from '../engine/distributions.js';

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
  limits: { maxEventsPerReplication: number };
  kubernetes: KubernetesConfig;
  cluster: { nodePools: NodePoolConfig[] };
  workloads: WorkloadConfig[];
  faults: FaultConfig[];
}

export interface KubernetesConfig {
  nodeMonitorGracePeriod: number;
  nodeMonitorPeriod: number;
  nodeLeaseRenewInterval: number;
  tolerationSeconds: number;
  nodeEvictionRate: number;
  schedulingLatency: DistSpec;
  podInitialBackoff: number;
  podMaxBackoff: number;
  kubelet: KubeletConfig;
}

export interface KubeletConfig {
  exitDetection: DistSpec;
  containerCreate: DistSpec;
  crashLoopBackOff: { initial: number; max: number; resetAfter: number };
}

export interface NodePoolConfig {
  name: string;
  count: number;
  cpu: number;
  memory: number;
  zones: string[];
  imagePrePulled: boolean;
  failures: { crash: { timeToFailure: DistSpec } | null; repairTime: DistSpec };
}

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
  resources: { cpu: number; memory: number };
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
  failures: { crash: { timeToFailure: DistSpec } | null; hang: { timeToFailure: DistSpec } | null };
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
}

export type FaultConfig =
  | ({ type: 'node-crash'; at: number; repairAfter: number | null | undefined } & NodeTarget)
  | ({ type: 'node-drain'; at: number; uncordonAfter: number | null } & NodeTarget)
  | { type: 'pod-crash'; at: number; workload: string; podIndex: number }
  | { type: 'pod-hang'; at: number; workload: string; podIndex: number }
  | { type: 'scale'; at: number; workload: string; replicas: number };

export type FaultType = FaultConfig['type'];
