import { describe, expect, it } from 'vitest';
import { ReplicationSession } from '../../sim/experiment/replication.js';
import { MODEL_EVENT_NAMES } from '../../sim/model/kube/cluster.js';
import type { Scenario } from '../../sim/scenario/index.js';
import { attachTrace, traceReplication, type TraceRecord } from '../../sim/trace/index.js';
import { clusterAt, ClusterTracker, type ClusterState } from '../../viz/data/cluster-state.js';
import { builtin } from '../helpers/scenario.js';

function traceOf(scenario: Scenario, replication = 0): TraceRecord[] {
  const records: TraceRecord[] = [];
  traceReplication(scenario, scenario.seed, replication, (r) => records.push(r));
  return records;
}

function nodesOf(scenario: Scenario): Array<{ name: string; zone: string | null }> {
  return scenario.cluster.nodePools.flatMap((pool) => Array.from({ length: pool.count }, (_, i) => ({ name: `${pool.name}-${i + 1}`, zone: pool.zones.length > 0 ? pool.zones[i % pool.zones.length]! : null })));
}

/** The engine's own view of the cluster at each time, next to what the trace gives. */
function compareWithEngine(scenario: Scenario, times: readonly number[]): number {
  /** How often a pod was being deleted with no record saying so (evicted from a lost node). */
  let silentDeletions = 0;
  const records = traceOf(scenario);
  const tracker = new ClusterTracker(records, nodesOf(scenario));
  const names = scenario.workloads.map((w) => w.name);
  const session = new ReplicationSession(scenario, scenario.seed, 0, { beforeStart: (bus, sim) => attachTrace(bus, sim, MODEL_EVENT_NAMES, names, () => undefined) });
  for (const t of [...times].sort((a, b) => a - b)) {
    session.advance(t);
    const snap = session.snapshot();
    const state = tracker.at(t);
    const podsOf = (s: ClusterState) => [...s.zones.flatMap((z) => z.nodes.flatMap((n) => n.pods)), ...s.unscheduled];
    const fromTrace = new Map(podsOf(state).map((p) => [p.name, p]));
    expect([...fromTrace.keys()].sort(), `pods at ${t}`).toEqual(snap.pods.map((p) => p.name).sort());
    for (const p of snap.pods) {
      const q = fromTrace.get(p.name)!;
      expect({ name: q.name, workload: q.workload, phase: q.phase, node: q.node, ready: q.ready, hung: q.hung, deleted: q.deleted }, `pod ${p.name} at ${t}`).toEqual(p);
      if (p.deleted && p.phase !== 'Terminating') silentDeletions++;
    }
    const nodes = state.zones.flatMap((z) => z.nodes);
    for (const n of snap.nodes) {
      const m = nodes.find((x) => x.name === n.name)!;
      expect({ up: m.up, condition: m.condition, cordoned: m.cordoned, pods: m.pods.map((p) => p.name).sort() }, `node ${n.name} at ${t}`).toEqual({ up: n.up, condition: n.condition, cordoned: n.cordoned, pods: [...n.pods].sort() });
    }
    for (const w of snap.workloads) {
      const v = state.workloads.find((x) => x.name === w.name)!;
      if (v.desired !== null) expect({ desired: v.desired, serving: v.serving, running: v.running }, `workload ${w.name} at ${t}`).toEqual({ desired: w.desired, serving: w.serving, running: w.running });
      expect(v.endpoints, `endpoints of ${w.name} at ${t}`).toEqual(snap.pods.filter((p) => p.workload === w.name && p.ready).map((p) => p.name));
    }
    // A pod-crash's podIndex: the index among the workload's live pods, oldest first (scripted.ts livePod).
    for (const w of snap.workloads) {
      const live = snap.pods.filter((p) => p.workload === w.name && !p.deleted);
      live.forEach((p, i) => expect(tracker.livePodIndex(p.name), `podIndex of ${p.name} at ${t}`).toBe(i));
    }
  }
  return silentDeletions;
}

/** Times spread over [from, to], not on any record's time. */
function grid(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + ((to - from) * (i + 0.5)) / count + 0.123);
}

