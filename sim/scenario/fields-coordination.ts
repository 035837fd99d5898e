import {
  rate,
  bool,
  dist,
  DURATION,
  int,
  leaf,
  listType,
  NAME_LIST,
  object,
  oneOf,
  positiveDuration,
  duration,
  type ObjectSpec,
  type UnionSpec,
  type LeafType,
  S,
  H,
  D,
  constant,
  lognormal,
} from './spec.js';

/**
 * Scenario fields of MI coordination and the stateful artifacts: the coordination database and
 * its timings (top-level `coordination`), and each workload's `artifacts`. Comments cite the
 * mechanism's section of docs/model.md and the row of docs/sources.md that gives the default's
 * public source (`sources.md A2 "<row>"`).
 */

/** MI artifact names (`recurringOrder_Task`): letters, digits, `_` and `-`; they become metric names. */
export const ARTIFACT_NAME: LeafType = {
  name: 'artifact name',
  expected: 'an artifact name of letters, digits, _ and - (at most 100 characters)',
  parse: (v) => (typeof v === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(v) ? v : undefined),
  format: (v) => v,
};

const DURATION_LIST: LeafType = listType(DURATION, 'a list of durations such as [2h, 14h30m]');

export const coordination: ObjectSpec = object(
  {
    // docs/model.md §9.6, §9.7; sources.md A1 "Duplicate-node check at startup (4.4 code)", A4
    // "Reaction (self-fencing)" (4.4+) and "Pre-4.4 behaviour".
    miVersion: oneOf(
      ['4.3', '4.4', '4.5', '4.6'],
      '4.6',
      '4.4: fences a server whose coordination query fails or is slow, and a container restarted within W (same node id) runs no tasks; 4.5 and 4.6: as 4.4, but that container gives up its node id\'s tasks at start, waits W and then joins (4.6 changes no coordination behaviour; duplicate monitoring and hardening come with 4.7, opt-in); 4.3: no fencing (tasks keep running) and no duplicate-node check',
    ),
    // docs/model.md §9.2; sources.md A2 "heartBeatInterval (H)".
    heartbeatInterval: positiveDuration(5 * S, 'H: how often each MI server writes its heartbeat (and the leader sweeps dead members)'),
    // docs/model.md §9.2; sources.md A2 "heartbeatMaxRetry (R)"; W = H x R = 15 s.
    heartbeatMaxRetry: int(3, 'R: a member is dead when its heartbeat is older than W = H x R', 1, 1000),
    // docs/model.md §9.4; sources.md A2 "Membership-event poll period (E)".
    memberEventPollPeriod: positiveDuration(1 * S, 'E: how often each server reads its membership events (a MEMBER_REMOVED un-assigns the dead node’s tasks)'),
    // docs/model.md §9.5; sources.md A3 "Coordinated task scheduler period (P)" ([task_handling] resolving_period; the docs sample's 6 is wrong).
    resolvingPeriod: positiveDuration(2 * S, 'P: the task scheduler period: the leader assigns unassigned tasks, each server starts those assigned to it'),
    // docs/model.md §9.5; sources.md A3 "Task-store cleaning frequency" ([task_handling] resolving_frequency).
    resolvingFrequency: int(5, 'the leader cleans the task store (un-assigns tasks of servers whose heartbeat is older than W) every this many scheduler runs', 1, 1000),
    resolver: object(
      {
        // docs/model.md §9.5; sources.md A3 "Default resolver" (ActivePassive; RoundRobin and TaskNode the alternatives).
        type: oneOf(
          ['active-passive', 'round-robin', 'task-node'],
          'active-passive',
          'active-passive: every task on one random live server, kept until it leaves; round-robin: spread over live servers; task-node: round robin over taskNodes only',
        ),
        taskServerCount: int(1, 'round-robin: assign nothing while fewer servers than this are live ([[task_resolver]] task_server_count)', 1, 1000),
        taskNodes: leaf(NAME_LIST, [], 'task-node: the node ids (pod names, <workload>-1, <workload>-2, ... in creation order) that may run tasks ([[task_resolver]] task_nodes)'),
      },
      'how the leader places unassigned tasks ([task_handling] resolver_class; docs/model.md §9.5)',
    ),
    database: object(
      {
        // docs/model.md §7.6. Assumption: a healthy coordination DB answers in milliseconds; only queries
        // slower than T_op = 0.075 W (sources.md A2 "Per-DB-operation timeout", 1.125 s) have an effect.
        queryTime: dist(constant(0.005 * S), 'time of one coordination query on a healthy database'),
        failures: object(
          {
            // docs/model.md §7.6. No published rate for coordination-DB outages: off unless given.
            outage: object(
              {
                timeBetween: dist({ dist: 'exponential', mean: 180 * D }, 'time from the end of one outage to the start of the next', { positive: true }),
                duration: dist(lognormal(5 * 60 * S, 1 * H), 'length of an outage (every query fails)'),
              },
              'stochastic whole-database outages; off unless given',
              { nullable: true, default: null },
            ),
            slowness: object(
              {
                timeBetween: dist({ dist: 'exponential', mean: 30 * D }, 'time from the end of one slow period to the start of the next', { positive: true }),
                duration: dist(lognormal(2 * 60 * S, 20 * 60 * S), 'length of a slow period'),
                queryTime: dist(lognormal(0.5 * S, 3 * S), 'query time while slow (queries over T_op = 0.075 W count as failed)'),
              },
              'stochastic slow periods (lock contention, failover, I/O stalls); off unless given',
              { nullable: true, default: null },
            ),
          },
          'failure processes of the database',
        ),
      },
      'the coordination database (the WSO2_COORDINATION_DB datasource; docs/model.md §7.6)',
    ),
  },
  'MI coordination: the database and the timings of servers in workloads with coordination: true (docs/model.md §9)',
);

