import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../sim/engine/bus.js';
import { RandomStreams } from '../../sim/engine/random.js';
import { Simulation } from '../../sim/engine/simulation.js';
import type { ModelEvents } from '../../sim/model/events.js';
import type { Cluster } from '../../sim/model/kube/cluster.js';
import type { Pod } from '../../sim/model/kube/types.js';
import { startCluster } from '../../sim/model/start.js';
import { scenarioFrom } from '../helpers/scenario.js';

/**
 * State invariants, checked after every single event of randomly generated clusters under random
 * stochastic failures and random scripted fault schedules.
 */
export function checkInvariants(c: Cluster): void {
  const onNode = new Set<Pod>();
  let upNodes = 0;
  let activePods = 0;
  let activeCpu = 0;
  for (const node of c.nodes) {
    if (node.up) upNodes++;
    let cpu = 0;
    let memory = 0;
    for (const pod of node.pods) {
      if (pod.node !== node) throw new Error(`${pod.name} listed on ${node.name} but bound to ${pod.node?.name}`);
      if (onNode.has(pod)) throw new Error(`${pod.name} on two nodes`);
      onNode.add(pod);
      if (pod.phase === 'Gone' || pod.phase === 'Pending') throw new Error(`${pod.name} on ${node.name} in phase ${pod.phase}`);
      cpu += pod.workload.config.resources.cpu;
      memory += pod.workload.config.resources.memory;
      if (node.up) {
        activePods++;
        activeCpu += pod.workload.config.resources.cpu;
      } else if (pod.phase !== 'NodeDown') throw new Error(`${pod.name} is ${pod.phase} on down node ${node.name}`);
    }
    if (Math.abs(cpu - node.allocatedCpu) > 1e-6 || Math.abs(memory - node.allocatedMemory) > 1e-6) throw new Error(`${node.name} allocation out of step`);
    if (node.allocatedCpu > node.cpuMillicores + 1e-6 || node.allocatedMemory > node.memoryMiB + 1e-6) throw new Error(`${node.name} over capacity`);
  }
  for (const w of c.workloads) {
    let serving = 0;
    let running = 0;
    let notDeleted = 0;
    for (const pod of w.pods) {
      if (pod.node === null && pod.phase !== 'Pending') throw new Error(`${pod.name} unbound in phase ${pod.phase}`);
      if (pod.node !== null && !onNode.has(pod)) throw new Error(`${pod.name} bound to ${pod.node.name} but not listed there`);
      const isRunning = pod.phase === 'Running' && !pod.hung;
      if (isRunning && !pod.node!.up) throw new Error(`${pod.name} running on a down node`);
      if (isRunning) running++;
      if (isRunning && pod.apiReady) serving++;
      if (pod.hung && pod.phase !== 'Running' && pod.phase !== 'Killing' && pod.phase !== 'Terminating') throw new Error(`${pod.name} hung in ${pod.phase}`);
      if (!pod.deleted) notDeleted++;
    }
    if (serving !== w.servingCount || running !== w.runningCount) throw new Error(`${w.name} counts out of step`);
    if (notDeleted !== w.desired) throw new Error(`${w.name} has ${notDeleted} pods for ${w.desired} desired`);
  }
  if (upNodes !== c.usage.upNodes || activePods !== c.usage.activePods || Math.abs(activeCpu - c.usage.activeCpuMillicores) > 1e-6) {
    throw new Error('usage totals out of step');
  }
}

const duration = (min: number, max: number) => fc.integer({ min, max }).map((s) => `${s}s`);

const faultArb = fc.oneof(
  fc.record({ type: fc.constant('node-crash'), at: duration(60, 40000), node: fc.constantFrom('a-1', 'a-2', 'a-3', 'b-1'), repairAfter: fc.oneof(duration(1, 3000), fc.constant('none')) }),
  fc.record({ type: fc.constant('node-drain'), at: duration(60, 40000), node: fc.constantFrom('a-1', 'a-2', 'b-1'), uncordonAfter: fc.oneof(duration(1, 3000), fc.constant('none')) }),
  fc.record({ type: fc.constantFrom('pod-crash', 'pod-hang'), at: duration(60, 40000), workload: fc.constantFrom('w0', 'w1'), podIndex: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ type: fc.constant('scale'), at: duration(60, 40000), workload: fc.constantFrom('w0', 'w1'), replicas: fc.integer({ min: 0, max: 6 }) }),
);

