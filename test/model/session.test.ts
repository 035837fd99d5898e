import { describe, expect, it } from 'vitest';
import { ReplicationSession, runReplication } from '../../sim/experiment/index.js';
import { builtin } from '../helpers/scenario.js';

describe('a replication session', () => {
  const scenario = builtin('multiple-replicas-coordination', ['horizon=20d', 'faults=[{type: node-crash, at: 2d, nodeOf: mi, podIndex: 0, repairAfter: 1h}]']);

  it('advanced in uneven steps gives exactly what runReplication gives', () => {
    const whole = runReplication(scenario, scenario.seed, 3);
    const session = new ReplicationSession(scenario, scenario.seed, 3);
    for (const t of [0, 1, 599.5, 600, 601, 3 * 86400, 3 * 86400, 10 * 86400 + 0.25]) session.advance(t);
    const stepped = session.finish();
    expect(stepped.events).toBe(whole.events);
    expect([...stepped.values]).toEqual([...whole.values]);
    // Finishing again, or advancing past the end, changes nothing.
    session.advance(1e9);
    expect(session.finish()).toBe(stepped);
  });

  it('shows the cluster at any time as plain data', () => {
    const session = new ReplicationSession(scenario, scenario.seed, 0);
    session.advance(3600);
    const before = session.snapshot();
    expect(structuredClone(before)).toEqual(before);
    expect(before.timeS).toBe(3600);
    expect(before.nodes.map((n) => n.name)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(before.pods.filter((p) => p.workload === 'mi' && p.ready)).toHaveLength(3);
    expect(before.workloads.find((w) => w.name === 'mi')).toEqual({ name: 'mi', desired: 3, serving: 3, running: 3 });
    // Just after the scripted crash: the node is down and its pod no longer serves.
    session.advance(2 * 86400 + 1);
    const after = session.snapshot();
    const crashed = after.nodes.find((n) => !n.up)!;
    expect(crashed).toBeDefined();
    expect(after.workloads.find((w) => w.name === 'mi')!.serving).toBe(2);
  });

  it('lets observers attached before the start see the first pods created', () => {
    const created: string[] = [];
    const session = new ReplicationSession(scenario, scenario.seed, 0, { beforeStart: (bus) => bus.on('pod.created', (p) => created.push(p.name)) });
    expect(created).toEqual(['mi-1', 'mi-2', 'mi-3']);
    expect(session.nowS).toBe(0);
  });
});