describe('the cluster at a time, from the trace', () => {
  it('matches the engine at every time: pods, nodes, counts and endpoints, across a node crash with eviction', () => {
    const day = 86400;
    const scenario = builtin('multiple-replicas-coordination', ['horizon=6d', 'faults=[{type: node-crash, at: 2d, node: worker-2, repairAfter: 3h}]']);
    expect(compareWithEngine(scenario, [...grid(0, 6 * day, 60), ...grid(2 * day, 2 * day + 4 * 3600, 60)])).toBeGreaterThan(0);
  });

  it('matches the engine across a control-plane partition (pods evicted while they run on) and a drain', () => {
    const day = 86400;
    const scenario = builtin('multiple-replicas', [
      'horizon=4d',
      'faults=[{type: node-partition, at: 1d, node: worker-1, duration: 2h, from: control-plane}, {type: node-drain, at: 2d, node: worker-3, uncordonAfter: 1h}]',
    ]);
    expect(compareWithEngine(scenario, [...grid(0, 4 * day, 40), ...grid(day, day + 3 * 3600, 80), ...grid(2 * day, 2 * day + 2 * 3600, 40)])).toBeGreaterThan(0);
  });

  it('matches the engine through autoscaling and a rolling update', () => {
    compareWithEngine(builtin('autoscaling', ['horizon=3d']), grid(0, 3 * 86400, 200));
    compareWithEngine(builtin('rolling-update'), grid(0, 7200, 200));
  });

  it('matches the engine over a year of drawn failures (node crashes, pod crashes, hangs, database outages)', () => {
    for (const name of ['multiple-replicas-coordination', 'isolated-stateful-pods', 'single-replica']) {
      const scenario = builtin(name);
      const records = traceOf(scenario);
      // Around every fault, and spread over the year.
      const faults = records.filter((r) => r.kind === 'fault').map((r) => r.t);
      compareWithEngine(scenario, [...grid(0, scenario.horizon, 100), ...faults.flatMap((t) => [t + 1, t + 60, t + 400, t + 1800])]);
    }
  });

  it('moves forward incrementally and starts over for an earlier time, giving what a fresh replay gives', () => {
    const scenario = builtin('uncoordinated-replicas', ['horizon=20d']);
    const records = traceOf(scenario);
    const tracker = new ClusterTracker(records, nodesOf(scenario));
    const times = [5e5, 1e6, 2e5, 1.7e6, 1.7e6, 3e3, 1e6];
    for (const t of times) {
      const before = tracker.version;
      const changes = tracker.changesBy(t);
      expect(tracker.at(t)).toEqual(clusterAt(records, t, nodesOf(scenario)));
      if (!changes) expect(tracker.version).toBe(before);
    }
  });

  it('groups nodes by zone, names leaders, task owners and artifact runners', () => {
    const scenario = builtin('multiple-replicas-coordination', ['horizon=3d']);
    const records = traceOf(scenario);
    const s = clusterAt(records, 2 * 86400, nodesOf(scenario));
    expect(s.zones.map((z) => [z.zone, z.nodes.map((n) => n.name)])).toEqual([
      ['zone-a', ['worker-1']],
      ['zone-b', ['worker-2']],
      ['zone-c', ['worker-3']],
    ]);
    const elected = records.filter((r) => r.kind === 'coordination' && r.event === 'elected' && r.t <= 2 * 86400).at(-1)!;
    expect(s.coordination[0]!.leader).toBe(elected.node);
    expect(s.database.present).toBe(true);
    const task = s.artifacts.find((a) => a.name === 'recurringOrder_Task')!;
    expect(task.runners).toHaveLength(1);
    // The runner of each task is the server the leader assigned it to.
    const assigned = s.coordination[0]!.assignments.find((a) => a.task === 'recurringOrder_Task');
    if (assigned !== undefined) expect(task.runners).toEqual([assigned.node]);
    // Uncoordinated: every replica runs the task (duplicates).
    const u = builtin('uncoordinated-replicas', ['horizon=3d']);
    const us = clusterAt(traceOf(u), 2 * 86400, nodesOf(u));
    expect(us.artifacts.find((a) => a.name === 'recurringOrder_Task')!.runners).toHaveLength(3);
    expect(us.database.present).toBe(false);
  });
});
