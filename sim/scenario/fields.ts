import {
  array,
  bool,
  num,
  COUNT_OR_PERCENT,
  CPU,
  dist,
  duration,
  enumType,
  int,
  leaf,
  MEMORY,
  NAME,
  NAME_LIST,
  object,
  oneOf,
  perSecond,
  positiveDuration,
  STRING,
  text,
  type ObjectSpec,
  type UnionSpec,
  S,
  MIN,
  H,
  D,
  constant,
  lognormal,
  MAX_DURATION_S,
  MAX_DURATION_TEXT,
  MIN_PERIOD_S,
  MIN_PERIOD_TEXT,
} from './spec.js';
import { loadBalancer, serving, traffic, workloadTraffic } from './fields-traffic.js';
import { ARTIFACT_NAME, artifact, coordination, jvmPause, workloadCoordination, workloadRegistry } from './fields-coordination.js';
import { checkSweepValues, FIELD_PATH, SWEEP_VALUES, sweepAxesProblem, type SweepAxis } from './sweep.js';

/**
 * Every scenario field, its default and where the default comes from. This is the one place
 * defaults are set. Comments cite the mechanism's section of docs/model.md (`docs/model.md §3.3`)
 * and the row of docs/sources.md that gives the default's public source (`sources.md B "<row>"`:
 * A = Micro Integrator, B = Kubernetes and load balancers, C = reliability numbers, D = serving and
 * the autoscaler). docs/scenario-reference.md is generated from it.
 */

const partitionSide = oneOf(
  ['both', 'control-plane', 'database'],
  'both',
  'what the node can no longer reach: the control plane (the kubelet loses its lease; the pods run on), the coordination database (its servers fence themselves, 4.4), or both',
);

const probe = (
  doc: string,
  def: { initialDelay: number; period: number; failureThreshold: number; successThreshold?: number } | null,
): ObjectSpec =>
  object(
    {
      initialDelay: duration(def?.initialDelay ?? 0, 'initialDelaySeconds: counted from container start (kubelet prober code), not from startup-probe success'),
      period: positiveDuration(def?.period ?? 10, 'periodSeconds'),
      failureThreshold: int(def?.failureThreshold ?? 3, 'failureThreshold: consecutive failures before acting', 1),
      successThreshold: int(def?.successThreshold ?? 1, 'successThreshold: consecutive successes to pass (must be 1 for startup and liveness)', 1),
    },
    doc,
    { nullable: true, default: def === null ? null : 'fields' },
  );

const probeKubernetesDefaults = { initialDelay: 0, period: 10, failureThreshold: 3 }; // docs/model.md §5.3; sources.md B "Probe defaults"

