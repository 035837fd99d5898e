import type { EventBus } from '../engine/bus.js';
import type { Simulation } from '../engine/simulation.js';
import type { ModelEvents } from '../model/events.js';
import { OUTCOME_NAMES } from '../model/traffic/outcomes.js';
import { decodeLatencyKey } from '../model/traffic/service-template.js';

/**
 * One model event as plain data: cloneable (structuredClone, postMessage, JSON), holding no
 * reference into the model and not reused. `n` is the engine's event number when it happened
 * (several records may share one), `t` the simulated time in seconds, `kind` the model event's
 * name; the other fields name what it is about by stable names (pod, node, workload, artifact
 * names are unique within a replication) and give its new state.
 */
export interface TraceRecord {
  n: number;
  t: number;
  kind: string;
  [field: string]: string | number | boolean | null | Record<string, number> | number[][];
}

export interface TraceOptions {
  /** Include every request (requests mode: two records per request; off by default). */
  requests?: boolean;
}

type Fields = Omit<TraceRecord, 'n' | 't' | 'kind'>;

/** The model's named events (without the bus's index signature). */
type Known = keyof { [K in keyof ModelEvents as string extends K ? never : K]: 0 };

/**
 * How each model event becomes a record's fields; null leaves it out. Kinds not listed here are
 * traced with their kind, time and number only, so a new event is never lost silently.
 */
const FIELDS: { [K in Known]?: (payload: ModelEvents[K], workloads: readonly string[]) => Fields | null } = {
  'pod.created': (p) => ({ pod: p.name, workload: p.workload.name, revision: p.revision, image: p.image }),
  'pod.phase': (e) => ({ pod: e.pod.name, from: e.from, to: e.pod.phase, node: e.pod.node?.name ?? null }),
  'pod.ready': (p) => ({ pod: p.name, ready: p.apiReady }),
  'pod.hung': (p) => ({ pod: p.name, hung: p.hung }),
  'node.state': (n) => ({ node: n.name, up: n.up, condition: n.condition, cordoned: n.cordoned, cut: n.apiCut }),
  'workload.counts': (w) => ({ workload: w.name, desired: w.desired, serving: w.servingCount, running: w.runningCount }),
  'cluster.usage': (u) => ({ upNodes: u.upNodes, activePods: u.activePods, activeCpuMillicores: u.activeCpuMillicores }),
  fault: (f) => ({ type: f.type, target: f.target }),
  'request.arrived': () => null,
  'request.done': () => null,
  'traffic.fluid': (inc, workloads) => {
    const outcomes: Record<string, number> = {};
    OUTCOME_NAMES.forEach((name, k) => {
      if (inc.outcomes[k] !== 0) outcomes[name] = inc.outcomes[k]!;
    });
    // The successes by latency: [CPU stretch, time lost at the front (s), wait for a worker (s), weight] (service-template.ts).
    const latency: number[][] = [];
    for (let i = 0; i < inc.latencyCount; i++) latency.push([...decodeLatencyKey(inc.latencyKeys[i]!), inc.latencyWeights[i]!]);
    return { workload: workloads[inc.flow] ?? null, fromS: inc.fromS, toS: inc.toS, arrived: inc.arrived, outcomes, latency };
  },
  'traffic.overload': (inc, workloads) => ({
    workload: inc.flow < 0 ? null : (workloads[inc.flow] ?? null),
    fromS: inc.fromS,
    toS: inc.toS,
    overloadedS: inc.overloadedS,
    peakRatio: inc.peakRatio,
  }),
  'lb.availability': (w) => ({ workload: w.name }),
  'artifact.runner': (r) => ({ artifact: r.runner.artifact.name, pod: r.runner.pod.name, started: r.started, coordinated: r.runner.coordinated }),
  coordination: (e) => ({ workload: e.workload, event: e.kind, node: e.node, task: e.task ?? null }),
  'artifact.flow': (f) => ({
    artifact: f.artifact.name,
    fromS: f.fromS,
    toS: f.toS,
    active: f.active,
    backlogFrom: f.backlogFrom,
    backlogTo: f.backlogTo,
    delivered: f.delivered,
    duplicated: f.duplicated,
  }),
  'artifact.active': (a) => ({ artifact: a.artifact.name, active: a.active }),
  'artifact.redelivery': (r) => ({ artifact: r.artifact.name, delayS: r.delayS }),
  'processor.state': (m) => ({ artifact: m.artifact.name, active: m.activeCount, backlog: m.currentBacklog }),
  'artifact.operator': (e) => ({ artifact: e.artifact.name, active: e.active }),
};

/**
 * Records every model event of a replication as it happens, calling `onRecord` with a fresh plain
 * record each time. Attach it before the cluster starts (ReplicationSession's `beforeStart`) to see
 * the first pods created. Returns the function that detaches it.
 */
export function attachTrace(
  bus: EventBus<ModelEvents>,
  sim: Simulation,
  kinds: ReadonlyArray<keyof ModelEvents>,
  workloads: readonly string[],
  onRecord: (record: TraceRecord) => void,
  options: TraceOptions = {},
): () => void {
  const off: Array<() => void> = [];
  for (const kind of kinds) {
    const fields = FIELDS[kind as Known] as ((payload: unknown, workloads: readonly string[]) => Fields | null) | undefined;
    if (!options.requests && (kind === 'request.arrived' || kind === 'request.done')) continue;
    off.push(
      bus.on(kind, (payload: unknown) => {
        let extra: Fields | null = {};
        if (kind === 'request.arrived') extra = { workload: workloads[payload as number] ?? null };
        else if (kind === 'request.done') {
          const d = payload as ModelEvents['request.done'];
          extra = { workload: workloads[d.flow] ?? null, outcome: OUTCOME_NAMES[d.outcome] ?? null, arrivalS: d.arrivalS, latencyS: d.latencyS };
        } else if (fields !== undefined) extra = fields(payload, workloads);
        if (extra === null) return;
        onRecord({ n: sim.eventsExecuted, t: sim.nowS, kind: String(kind), ...extra });
      }),
    );
  }
  return () => {
    for (const f of off) f();
  };
}
