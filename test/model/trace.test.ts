import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { traceReplication, type TraceRecord } from '../../sim/trace/index.js';
import { builtin } from '../helpers/scenario.js';

describe('the trace', () => {
  const scenario = builtin('multiple-replicas-coordination', ['horizon=20d', 'faults=[{type: node-crash, at: 2d, nodeOf: mi, podIndex: 0, repairAfter: 1h}]']);

  it('records every model event as fresh plain data, from the first pods created, without changing the run', () => {
    const records: TraceRecord[] = [];
    const traced = traceReplication(scenario, scenario.seed, 0, (r) => records.push(r));
    expect([...traced.values]).toEqual([...runReplication(scenario, scenario.seed, 0).values]);
    expect(records.slice(0, 3).map((r) => [r.kind, r.pod, r.t])).toEqual([
      ['pod.created', 'mi-1', 0],
      ['pod.created', 'mi-2', 0],
      ['pod.created', 'mi-3', 0],
    ]);
    // Cloneable, and not one object reused: every record is its own.
    expect(structuredClone(records)).toEqual(records);
    expect(new Set(records).size).toBe(records.length);
    // Time and event number never go back.
    for (let i = 1; i < records.length; i++) {
      expect(records[i]!.t).toBeGreaterThanOrEqual(records[i - 1]!.t);
      expect(records[i]!.n).toBeGreaterThanOrEqual(records[i - 1]!.n);
    }
    // The scripted crash: its node goes down at 2 d and comes back an hour later.
    const node = records.find((r) => r.kind === 'fault' && r.type === 'node-crash')!;
    expect(node.t).toBe(2 * 86400);
    const states = records.filter((r) => r.kind === 'node.state' && r.node === node.target);
    expect(states.find((r) => r.up === false)!.t).toBe(2 * 86400);
    expect(states.some((r) => r.up === true && r.t > 2 * 86400 + 3600 - 1)).toBe(true);
    // Fluid traffic increments carry their workload and outcomes by name.
    const fluid = records.find((r) => r.kind === 'traffic.fluid' && (r.arrived as number) > 0 && r.fromS as number > 600)!;
    expect(fluid.workload).toBe('mi');
    expect(typeof (fluid.outcomes as Record<string, number>).succeeded).toBe('number');
  });

  it('includes the requests only when asked', () => {
    const s = builtin('single-replica', ['traffic.mode=requests', 'horizon=20m', 'warmup=5m', 'workloads[0].traffic.rate=5/s']);
    const without: TraceRecord[] = [];
    const withRequests: TraceRecord[] = [];
    traceReplication(s, s.seed, 0, (r) => without.push(r));
    traceReplication(s, s.seed, 0, (r) => withRequests.push(r), { requests: true });
    expect(without.some((r) => r.kind.startsWith('request.'))).toBe(false);
    const done = withRequests.filter((r) => r.kind === 'request.done');
    expect(done.length).toBeGreaterThan(1000);
    expect(done[0]).toMatchObject({ workload: 'mi', outcome: expect.any(String) });
  });
});