const artifactCommon = {
  name: leaf(ARTIFACT_NAME, undefined, 'artifact name, e.g. recurringOrder_Task; the same name in several workloads is the same artifact'),
  // docs/model.md §10.1; sources.md A7 "coordination parameter default" (true) and A1 "What becomes coordinated" (every task).
  coordination: bool(true, 'run on one server of the coordination cluster; false (or a workload without coordination) runs it on every server'),
  // docs/model.md §10.1; sources.md A3 "Pinned tasks".
  pinnedServers: leaf(NAME_LIST, [], 'run only on the servers listed (node ids = pod names of this workload: <workload>-1, <workload>-2, ... in creation order), uncoordinated; a replacement pod has a new name'),
};

// docs/model.md §10.5. Assumption (no published rate): an operator deactivates the artifact from the
// Management API or ICP (a backend's maintenance, a bad feed) every few months, for half an hour or so.
const maintenance = object(
  {
    timeBetween: dist({ dist: 'exponential', mean: 90 * D }, 'time from the end of one operator deactivation to the start of the next', { positive: true }),
    duration: dist(lognormal(30 * 60 * S, 4 * H), 'how long the operator keeps it deactivated before activating it again'),
  },
  'stochastic operator deactivations (Management API or ICP): the operator deactivates it, then activates it again after a while; where the state is kept decides whether a new server follows it (workloads[].registry); off unless given',
  { nullable: true, default: null },
);