const kubernetes = object(
  {
    // docs/model.md §3.3; sources.md B "--node-monitor-grace-period" (40 s up to v1.31, 50 s from
    // v1.32; every release still supported in 2026 is 1.32 or later).
    nodeMonitorGracePeriod: positiveDuration(50 * S, 'time without a kubelet lease renewal before the node is marked Unknown (40s for Kubernetes 1.31 and older)'),
    // docs/model.md §3.3; sources.md B "--node-monitor-period".
    nodeMonitorPeriod: positiveDuration(5 * S, 'how often the node lifecycle controller checks node leases'),
    // docs/model.md §3.3; sources.md B "kubelet heartbeats" (lease renewed every 10 s).
    nodeLeaseRenewInterval: positiveDuration(10 * S, 'how often each kubelet renews its node lease'),
    // docs/model.md §3.3; sources.md B "Default tolerations" (not-ready / unreachable, tolerationSeconds = 300).
    tolerationSeconds: duration(300 * S, 'how long pods tolerate the unreachable / not-ready NoExecute taint before eviction'),
    // docs/model.md §3.4; sources.md B "Eviction rate limits" (--node-eviction-rate 0.1 node/s).
    nodeEvictionRate: perSecond(0.1, 'nodes per second the taint manager starts evicting (healthy zone)'),
    // kube-controller-manager --secondary-node-eviction-rate, --unhealthy-zone-threshold and
    // --large-cluster-size-threshold (defaults 0.01, 0.55, 50): the node lifecycle controller's
    // disruption modes (docs/model.md §3.4).
    secondaryNodeEvictionRate: perSecond(0.01, 'nodes per second evicted in a zone whose NotReady share reaches unhealthyZoneThreshold, in a zone of more than largeClusterSizeThreshold nodes (smaller zones stop evicting)'),
    unhealthyZoneThreshold: num(0.55, 'share of a zone\'s nodes NotReady (and more than 2) from which the zone counts as partially disrupted', 0, 1),
    largeClusterSizeThreshold: int(50, 'zones of at most this many nodes stop evicting when partially disrupted', 0, 100000),
    // docs/model.md §4.1. Assumption, bounded by sources.md B "Pod startup SLO" (p99 <= 5 s from creation to running, excluding image pull).
    schedulingLatency: dist(constant(0.5 * S), 'time from pod creation (or a retry) to a binding decision'),
    // docs/model.md §4.1; sources.md B "Scheduler retry" (podInitialBackoffSeconds 1, podMaxBackoffSeconds 10).
    podInitialBackoff: positiveDuration(1 * S, 'first retry delay of an unschedulable pod; doubles per attempt'),
    podMaxBackoff: positiveDuration(10 * S, 'cap of the scheduling retry delay'),
    kubelet: object(
      {
        // docs/model.md §5.4; sources.md B "kubelet PLEG relist" (a container exit is seen within about a second).
        exitDetection: dist({ dist: 'uniform', min: 0, max: 1 * S }, 'time for the kubelet to notice a container exit (PLEG relist)'),
        // docs/model.md §5.2; sources.md "How takeover timing composes": T_create ~ 1 s with the image cached.
        containerCreate: dist(constant(1 * S), 'time to create and start a container once the image is present'),
        // docs/model.md §5.4; sources.md B "Container restart backoff" (first restart immediate, then 10 s doubling to 300 s, reset after 10 min).
        crashLoopBackOff: object(
          {
            initial: duration(10 * S, 'delay before the second restart; doubles for each later one (the first restart is immediate)'),
            max: duration(300 * S, 'cap of the restart delay'),
            resetAfter: duration(10 * MIN, 'clean running time after which the backoff starts over'),
          },
          'CrashLoopBackOff timing (docs/model.md §5.4)',
        ),
      },
      'kubelet timings (docs/model.md §5.2, §5.4)',
    ),
    // docs/model.md §6.4; sources.md D "HPA algorithm" (sync 15 s, tolerance 0.1, scale-down stabilisation 5 min).
    horizontalPodAutoscaler: object(
      {
        syncPeriod: positiveDuration(15 * S, 'how often the autoscaler reads CPU use and sets the replica count'),
        tolerance: num(0.1, 'no change while utilisation / target is within this of 1', 0, 10),
        downscaleStabilization: duration(5 * MIN, 'scale down only to the highest recommendation of this window'),
      },
      'HorizontalPodAutoscaler controller timings (for workloads with autoscaling; docs/model.md §6.4)',
    ),
  },
  'control-plane and kubelet timings (docs/model.md §3.3, §4.1, §5)',
);

