import { describe, expect, it } from 'vitest';
import { traceReplication, type TraceRecord } from '../../sim/trace/index.js';
import { timelineOf } from '../../viz/data/timeline.js';
import { builtin } from '../helpers/scenario.js';

describe('trace to timeline rows', () => {
  const scenario = builtin('multiple-replicas-coordination', ['horizon=10d', 'faults=[{type: node-crash, at: 2d, node: worker-2, repairAfter: 1h}]']);
  const records: TraceRecord[] = [];
  traceReplication(scenario, scenario.seed, 0, (r) => records.push(r));
  const timeline = timelineOf(records, scenario.horizon, ['worker-1', 'worker-2', 'worker-3']);
  const rowsOf = (kind: string) => timeline.rows.filter((r) => r.kind === kind);

  it('has a row per node, per pod the replication created and per stateful artifact', () => {
    expect(rowsOf('node').map((r) => r.label)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    const created = records.filter((r) => r.kind === 'pod.created').map((r) => r.pod);
    expect(rowsOf('pod').map((r) => r.label)).toEqual(created);
    expect(rowsOf('artifact').map((r) => r.label).sort()).toEqual(scenario.workloads.flatMap((w) => w.artifacts.map((a) => a.name)).sort());
  });

  it('covers each row without gaps or overlaps, from its start to the horizon or the pod’s end', () => {
    for (const row of timeline.rows) {
      for (let i = 1; i < row.segments.length; i++) expect(row.segments[i]!.fromS, row.id).toBe(row.segments[i - 1]!.toS);
      for (const s of row.segments) expect(s.toS, row.id).toBeGreaterThan(s.fromS);
    }
    for (const row of rowsOf('node')) expect(row.segments[0]!.fromS).toBe(0);
    for (const row of [...rowsOf('node'), ...rowsOf('artifact')]) expect(row.segments.at(-1)!.toS).toBe(scenario.horizon);
  });

  it('shows the scripted crash: worker-2 down from 2 d for the repair, its fault marked on its row', () => {
    const node = timeline.rows.find((r) => r.id === 'node:worker-2')!;
    const down = node.segments.find((s) => s.state === 'down')!;
    expect(down.fromS).toBe(2 * 86400);
    expect(down.toS).toBe(2 * 86400 + 3600);
    expect(timeline.markers).toContainEqual({ t: 2 * 86400, kind: 'fault', label: 'node-crash worker-2', rowId: 'node:worker-2' });
    // The pod on it stops being Ready then.
    const podOnIt = records.find((r) => r.kind === 'pod.phase' && r.node === 'worker-2' && r.to === 'NodeDown')!;
    const podRow = timeline.rows.find((r) => r.id === `pod:${podOnIt.pod}`)!;
    expect(podRow.segments.find((s) => s.fromS === 2 * 86400)).toMatchObject({ state: 'NodeDown' });
  });

  it('names who runs each artifact, and marks more than one at once', () => {
    const task = timeline.rows.find((r) => r.id === 'artifact:recurringOrder_Task')!;
    expect(task.segments.some((s) => /^mi-\d+$/.test(s.state))).toBe(true);
    // With coordination, never two runners of a task while the database is healthy.
    expect(task.segments.filter((s) => s.flag)).toEqual([]);
    const uncoordinated = builtin('uncoordinated-replicas', ['horizon=2d']);
    const u: TraceRecord[] = [];
    traceReplication(uncoordinated, uncoordinated.seed, 0, (r) => u.push(r));
    const dup = timelineOf(u, uncoordinated.horizon).rows.find((r) => r.id === 'artifact:recurringOrder_Task')!;
    expect(dup.segments.some((s) => s.flag === true && s.state.split(' + ').length === 3)).toBe(true);
  });
});
