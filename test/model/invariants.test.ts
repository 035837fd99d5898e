import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../sim/engine/random.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { startCluster } from '../../sim/model/start.js';
import { checkInvariants } from '../../soak/invariants.js';
import { runWithInvariants, scenarioArb } from '../../soak/random-scenarios.js';
import { scenarioFrom } from '../helpers/scenario.js';

describe('model invariants under random faults', () => {
  it('hold after every event: capacity, one node per pod, counts and totals in step, desired pods kept', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        runWithInvariants(scenarioFrom(JSON.stringify(raw)), `${seed}/0`);
      }),
      { numRuns: 150, seed: 20261123 },
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