const nodePool = object(
  {
    name: leaf(NAME, 'worker', 'pool name; nodes are called <name>-1, <name>-2, ...'),
    count: int(3, 'number of nodes', 0, 1000),
    cpu: leaf(CPU, 4000, 'allocatable CPU per node', { check: (v: number) => (v > 0 ? undefined : 'a CPU quantity > 0') }),
    memory: leaf(MEMORY, 16 * 1024, 'allocatable memory per node', { check: (v: number) => (v > 0 ? undefined : 'a memory quantity > 0') }),
    zones: leaf(NAME_LIST, ['zone-a', 'zone-b', 'zone-c'], 'zones, assigned to the nodes round robin (topology.kubernetes.io/zone)'),
    imagePrePulled: bool(false, 'nodes start with every workload image already pulled'),
    failures: object(
      {
        crash: object(
          {
            // docs/model.md §3.2; sources.md C "Implied per-machine crash rate" (~0.55 failures per machine-year, MTBF ~ 16 000 h).
            timeToFailure: dist({ dist: 'exponential', mean: 16000 * H }, 'running time from (re)start to the next crash', { positive: true }),
          },
          'stochastic node crashes; none switches them off',
          { nullable: true },
        ),
        // docs/model.md §3.2; sources.md C "HPC systems" (repair time lognormal, mean from under 1 h to over a day).
        repairTime: dist(lognormal(1 * H, 8 * H), 'time from a crash until the node is back: a reboot of the same machine (its images are still there)'),
        // docs/model.md §7.3; sources.md C "Google new-cluster first year" (router failures and network
        // maintenances cut machines off for minutes to an hour; no per-node rate): off unless given.
        partition: object(
          {
            timeBetween: dist({ dist: 'exponential', mean: 365 * D }, 'time from the end of one partition of the node to the start of the next', { positive: true }),
            duration: dist(lognormal(5 * MIN, 1 * H), 'how long the node stays cut off'),
            from: partitionSide,
          },
          'stochastic network partitions of each node; off unless given',
          { nullable: true, default: null },
        ),
        // docs/model.md §7.5. Assumption: NTP keeps clocks within milliseconds; a broken sync drifts a node off.
        clockSkew: object(
          {
            timeBetween: dist({ dist: 'exponential', mean: 365 * D }, 'time from the end of one clock excursion of the node to the start of the next', { positive: true }),
            offset: dist({ dist: 'uniform', min: -30 * S, max: 30 * S }, 'how far the node clock is off (positive: ahead, negative: behind)', { signed: true }),
            duration: dist(lognormal(1 * H, 24 * H), 'how long until the clock is corrected'),
          },
          'stochastic clock excursions of each node (MI judges heartbeats by the writers’ clocks); off unless given',
          { nullable: true, default: null },
        ),
      },
      'failure processes of every node in the pool (docs/model.md §3.2, §7.1)',
    ),
  },
  'a group of identical nodes',
);

const topologyKey = enumType(['hostname', 'zone']);

