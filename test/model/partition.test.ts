import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/replication.js';
import type { Cluster } from '../../sim/model/kube/cluster.js';
import type { Scenario } from '../../sim/scenario/index.js';
import { scenarioFrom } from '../helpers/scenario.js';

/**
 * A node cut off from the control plane (docs/model.md §3.5): its kubelet hears nothing
 * from the API and the API nothing from it, so what the control plane decides meanwhile (deleting,
 * binding) reaches the node only when the partition heals; a reboot does not mend the network.
 */
const scenario = (faults: string[], replicas = 3, nodes = 4) =>
  scenarioFrom(`
horizon: 3h
warmup: 10m
cluster: {nodePools: [{name: w, count: ${nodes}, failures: {crash: null}}]}
workloads:
  - name: mi
    replicas: ${replicas}
    coordination: true
    failures: {crash: null}
    artifacts:
      - {kind: scheduled-task, name: t1, interval: 1m}
faults:
${faults.map((f) => `  - ${f}`).join('\n')}
`);

interface Trace {
  phases: Array<{ t: number; pod: string; node: string | undefined; phase: string }>;
  ready: Array<{ t: number; pod: string; ready: boolean }>;
  nodeAt: Map<number, { up: boolean; condition: string; apiCut: boolean; running: number }>;
  coordination: Array<{ t: number; kind: string; node: string }>;
}

function trace(s: Scenario, probeAt: number[] = [], seed = 1, rep = 0): Trace {
  const tr: Trace = { phases: [], ready: [], nodeAt: new Map(), coordination: [] };
  runReplication(s, seed, rep, {
    onStart(c: Cluster, bus) {
      for (const t of probeAt) {
        c.sim.scheduleAt(
          t,
          () => {
            const n = c.nodes.find((x) => x.name === 'w-1')!;
            tr.nodeAt.set(t, { up: n.up, condition: n.condition, apiCut: n.apiCut, running: n.pods.filter((p) => p.phase === 'Running').length });
          },
          null,
        );
      }
      bus.on('pod.phase', ({ pod }) => tr.phases.push({ t: c.sim.nowS, pod: pod.name, node: pod.node?.name, phase: pod.phase }));
      bus.on('pod.ready', (pod) => tr.ready.push({ t: c.sim.nowS, pod: pod.name, ready: pod.apiReady }));
      bus.on('coordination', (e) => tr.coordination.push({ t: c.sim.nowS, kind: e.kind, node: e.node }));
    },
  });
  return tr;
}

const HEAL = 90 * 60;

/** One pod on one node: the node cut off from the control plane at 30 m for `cut`, the container crashing at `crashAt`. */
const onePodCutThenCrashed = (cut: string, crashAt: string): Scenario =>
  scenarioFrom(`
horizon: 1h
warmup: 10m
cluster: {nodePools: [{name: w, count: 1, failures: {crash: null}}]}
workloads:
  - name: mi
    replicas: 1
    failures: {crash: null}
faults:
  - {type: node-partition, at: 30m, node: w-1, duration: ${cut}, from: control-plane}
  - {type: pod-crash, at: ${crashAt}, workload: mi}
`);