const workloadArb = (name: string) =>
  fc.record({
    name: fc.constant(name),
    replicas: fc.integer({ min: 0, max: 5 }),
    servesTraffic: fc.boolean(),
    resources: fc.record({ cpu: fc.constantFrom('250m', '500m', '1500m', '3'), memory: fc.constantFrom('512Mi', '4Gi') }),
    startup: fc.record({ imagePull: duration(0, 60), serverStart: duration(1, 30), artifacts: fc.integer({ min: 0, max: 3 }) }),
    probes: fc.record({
      startup: fc.constantFrom('none', { initialDelay: '5s', period: '3s', failureThreshold: 2 }),
      readiness: fc.constantFrom('none', { initialDelay: '10s', period: '2s' }),
      liveness: fc.constantFrom('none', { period: '10s' }),
    }),
    scheduling: fc.record({
      podAntiAffinity: fc.record({ required: fc.constantFrom('none', 'hostname', 'zone'), preferred: fc.constantFrom('none', 'zone') }),
      topologySpread: fc.constantFrom([], [{ topologyKey: 'zone', maxSkew: 1 }]),
    }),
    podDisruptionBudget: fc.constantFrom('none', { minAvailable: 1 }),
    failures: fc.record({
      crash: fc.constantFrom('none', { timeToFailure: { dist: 'exponential', mean: '2h' } }),
      hang: fc.constantFrom('none', { timeToFailure: { dist: 'exponential', mean: '5h' } }),
    }),
  });

const scenarioArb = fc.record({
  horizon: fc.constant('12h'),
  warmup: fc.constant('10m'),
  cluster: fc.record({
    nodePools: fc.tuple(
      fc.record({ name: fc.constant('a'), count: fc.constant(3), cpu: fc.constantFrom('2', '4'), failures: fc.constant({ crash: { timeToFailure: { dist: 'exponential', mean: '8h' } }, repairTime: '20m' }) }),
      fc.record({ name: fc.constant('b'), count: fc.integer({ min: 1, max: 2 }), zones: fc.constant(['zone-z']), failures: fc.constant({ crash: 'none' }) }),
    ),
  }),
  workloads: fc.tuple(workloadArb('w0'), workloadArb('w1')),
  faults: fc.array(faultArb, { maxLength: 8 }),
});

describe('model invariants under random faults', () => {
  it('hold after every event: capacity, one node per pod, counts and totals in step, desired pods kept', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        const scenario = scenarioFrom(JSON.stringify(raw));
        const sim = new Simulation();
        const c = startCluster(sim, new RandomStreams(`${seed}/0`), scenario, new EventBus<ModelEvents>());
        let lastS = 0;
        let steps = 0;
        while (sim.run({ untilS: scenario.horizon, maxEvents: 1 }) === 'maxEvents' || sim.peekTimeS() <= scenario.horizon) {
          if (sim.nowS < lastS) throw new Error('time went backwards');
          lastS = sim.nowS;
          checkInvariants(c);
          if (++steps > 200_000) throw new Error('runaway event count');
          if (sim.pendingCount === 0) break;
        }
        checkInvariants(c);
      }),
      { numRuns: 60, seed: 20261123 },
    );
  });
});

describe('scale to zero and back', () => {
  it('removes every pod, frees the nodes, then restores the replicas', () => {
    const s = scenarioFrom(`
horizon: 2h
cluster: {nodePools: [{count: 2, failures: {crash: none}}]}
workloads: [{name: mi, replicas: 3, failures: {crash: none}}]
faults:
  - {type: scale, at: 30m, workload: mi, replicas: 0}
  - {type: scale, at: 1h, workload: mi, replicas: 2}
`);
    const sim = new Simulation();
    const c = startCluster(sim, new RandomStreams('1/0'), s);
    sim.run({ untilS: 45 * 60 });
    checkInvariants(c);
    expect(c.workloads[0]!.pods).toHaveLength(0);
    expect(c.nodes.every((n) => n.allocatedCpu === 0)).toBe(true);
    sim.run({ untilS: 2 * 3600 });
    checkInvariants(c);
    expect(c.workloads[0]!.servingCount).toBe(2);
  });
});