const workload = object(
  {
    name: leaf(NAME, undefined, 'Deployment name; pods are called <name>-1, <name>-2, ... in creation order'),
    // docs/model.md §6.1; sources.md A8 "Helm Deployment" (replicas 1).
    replicas: int(1, 'desired pods', 0, 1000),
    image: text('wso2/wso2mi:4.4.0', 'container image; pulls are cached per node and image'),
    servesTraffic: bool(true, 'counts towards service availability (false for pods that only run stateful artifacts)'),
    // docs/model.md §8.2: the ingress controller's own pods (ingress-nginx runs as a Deployment).
    role: oneOf(
      ['mi', 'ingress-controller'],
      'mi',
      'mi: Micro Integrator pods; ingress-controller: the ingress controller\'s pods (no traffic of their own, no artifacts): while none of them is Ready, no request gets in (loadBalancer.type ingress)',
    ),
    resources: object(
      {
        requests: object(
          {
            // docs/model.md §4.2, §8.4; sources.md A8 "Helm Deployment" (requests 500m / 512Mi).
            cpu: leaf(CPU, 500, 'CPU request: the scheduler packs by it, a contended node shares its CPU in proportion to it, and the autoscaler measures utilisation against it', {
              check: (v: number) => (v > 0 ? undefined : 'a CPU quantity > 0'),
            }),
            memory: leaf(MEMORY, 512, 'memory request: the scheduler packs by it'),
          },
          'resource requests',
        ),
        limits: object(
          {
            // docs/model.md §8.4; sources.md A8 "Helm Deployment" (limits 1000m / 1Gi) and D "CPU limit".
            cpu: leaf(CPU, 1000, 'CPU limit (the CFS quota, taken as a steady cap): the most CPU the pod uses; none: up to its node’s idle CPU', {
              nullable: true,
              check: (v: number) => (v > 0 ? undefined : 'a CPU quantity > 0'),
            }),
          },
          'resource limits (a memory limit is outside the model: memory use is not simulated)',
        ),
      },
      'resources of each pod, as in a Kubernetes container spec (docs/model.md §4.2, §8.4)',
      { moved: { cpu: 'resources.requests.cpu', memory: 'resources.requests.memory' } },
    ),
    startup: object(
      {
        // docs/model.md §5.2; sources.md C "Container/task start" (Borg median start ~25 s, ~80% of it package installation) and "Image pull share".
        imagePull: dist(lognormal(20 * S, 60 * S), 'image pull time on a node that does not have the image'),
        // docs/model.md §5.2; sources.md A8 "Server startup (small projects)" (4 s, 6 s, 7.49 s, 9 s).
        serverStart: dist(lognormal(5 * S, 9 * S), 'MI server start, from container start to transports up'),
        artifacts: int(1, 'number of artifacts (CApps) deployed at start; each takes one artifactDeploy draw', 0, 100000),
        // docs/model.md §5.2; sources.md "How takeover timing composes": MI start plus CApp deploy, 5-10 s for small projects.
        artifactDeploy: dist(lognormal(1.5 * S, 4 * S), 'deployment time of one artifact'),
        // docs/model.md §5.6. Assumption: MI stops in seconds when idle; sources.md A8 "Graceful shutdown" bounds it by the socket timeout.
        shutdown: dist(lognormal(3 * S, 10 * S), 'time MI takes to exit after SIGTERM (cut at terminationGracePeriod)'),
      },
      'start-up and shut-down times (docs/model.md §5.2, §5.6)',
    ),
    probes: object(
      {
        // docs/model.md §5.3; sources.md A8 "Helm startupProbe" (delay 5 s, period 3 s, threshold 40).
        startup: probe('startupProbe (tcp port open once the server has started); none disables it', { initialDelay: 5, period: 3, failureThreshold: 40 }),
        // docs/model.md §5.3; sources.md A8 "Helm readinessProbe" (/healthz, delay 60 s, period 1 s); threshold from B "Probe defaults".
        readiness: probe('readinessProbe (/healthz); none makes the pod Ready as soon as it has started', { initialDelay: 60, period: 1, failureThreshold: 3 }),
        // docs/model.md §5.3; sources.md A8 "Helm livenessProbe" (period 10 s, K8s defaults otherwise).
        liveness: probe('livenessProbe (/liveness); catches hangs; none disables it', probeKubernetesDefaults),
      },
      'kubelet probes (docs/model.md §5.3)',
    ),
    // docs/model.md §5.6; sources.md B "terminationGracePeriodSeconds" (30 s); A8 "Helm Deployment": Helm sets none.
    terminationGracePeriod: duration(30 * S, 'time between SIGTERM and SIGKILL'),
    scheduling: object(
      {
        podAntiAffinity: object(
          {
            required: leaf(topologyKey, null, 'never two pods of this workload in one hostname / zone domain', { nullable: true }),
            // docs/model.md §4.2; sources.md A8 "Helm Deployment" (preferred pod anti-affinity on topology.kubernetes.io/zone).
            preferred: leaf(topologyKey, 'zone', 'prefer to keep pods of this workload in different domains', { nullable: true }),
            weight: int(100, 'weight of the preferred anti-affinity', 1, 100),
          },
          'pod anti-affinity against pods of the same workload',
        ),
        topologySpread: array(
          object(
            {
              topologyKey: leaf(topologyKey, undefined, 'domain to spread over'),
              maxSkew: int(1, 'largest allowed difference in pod count between domains', 1),
              whenUnsatisfiable: oneOf(['DoNotSchedule', 'ScheduleAnyway'], 'DoNotSchedule', 'hard (DoNotSchedule) or soft (ScheduleAnyway)'),
            },
            'one topology spread constraint',
          ),
          [],
          'topology spread constraints; with none, the built-in soft defaults apply (maxSkew 3 per hostname, 5 per zone; docs/model.md §4.2)',
        ),
      },
      'placement rules (docs/model.md §4.2)',
    ),
    // docs/model.md §6.4; sources.md D "Helm HPA" (disabled; minReplicas 1, maxReplicas 2, CPU 75%).
    autoscaling: object(
      {
        minReplicas: int(1, 'fewest replicas the autoscaler keeps', 1, 1000),
        maxReplicas: int(2, 'most replicas the autoscaler makes', 1, 1000),
        targetCPUUtilization: int(75, 'target mean CPU use of the Ready pods, in % of their CPU request', 1, 10000),
      },
      'HorizontalPodAutoscaler on CPU (the Helm chart’s wso2.deployment.hpa; docs/model.md §6.4); replicas is then the count it starts from; none: a fixed replica count',
      { nullable: true, default: null },
    ),
    // docs/model.md §6.3; sources.md A8 "Helm Deployment" (PDB disabled; minAvailable 1 when enabled).
    podDisruptionBudget: object(
      { minAvailable: int(1, 'pods that must stay Ready during voluntary disruptions (drains)', 0) },
      'PodDisruptionBudget; limits drains only, never crashes (docs/model.md §6.3)',
      { nullable: true, default: null },
    ),
    strategy: object(
      {
        // docs/model.md §6.2; sources.md B "Deployment rolling update" (maxSurge 25% rounded up, maxUnavailable 25% rounded down, minReadySeconds 0).
        type: oneOf(['RollingUpdate', 'Recreate'], 'RollingUpdate', 'how a new pod template replaces the old pods'),
        maxSurge: leaf(COUNT_OR_PERCENT, '25%', 'RollingUpdate: pods above replicas during the update (a percentage rounds up; the Helm chart uses 1)'),
        maxUnavailable: leaf(COUNT_OR_PERCENT, '25%', 'RollingUpdate: pods below replicas during the update (a percentage rounds down; the Helm chart uses 0)'),
        minReadySeconds: duration(0, 'time a new pod must stay Ready before it counts as available'),
      },
      'Deployment update strategy (used by the rolling-update fault; docs/model.md §6.2)',
    ),
    serving,
    traffic: workloadTraffic,
    coordination: workloadCoordination,
    registry: workloadRegistry,
    artifacts: array(artifact, [], 'stateful artifacts (scheduled tasks, message processors, inbound endpoints) deployed on every pod of the workload (docs/model.md §10)'),
    failures: object(
      {
        // docs/model.md §7.1; sources.md C "Pod/container crash rate" (no published number; suggested exponential, MTBF 7-30 days).
        crash: object(
          { timeToFailure: dist({ dist: 'exponential', mean: 14 * D }, 'running time from server start to the next container crash', { positive: true }) },
          'stochastic container crashes (process exits; restarted in place); none switches them off',
          { nullable: true },
        ),
        hang: object(
          { timeToFailure: dist({ dist: 'exponential', mean: 90 * D }, 'running time from server start to a hang', { positive: true }) },
          'stochastic hangs (process alive, not answering; caught by liveness); off unless given',
          { nullable: true, default: null },
        ),
        jvmPause,
      },
      'failure processes of each pod (docs/model.md §7.1)',
    ),
  },
  'a Deployment of MI pods',
);

