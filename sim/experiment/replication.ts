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

/** Runs replication `index` of a scenario to its horizon and returns its metrics. */
export function runReplication(scenario: Scenario, seed: number, index: number, hooks: ReplicationHooks = {}): ReplicationOutcome {
  const sim = new Simulation();
  const streams = new RandomStreams(replicationSeed(seed, index));
  const bus = new EventBus<ModelEvents>();
  let cluster: Cluster;
  try {
    hooks.beforeStart?.(bus, sim);
    cluster = startCluster(sim, streams, scenario, bus);
    const metrics = new ReplicationMetrics(cluster, bus, { latency: hooks.noLatency !== true });
    hooks.onStart?.(cluster, bus);
    const limit = scenario.limits.maxEventsPerReplication;
    const runUntil = (untilS: number): boolean => {
      // With an onTime hook, in PROGRESS_STEPS steps from where it is (each step's end computed
      // from the start, so rounding can never stall it).
      const fromS = sim.nowS;
      const steps = hooks.onTime === undefined ? 1 : PROGRESS_STEPS;
      for (let k = 1; k <= steps; k++) {
        const t = k === steps ? untilS : fromS + ((untilS - fromS) * k) / steps;
        if (sim.run({ untilS: t, maxEvents: limit - sim.workDone }) === 'maxEvents') return false;
        hooks.onTime?.(t);
      }
      return true;
    };
    let finished = runUntil(scenario.warmup);
    cluster.traffic?.flush();
    cluster.artifacts?.flush();
    metrics.startWindow(scenario.warmup);
    if (finished) finished = runUntil(scenario.horizon);
    if (!finished) throw new EventLimitError(scenario.name, index, limit, sim.nowS);
    cluster.traffic?.flush();
    cluster.artifacts?.flush();
    const values = metrics.finish(scenario.horizon);
    return { values, distributions: metrics.distributions, events: sim.eventsExecuted };
  } catch (e) {
    if (e instanceof InvariantError) {
      e.message = `${e.message} [scenario ${scenario.name}, seed ${seed}, replication ${index}]`;
    }
    throw e;
  }
}