describe('a node cut off from the control plane', () => {
  it('keeps running the pods the API deletes meanwhile (scale-down) until the partition heals, then stops them', () => {
    const tr = trace(scenario(['{type: node-partition, at: 30m, node: w-1, duration: 60m, from: control-plane}', '{type: scale, at: 1810s, workload: mi, replicas: 0}'], 4));
    const onCut = new Set(tr.phases.filter((p) => p.node === 'w-1' && p.t < 1800).map((p) => p.pod));
    expect(onCut.size).toBeGreaterThan(0);
    for (const pod of onCut) {
      const after = tr.phases.filter((p) => p.pod === pod && p.t > 1800);
      expect(after.length, pod).toBeGreaterThan(0);
      expect(Math.min(...after.map((p) => p.t)), pod).toBeGreaterThanOrEqual(HEAL);
      expect(after.at(-1)!.phase).toBe('Gone');
      // It left the endpoints at once: the control plane's side of the deletion.
      expect(tr.ready.find((r) => r.pod === pod && r.t >= 1810 && !r.ready)?.t).toBeLessThan(1811);
    }
    // Pods on reachable nodes go at once.
    const others = tr.phases.filter((p) => p.t >= 1810 && p.t < 1900 && p.phase === 'Gone' && !onCut.has(p.pod));
    expect(others.length).toBeGreaterThan(0);
  });

  it('does not start pods the scheduler binds to it before the control plane notices the cut; they start at the heal', () => {
    const tr = trace(scenario(['{type: node-partition, at: 30m, node: w-1, duration: 60m, from: control-plane}', '{type: scale, at: 1805s, workload: mi, replicas: 20}'], 4));
    const boundDuringCut = tr.phases.filter((p) => p.node === 'w-1' && p.t >= 1805 && p.t < HEAL && p.phase === 'NodeDown').map((p) => p.pod);
    expect(boundDuringCut.length).toBeGreaterThan(0);
    for (const pod of boundDuringCut) {
      const running = tr.phases.filter((p) => p.pod === pod && p.phase === 'Running');
      // Evicted with the node's other pods, or started once the kubelet hears of it.
      for (const r of running) expect(r.t, pod).toBeGreaterThan(HEAL);
    }
    // No server on the cut node joins coordination during the cut, besides those already there.
    const before = new Set(tr.phases.filter((p) => p.node === 'w-1' && p.t < 1800).map((p) => p.pod));
    const joined = tr.coordination.filter((e) => e.kind === 'joined' && e.t > 1805 && e.t < HEAL).map((e) => e.node);
    for (const pod of boundDuringCut) if (!before.has(pod)) expect(joined).not.toContain(pod);
  });

  it('stays cut off through a reboot: the rebooted node starts nothing until the partition heals', () => {
    const tr = trace(
      scenario(['{type: node-partition, at: 30m, node: w-1, duration: 60m, from: both}', '{type: node-crash, at: 31m, node: w-1, repairAfter: 1m}'], 3),
      [33 * 60, 40 * 60, HEAL + 600],
    );
    for (const t of [33 * 60, 40 * 60]) {
      const n = tr.nodeAt.get(t)!;
      expect(n.up).toBe(true);
      expect(n.apiCut).toBe(true);
      expect(n.running).toBe(0);
    }
    expect(tr.nodeAt.get(40 * 60)!.condition).toBe('Unknown');
    const healed = tr.nodeAt.get(HEAL + 600)!;
    expect([healed.condition, healed.apiCut]).toEqual(['Ready', false]);
  });

  it('never heals when the partition has no end, even across a reboot and a later short partition', () => {
    const tr = trace(
      scenario([
        '{type: node-partition, at: 30m, node: w-1, duration: none, from: control-plane}',
        '{type: node-crash, at: 40m, node: w-1, repairAfter: 5m}',
        '{type: node-partition, at: 60m, node: w-1, duration: 60s, from: control-plane}',
      ]),
      [50 * 60, 170 * 60],
    );
    expect(tr.nodeAt.get(50 * 60)).toMatchObject({ up: true, apiCut: true, running: 0 });
    expect(tr.nodeAt.get(170 * 60)).toMatchObject({ up: true, apiCut: true, condition: 'Unknown', running: 0 });
  });

  it('reports Ready at the heal only the pods whose readiness probe passes (a pod restarted during the cut waits for it)', () => {
    const tr = trace(onePodCutThenCrashed('80s', '1850s'));
    const running = tr.phases.find((p) => p.t > 1850 && p.phase === 'Running')!;
    const ready = tr.ready.find((r) => r.t > 1800 && r.ready)!;
    // The Helm readiness probe (60 s initial delay) passes about a minute after the restart, well after the heal at 1880 s.
    expect(running.t).toBeLessThan(1880);
    expect(ready.t).toBeGreaterThan(running.t + 30);
  });
});

describe('a kubelet cut off from the control plane cannot report its pods not Ready', () => {
  it('a container that crashes on it stays Ready (and in the endpoints) until the node is marked Unknown', () => {
    const tr = trace(onePodCutThenCrashed('10m', '1805s'), [1830]);
    const notReady = tr.ready.find((r) => r.t > 1800 && !r.ready)!;
    // Marked Unknown after the 50 s grace period (rounded to the 5 s monitor period), not at the exit (~1 s).
    expect(notReady.t).toBeGreaterThan(1840);
    expect(notReady.t).toBeLessThan(1800 + 50 + 5 + 10 + 1);
    const crashed = tr.phases.find((p) => p.t >= 1805 && p.phase === 'Crashed')!;
    expect(crashed.t).toBeLessThan(1806);
  });
});