const at = duration(undefined, 'when the fault happens, from the start of the run');
const zoneOutageMode = oneOf(['crash', 'partition'], 'crash', "crash: every node of the zone dies (repaired when the outage ends); partition: the zone's nodes are cut off from the control plane and the coordination database, and run on");
const nodeTarget = {
  node: leaf(STRING, undefined, 'node name, e.g. worker-1', { optional: true }),
  nodeOf: leaf(NAME, undefined, "instead of node: the node running this workload's pod", { optional: true }),
  podIndex: int(0, 'with nodeOf: which of the workload’s live pods, oldest first', 0),
  runnerOf: leaf(ARTIFACT_NAME, undefined, 'instead of node: the node of the server running this artifact (the longest-running one)', { optional: true }),
};
const workloadName = leaf(NAME, undefined, 'workload name');
const podTarget = {
  workload: leaf(NAME, undefined, 'workload name', { optional: true }),
  podIndex: int(0, "with workload: which of the workload's live pods, oldest first", 0),
  runnerOf: leaf(ARTIFACT_NAME, undefined, 'instead of workload: the pod running this artifact (the longest-running one)', { optional: true }),
};

const fault: UnionSpec = {
  kind: 'union',
  tag: 'type',
  doc: 'a scripted fault',
  variants: {
    'node-crash': object(
      {
        at,
        ...nodeTarget,
        repairAfter: duration(undefined, "time until the node is back; left out: drawn from the pool's repairTime; none: never", 0, {
          optional: true,
          nullable: true,
        }),
      },
      'the node dies abruptly (its pods stop at once; the control plane notices after the grace period)',
    ),
    'node-partition': object(
      {
        at,
        ...nodeTarget,
        duration: duration(undefined, 'time until the network heals; none: never', 0, { nullable: true }),
        from: partitionSide,
      },
      'the node is cut off from the network: from the control plane (lease lost, pods evicted and replaced, but they run on), from the coordination database, or both',
    ),
    'zone-outage': object(
      {
        at,
        zone: leaf(NAME, undefined, 'zone name, one of the node pools’ zones'),
        duration: duration(undefined, 'time until the zone is back; none: never', 0, { nullable: true }),
        mode: zoneOutageMode,
      },
      'every node of a zone fails at once (a zone outage)',
    ),
    'clock-skew': object(
      {
        at,
        ...nodeTarget,
        offset: duration(undefined, 'how far the node clock is off, e.g. 20s (ahead) or -20s (behind)', -Infinity),
        duration: duration(null, 'time until the clock is corrected; none: never', 0, { nullable: true }),
      },
      "the node's clock is off: MI writes heartbeats with it and judges the others' by it",
    ),
    'node-drain': object(
      {
        at,
        ...nodeTarget,
        uncordonAfter: duration(null, 'time until the node is uncordoned (a drain still blocked by a budget then stops); none: never', 0, { nullable: true }),
      },
      'kubectl drain: cordon, then evict every pod through the eviction API (honours PodDisruptionBudgets)',
    ),
    'pod-crash': object({ at, ...podTarget }, 'the container process exits; the kubelet restarts it with CrashLoopBackOff'),
    'pod-hang': object({ at, ...podTarget }, 'the process stops answering; liveness failures restart it'),
    'jvm-pause': object(
      { at, ...podTarget, duration: positiveDuration(undefined, 'length of the pause') },
      'the JVM freezes (full GC, heap dump): no heartbeats, requests or task fires, then it resumes where it was (liveness may kill it first)',
    ),
    'backend-failure': object(
      { at, artifact: leaf(ARTIFACT_NAME, undefined, 'the message processor whose endpoint fails'), duration: positiveDuration(undefined, 'length of the outage') },
      'the endpoint a message processor forwards to fails every delivery for a while',
    ),
    'operator-state': object(
      {
        at,
        artifact: leaf(ARTIFACT_NAME, undefined, 'the message processor or inbound endpoint'),
        state: oneOf(['inactive', 'active'], undefined, 'the state the operator sets'),
      },
      'an operator deactivates or activates a message processor or inbound endpoint (Management API or ICP): the servers running it apply it at once; whether a server that starts running it later does depends on workloads[].registry (docs/model.md §10.5)',
    ),
    'coordination-db-outage': object(
      { at, duration: positiveDuration(undefined, 'length of the outage') },
      'every coordination-database query fails for a while',
    ),
    'coordination-db-slowness': object(
      { at, duration: positiveDuration(undefined, 'length of the slow period'), queryTime: dist(undefined, 'query time while slow (e.g. {dist: constant, value: 2s})') },
      'coordination-database queries are slow for a while (over T_op = 0.075 W they count as failed)',
    ),
    scale: object({ at, workload: workloadName, replicas: int(undefined, 'new desired pods', 0, 1000) }, 'set the Deployment replicas'),
    'rolling-update': object(
      {
        at,
        workload: workloadName,
        image: text(undefined, 'the new image (default: the image with a -r<revision> suffix: not on any node yet)', { optional: true }),
      },
      'a new pod template (a new image): the Deployment replaces its pods by its strategy',
    ),
  },
};

