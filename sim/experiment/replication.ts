import { EventBus } from '../engine/bus.js';
import { InvariantError, RunLimitError } from '../engine/errors.js';
import { RandomStreams } from '../engine/random.js';
import { Simulation } from '../engine/simulation.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import { startCluster } from '../model/start.js';
import { ReplicationMetrics, type MetricValues } from '../metrics/replication-metrics.js';
import type { DistributionValues } from '../metrics/artifact-metrics.js';
import type { Scenario } from '../scenario/types.js';

/** The root seed of replication `index`: every stream of that replication is named under it. */
export function replicationSeed(seed: number, index: number): string {
  return `${seed}/${index}`;
}

/** A replication needed more events than the scenario's limit: an operating error, reported plainly. */
export class EventLimitError extends RunLimitError {
  constructor(scenario: string, replication: number, limit: number, atS: number) {
    super(
      `scenario ${scenario}: replication ${replication} needed more than ${limit} events (counting the steps computed within events; stopped at t=${atS.toFixed(0)}s); ` +
        'raise limits.maxEventsPerReplication or shorten the horizon',
    );
    this.name = 'EventLimitError';
  }
}

export interface ReplicationOutcome {
  values: MetricValues;
  /** Samples of distribution metrics (takeover times), by name. */
  distributions: DistributionValues;
  events: number;
}

/** Hooks to watch a replication (traces, the visualiser); they must not change the model. */
export interface ReplicationHooks {
  /** Called before the cluster starts: observers attached here see every event, the first pods' creation included. */
  beforeStart?(bus: EventBus<ModelEvents>, sim: Simulation): void;
  onStart?(cluster: Cluster, bus: EventBus<ModelEvents>): void;
  /** Called as simulated time passes (about every 1% of the horizon) with the time reached. */
  onTime?(timeS: number): void;
  /** Leave the latency percentiles out (NaN): the saturation search needs only the success rate. */
  noLatency?: boolean;
}

/** With an onTime hook, the run is cut into this many steps (the events and their order are the same). */
const PROGRESS_STEPS = 100;

/** The cluster at one moment, as plain data (cloneable, for a page or a trace). */
export interface ClusterSnapshot {
  timeS: number;
  events: number;
  nodes: Array<{ name: string; zone: string | null; up: boolean; condition: 'Ready' | 'Unknown'; cordoned: boolean; pods: string[] }>;
  pods: Array<{ name: string; workload: string; phase: string; node: string | null; ready: boolean; hung: boolean; deleted: boolean }>;
  workloads: Array<{ name: string; desired: number; serving: number; running: number }>;
}

/**
 * One replication, run step by step: created with its bus (observers attached before the cluster
 * starts see every event), advanced to any time, looked at, and finished. The measured window
 * opens when the run passes the warmup. `runReplication` is this, run to the horizon at once; both
 * give the same events in the same order.
 */
export class ReplicationSession {
  readonly sim = new Simulation();
  readonly bus: EventBus<ModelEvents>;
  readonly cluster: Cluster;
  private readonly metrics: ReplicationMetrics;
  private windowOpen = false;
  private finished: ReplicationOutcome | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    readonly index: number,
    options: { bus?: EventBus<ModelEvents>; beforeStart?: (bus: EventBus<ModelEvents>, sim: Simulation) => void; latency?: boolean } = {},
  ) {
    this.bus = options.bus ?? new EventBus<ModelEvents>();
    const streams = new RandomStreams(replicationSeed(seed, index));
    this.cluster = this.guard(() => {
      options.beforeStart?.(this.bus, this.sim);
      return startCluster(this.sim, streams, scenario, this.bus);
    });
    this.metrics = new ReplicationMetrics(this.cluster, this.bus, { latency: options.latency !== false });
  }

  get nowS(): number {
    return this.sim.nowS;
  }

  /** Runs every event up to `untilS` (at most the horizon), opening the measured window at the warmup. */
  advance(untilS: number): void {
    if (this.finished !== null) return;
    const s = this.scenario;
    const target = Math.min(untilS, s.horizon);
    this.guard(() => {
      if (!this.windowOpen) {
        this.runTo(Math.min(target, s.warmup));
        if (this.sim.nowS < s.warmup || target < s.warmup) return;
        this.cluster.traffic?.flush();
        this.cluster.artifacts?.flush();
        this.metrics.startWindow(s.warmup);
        this.windowOpen = true;
      }
      this.runTo(target);
    });
  }

  private runTo(untilS: number): void {
    if (untilS < this.sim.nowS) return;
    const limit = this.scenario.limits.maxEventsPerReplication;
    if (this.sim.run({ untilS, maxEvents: limit - this.sim.workDone }) === 'maxEvents') {
      throw new EventLimitError(this.scenario.name, this.index, limit, this.sim.nowS);
    }
  }

  /** The cluster now, as plain data. */
  snapshot(): ClusterSnapshot {
    const c = this.cluster;
    return {
      timeS: this.sim.nowS,
      events: this.sim.eventsExecuted,
      nodes: c.nodes.map((n) => ({ name: n.name, zone: n.zone, up: n.up, condition: n.condition, cordoned: n.cordoned, pods: n.pods.map((p) => p.name) })),
      pods: c.workloads.flatMap((w) =>
        w.pods.map((p) => ({ name: p.name, workload: w.name, phase: p.phase, node: p.node?.name ?? null, ready: p.apiReady, hung: p.hung, deleted: p.deleted })),
      ),
      workloads: c.workloads.map((w) => ({ name: w.name, desired: w.desired, serving: w.servingCount, running: w.runningCount })),
    };
  }

  /** Runs to the horizon (if not there yet) and returns the replication's metrics. */
  finish(): ReplicationOutcome {
    if (this.finished !== null) return this.finished;
    this.advance(this.scenario.horizon);
    return (this.finished = this.guard(() => {
      this.cluster.traffic?.flush();
      this.cluster.artifacts?.flush();
      const values = this.metrics.finish(this.scenario.horizon);
      return { values, distributions: this.metrics.distributions, events: this.sim.eventsExecuted };
    }));
  }

  /** Names the replication in a broken invariant's message. */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof InvariantError && !e.message.includes('[scenario ')) {
        e.message = `${e.message} [scenario ${this.scenario.name}, seed ${this.seed}, replication ${this.index}]`;
      }
      throw e;
    }
  }
}

/** Runs replication `index` of a scenario to its horizon and returns its metrics. */
export function runReplication(scenario: Scenario, seed: number, index: number, hooks: ReplicationHooks = {}): ReplicationOutcome {
  const session = new ReplicationSession(scenario, seed, index, { beforeStart: hooks.beforeStart, latency: hooks.noLatency !== true });
  hooks.onStart?.(session.cluster, session.bus);
  if (hooks.onTime !== undefined) {
    // In PROGRESS_STEPS steps to the warmup, then to the horizon (each step's end computed from
    // the start, so rounding can never stall it).
    for (const [fromS, toS] of [
      [0, scenario.warmup],
      [scenario.warmup, scenario.horizon],
    ] as const) {
      for (let k = 1; k <= PROGRESS_STEPS; k++) {
        const t = k === PROGRESS_STEPS ? toS : fromS + ((toS - fromS) * k) / PROGRESS_STEPS;
        session.advance(t);
        hooks.onTime(t);
      }
    }
  }
  return session.finish();
}
