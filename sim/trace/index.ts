import { ReplicationSession, type ReplicationOutcome } from '../experiment/replication.js';
import { MODEL_EVENT_NAMES } from '../model/kube/cluster.js';
import { holdTemplate, type ServiceTemplate } from '../model/traffic/service-template.js';
import type { Scenario } from '../scenario/types.js';
import { attachTrace, type TraceOptions, type TraceRecord } from './trace.js';

export { attachTrace, type TraceOptions, type TraceRecord } from './trace.js';

/**
 * Runs replication `index` of a scenario with a trace attached from before the cluster starts,
 * calling `onRecord` for every model event, and returns the replication's metrics (the same as
 * without the trace: observers never change the model).
 */
export function traceReplication(scenario: Scenario, seed: number, index: number, onRecord: (record: TraceRecord) => void, options: TraceOptions = {}): ReplicationOutcome {
  const names = scenario.workloads.map((w) => w.name);
  const session = new ReplicationSession(scenario, seed, index, {
    beforeStart: (bus, sim) => attachTrace(bus, sim, MODEL_EVENT_NAMES, names, onRecord, options),
  });
  return session.finish();
}

/**
 * What turns a fluid trace's latencies into latency quantiles: the time each request holds its
 * worker as a template per workload and CPU stretch (the ones the trace's `traffic.fluid` records
 * name), and the load balancer's overhead, added to every end-to-end latency. The replication's
 * latency metrics are the same mixture over its measured window (sim/metrics/traffic-metrics.ts).
 */
export interface FluidLatencyTemplates {
  overheadS: number;
  /** Per workload: [stretch, template] for each stretch in the trace. */
  byWorkload: Record<string, Array<[number, ServiceTemplate]>>;
}

export function fluidLatencyTemplates(scenario: Scenario, records: Iterable<TraceRecord>): FluidLatencyTemplates {
  const stretches = new Map<string, Set<number>>();
  for (const r of records) {
    if (r.kind !== 'traffic.fluid' || typeof r.workload !== 'string' || !Array.isArray(r.latency)) continue;
    let set = stretches.get(r.workload);
    if (set === undefined) stretches.set(r.workload, (set = new Set()));
    for (const entry of r.latency) set.add(entry[0]!);
  }
  const byWorkload: Record<string, Array<[number, ServiceTemplate]>> = {};
  for (const w of scenario.workloads) {
    const set = stretches.get(w.name);
    if (w.traffic === null || set === undefined) continue;
    const traffic = w.traffic;
    byWorkload[w.name] = [...set].map((stretch) => [stretch, holdTemplate(traffic.cpuPerRequest, traffic.backendTime, stretch)]);
  }
  return { overheadS: scenario.loadBalancer.overhead, byWorkload };
}