export const scenarioSpec: ObjectSpec = object(
  {
    name: leaf(STRING, undefined, 'scenario name shown in tables (default: the file name; at most 100 characters)', {
      optional: true,
      check: (v: string) => (v.length <= 100 ? undefined : 'a name of at most 100 characters (it heads a table column)'),
    }),
    description: text('', 'one paragraph for the reader (at most 2,000 characters)', {
      check: (v: string) => (v.length <= 2000 ? undefined : 'one paragraph of at most 2,000 characters'),
    }),
    horizon: duration(365 * D, 'simulated time per replication (at most 1000y; more replications give more years)', 0, {
      check: (v: number) => (v >= MIN_PERIOD_S && v <= MAX_DURATION_S ? undefined : `a duration of at least ${MIN_PERIOD_TEXT} and at most ${MAX_DURATION_TEXT}`),
    }),
    warmup: duration(10 * MIN, 'time at the start of each replication excluded from the metrics (initial roll-out)'),
    seed: int(1, 'root random seed; replication i uses streams seeded from (seed, i)', 0, Number.MAX_SAFE_INTEGER),
    // Rare, heavy-tailed outages (node repairs) need many replications for the t interval to cover.
    replications: int(200, 'independent replications; metrics are reported with 95% confidence intervals across them', 1, 1_000_000),
    limits: object(
      {
        maxEventsPerReplication: int(200_000_000, 'a replication that needs more events stops with an error', 1),
        maxRequestsInFlight: int(5_000_000, 'requests mode: more requests in flight at once stop the run with an error (overload guard)', 1),
      },
      'safety limits (docs/model.md §2.4)',
    ),
    kubernetes,
    cluster: object(
      {
        nodePools: array(nodePool, [{}], 'node pools (docs/model.md §3.1)', { minItems: 1, check: uniqueNames('node pool') }),
        // docs/model.md §7.4. Assumption (no published per-zone rate): a whole availability zone lost to
        // power, cooling or its network, as cloud providers' post-incident reports describe; off unless given.
        zoneOutages: object(
          {
            timeBetween: dist({ dist: 'exponential', mean: 5 * 365 * D }, 'time from the end of one outage of a zone to the start of the next', { positive: true }),
            duration: dist(lognormal(1 * H, 6 * H), 'how long the zone stays out'),
            mode: zoneOutageMode,
          },
          'stochastic outages of each zone: every node of the zone crashes, or is cut off, at once; off unless given (docs/model.md §7.4)',
          { nullable: true, default: null },
        ),
      },
      'the nodes (docs/model.md §3)',
    ),
    workloads: array(workload, undefined, 'Deployments (docs/model.md §6)', { minItems: 1, check: uniqueNames('workload') }),
    traffic,
    loadBalancer,
    coordination,
    faults: array(fault, [], 'scripted faults (docs/model.md §7.2)'),
    cost: object(
      {
        currency: leaf(STRING, 'USD', 'the currency of the prices (a label: nothing is converted)', {
          check: (v: string) => (/^[A-Za-z$€£¥]{1,8}$/.test(v) ? undefined : 'a currency code of up to 8 letters, e.g. USD or EUR'),
        }),
        prices: object(
          {
            // Example: AWS EC2 On-Demand, m5.xlarge (4 vCPU, 16 GiB: the default node), Linux, us-east-1.
            nodeHour: num(0.192, 'price of a node-hour (every pool without a price of its own); example: an AWS m5.xlarge on demand in us-east-1, like the default node', 0, 1e6),
            pools: array(
              object(
                {
                  pool: leaf(NAME, undefined, 'a node pool of the cluster'),
                  nodeHour: num(undefined, "price of one of this pool's node-hours", 0, 1e6),
                },
                'a node pool with a price of its own',
              ),
              [],
              'node-hour prices per pool (the others cost nodeHour)',
            ),
            // Example: AWS RDS for MySQL db.t3.medium, single-AZ, on demand, us-east-1.
            coordinationDatabaseHour: num(0.068, 'price of an hour of the coordination database, counted when some workload uses it; example: an AWS RDS MySQL db.t3.medium', 0, 1e6),
            // Example: AWS Network Load Balancer, hourly charge (without its capacity units).
            loadBalancerHour: num(0.0225, 'price of an hour of the load balancer in front of the traffic-serving workloads, counted when some workload gets traffic; example: an AWS load balancer hour', 0, 1e6),
            perMillionRequests: num(0, 'price of a million requests arriving (a load balancer or gateway charge by use)', 0, 1e9),
          },
          'what the run costs; the defaults are examples (AWS on-demand list prices, us-east-1, 2026), not a quote: put your own',
        ),
      },
      'cost in money beside the hours (docs/model.md §11.7)',
    ),
    sweep: array(
      object(
        {
          field: leaf(FIELD_PATH, undefined, 'the field to vary, as --set names it: workloads[0].replicas, coordination.heartbeatInterval'),
          values: leaf(SWEEP_VALUES, undefined, 'its values: a list ([1, 2, 3, 5] or [5s, 10s, 30s]) or a range of whole numbers as text (1..6)', { check: checkSweepValues }),
        },
        'one axis of the sweep',
      ),
      [],
      '`deploysim sweep` runs the scenario at every combination of these values (the first axis varying slowest; `--vary` adds axes or replaces one of the same field); `run` and `compare` run the scenario as written (docs/model.md §12.6)',
      { check: (axes: SweepAxis[]) => sweepAxesProblem(axes) },
    ),
  },
  'a deploysim scenario',
);

function uniqueNames(what: string): (items: Array<{ name?: string }>) => string | undefined {
  return (items) => {
    const seen = new Set<string>();
    for (const item of items) {
      if (item.name === undefined) continue;
      if (seen.has(item.name)) return `${what} names that are unique (${item.name} appears twice)`;
      seen.add(item.name);
    }
    return undefined;
  };
}