export const artifact: UnionSpec = {
  kind: 'union',
  tag: 'kind',
  doc: 'a stateful artifact deployed on every pod of the workload',
  variants: {
    'scheduled-task': object(
      {
        ...artifactCommon,
        interval: positiveDuration(undefined, 'fire every interval, the first fire when a server starts running the task (Quartz startNow)', { optional: true }),
        at: leaf(DURATION_LIST, undefined, 'instead of interval: fixed times of day, e.g. [2h, 14h30m] (a cron schedule)', { optional: true }),
        every: positiveDuration(1 * D, 'with at: the cycle the fixed times repeat in'),
      },
      'a scheduled task: interval or fixed times; counts expected, executed, missed and duplicated fires (docs/model.md §10.2)',
    ),
    'message-processor': object(
      {
        ...artifactCommon,
        // docs/model.md §10.3; sources.md A6 "Types" (forwarding: reliable, deletes on success; sampling: one message per interval to a sequence).
        type: oneOf(['forwarding', 'sampling'], 'forwarding', 'forwarding: store -> endpoint, retried, deactivates after the last attempt; sampling: one message per interval to a sequence, not retried'),
        feedRate: rate(1, 'messages per second stored in its durable message store (JMS, JDBC or RabbitMQ: shared by every server)'),
        // docs/model.md §10.3; sources.md A6 "interval (forwarding interval)" (1000 ms).
        interval: positiveDuration(1 * S, 'poll interval: an idle processor looks at the store this often; a sampling processor takes one message each time'),
        // Assumption: one backend call of a small integration.
        forwardTime: dist(lognormal(0.05 * S, 0.2 * S), 'time to forward one message (the backend call); a forwarding processor sends one at a time'),
        // docs/model.md §10.3; sources.md A6 "client.retry.interval" (1000 ms; max.delivery.attempts 4, max.delivery.drop Disabled).
        retryInterval: duration(1 * S, 'client.retry.interval: wait between delivery attempts of a message'),
        maxDeliveryAttempts: int(4, 'max.delivery.attempts', 1, 1000),
        dropAfterMaxAttempts: bool(false, 'max.delivery.drop: drop the message after the last attempt and go on (false: the processor deactivates, the message stays)'),
        // Assumption: no published rate; off unless given.
        backendFailures: object(
          {
            timeBetween: dist({ dist: 'exponential', mean: 30 * D }, 'time from the end of one backend outage to the start of the next', { positive: true }),
            duration: dist(lognormal(2 * 60 * S, 30 * 60 * S), 'length of a backend outage (every delivery fails)'),
          },
          'stochastic outages of the endpoint it forwards to; off unless given',
          { nullable: true, default: null },
        ),
        reactivateAfter: dist(null, 'time until an operator re-activates a deactivated processor (Management API or ICP); none: only a restart or a takeover does', { nullable: true }),
        maintenance,
      },
      'a message processor on a durable message store: backlog, delivery delay, deactivations (docs/model.md §10.3)',
    ),
    'inbound-endpoint': object(
      {
        ...artifactCommon,
        // docs/model.md §10.4; sources.md A1 "Artifacts that need coordination" (file, JMS, Kafka polling; MQTT, RabbitMQ event-based).
        protocol: oneOf(['file', 'jms', 'kafka', 'mqtt', 'rabbitmq'], undefined, 'file, jms, kafka (polling) or mqtt, rabbitmq (event-based)'),
        destination: oneOf(['queue', 'topic'], 'queue', 'jms: a queue (servers share the messages) or a non-durable topic (each subscriber gets every message)'),
        messageRate: rate(1, 'messages (files) per second arriving at the source'),
        // docs/model.md §10.4; sources.md A7 "coordination=true" (a polling endpoint runs every interval, floored to 1000 ms).
        interval: positiveDuration(1 * S, 'polling endpoints: poll interval (an idle poller sees a new message within it)'),
        // Assumption: a small mediation per message.
        processingTime: dist(lognormal(0.02 * S, 0.1 * S), 'time to process one message; a server consumes one at a time'),
        // docs/model.md §10.4; sources.md A7 "RabbitMQ broker-side detection" (heartbeat 60 s) and "Kafka consumer failure detection" (session.timeout.ms 45 s).
        brokerDetection: duration(
          undefined,
          'time the broker takes to notice a consumer that died without closing, or froze in a JVM pause (kafka: its partitions wait that long while the other members go on; rabbitmq: its unacknowledged message, if it held one, comes back then); default: kafka 45s, rabbitmq 60s, none for the others',
          0,
          { nullable: true, optional: true },
        ),
        maintenance,
      },
      'a polling (file, JMS, Kafka) or event-based (MQTT, RabbitMQ) inbound endpoint: with coordination one consumer; without, every server consumes and the protocol decides whether that shares or duplicates the work (docs/model.md §10.4)',
    ),
  },
};

// docs/model.md §10.5; sources.md A6 "Registry (operator state)": MI's registry is file based, in each
// server's <MI_HOME>/registry, unless it is shared; the Helm chart mounts no volume on it.
export const workloadRegistry = oneOf(
  ['local', 'shared'],
  'local',
  "where the servers keep the state (active or inactive) an operator sets on a message processor or inbound endpoint from the Management API or ICP: local, each container's own file registry (lost with the container: a restarted container, a new pod or another server taking the artifact over runs it as deployed, active); shared, a registry every server reads (a server that starts running it applies the operator's state)",
)

export const workloadCoordination = bool(false, 'the pods have the WSO2_COORDINATION_DB datasource: they join the coordination cluster (see coordination)');

export const jvmPause: ObjectSpec = object(
  {
    // docs/model.md §5.5, §9.9; sources.md C "Spurious JVM pauses" (heap dumps and full GC can exceed 30 s); no rate published.
    timeToFailure: dist({ dist: 'exponential', mean: 30 * D }, 'running time from server start to a long JVM pause', { positive: true }),
    duration: dist(lognormal(10 * S, 40 * S), 'length of the pause (no heartbeats, no requests, no task fires)'),
  },
  'stochastic long JVM pauses (full GC, heap dump); off unless given',
  { nullable: true, default: null },
);