describe('clock skew of a server that stops writing its heartbeat', () => {
  const skewed = (offset: string) =>
    scenarioFrom(`
horizon: 40m
warmup: 10m
coordination: {miVersion: '4.4'}
cluster: {nodePools: [{name: w, count: 3, failures: {crash: null}}]}
workloads:
  - name: mi
    replicas: 3
    coordination: true
    failures: {crash: null}
    artifacts:
      - {kind: scheduled-task, name: t1, interval: 1m}
faults:
  - {type: clock-skew, at: 20m, node: w-2, offset: ${offset}, duration: none}
  - {type: node-partition, at: 30m, node: w-2, duration: 5m, from: database}
`);
  /** Seconds from the server fencing itself to the leader removing its row, over replications where it did not lead. */
  const fenceToRemoval = (offset: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < 12; i++) {
      let pod = '';
      const coordination: Array<{ t: number; kind: string; node: string }> = [];
      runReplication(skewed(offset), 3, i, {
        onStart(c, bus) {
          bus.on('coordination', (e) => coordination.push({ t: c.sim.nowS, kind: e.kind, node: e.node }));
          c.sim.scheduleAt(1799, () => (pod = c.nodes.find((n) => n.name === 'w-2')!.pods[0]!.name), null);
        },
      });
      const leader = coordination.filter((e) => e.kind === 'elected' && e.t < 1800).at(-1)!.node;
      if (leader === pod) continue;
      const fenced = coordination.find((e) => e.kind === 'fenced' && e.node === pod && e.t >= 1800)!;
      const removed = coordination.find((e) => e.kind === 'removed' && e.node === pod && e.t >= 1800)!;
      out.push(removed.t - fenced.t);
    }
    return out;
  };

  it('is judged with the clock it wrote with: a writer behind looks dead sooner, one ahead later', () => {
    const behind = fenceToRemoval('-8s');
    const none = fenceToRemoval('0s');
    const ahead = fenceToRemoval('8s');
    for (const d of [behind, none, ahead]) expect(d.length).toBeGreaterThan(3);
    // Unskewed: W - (H - phase) plus the leader's cycle: within [W - H, W + H] of the fence.
    expect(Math.max(...behind)).toBeLessThan(Math.min(...none));
    expect(Math.max(...none)).toBeLessThan(Math.min(...ahead));
    expect(Math.min(...ahead) - Math.max(...behind)).toBeGreaterThan(5);
  });
});

describe('readiness across a heal', () => {
  /** Serving pods of two (one per node) an hour after `faults`, the workload given `extra` fields. */
  const servingAfter = (extra: string, faults: string[]): number => {
    let serving = -1;
    const s = scenarioFrom(`
horizon: 2h
warmup: 0s
cluster: {nodePools: [{name: w, count: 2, failures: {crash: null}}]}
workloads:
  - {name: mi, replicas: 2, failures: {crash: null}${extra}}
faults:
${faults.map((f) => `  - ${f}`).join('\n')}
`);
    runReplication(s, 1, 0, {
      onStart(c: Cluster) {
        c.sim.scheduleAt(3600, () => (serving = c.workloads[0]!.servingCount), null);
      },
    });
    return serving;
  };
  it('a pod without readiness or startup probes (Ready from container start) is Ready again after the heal', () => {
    expect(servingAfter(', startup: {artifacts: 2}, probes: {readiness: none, startup: none}', ['{type: node-partition, at: 30m, node: w-1, duration: 10s, from: control-plane}'])).toBe(2);
  });
  it('a pod hung at the heal whose pause ends before its readiness fails is Ready afterwards', () => {
    expect(
      servingAfter('', [
        '{type: node-partition, at: 1790s, node: w-1, duration: 10s, from: control-plane}',
        '{type: jvm-pause, at: 1799.5s, workload: mi, podIndex: 0, duration: 1s}',
      ]),
    ).toBe(2);
  });
});
