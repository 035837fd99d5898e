import { ReplicationSession, type ReplicationOutcome } from '../experiment/replication.js';
import { MODEL_EVENT_NAMES } from '../model/kube/cluster.js';
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
