import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../sim/engine/bus.js';
import { RandomStreams } from '../../sim/engine/random.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { runReplication } from '../../sim/experiment/index.js';
import type { ModelEvents } from '../../sim/model/events.js';
import { startCluster } from '../../sim/model/start.js';
import type { Traffic } from '../../sim/model/traffic/index.js';
import { OUTCOME_NAMES } from '../../sim/model/traffic/outcomes.js';
import type { RequestsMode } from '../../sim/model/traffic/requests-mode.js';
import { scenarioFrom } from '../helpers/scenario.js';

/** Counts kept from the traffic events of a requests-mode run. */
function watch(bus: EventBus<ModelEvents>, sim: Simulation) {
  const w = { arrived: 0, inFlight: 0, byOutcome: new Array<number>(OUTCOME_NAMES.length).fill(0), inFlightArea: 0, lastS: 0, timeInSystem: 0 };
  const advance = () => {
    w.inFlightArea += w.inFlight * (sim.nowS - w.lastS);
    w.lastS = sim.nowS;
  };
  bus.on('request.arrived', () => {
    advance();
    w.arrived++;
    w.inFlight++;
  });
  bus.on('request.done', (d) => {
    advance();
    w.inFlight--;
    w.byOutcome[d.outcome]++;
    w.timeInSystem += sim.nowS - d.arrivalS; // (latencyS adds the front's overhead)
  });
  return w;
}

const faultArb = fc.oneof(
  fc.record({ type: fc.constant('node-crash'), at: fc.integer({ min: 60, max: 3000 }).map((s) => `${s}s`), node: fc.constantFrom('worker-1', 'worker-2', 'worker-3'), repairAfter: fc.constantFrom('30s', '5m', 'none') }),
  fc.record({ type: fc.constantFrom('pod-crash', 'pod-hang'), at: fc.integer({ min: 60, max: 3000 }).map((s) => `${s}s`), workload: fc.constant('mi'), podIndex: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ type: fc.constant('node-drain'), at: fc.integer({ min: 60, max: 3000 }).map((s) => `${s}s`), node: fc.constantFrom('worker-1', 'worker-2'), uncordonAfter: fc.constantFrom('2m', 'none') }),
  fc.record({ type: fc.constant('scale'), at: fc.integer({ min: 60, max: 3000 }).map((s) => `${s}s`), workload: fc.constant('mi'), replicas: fc.integer({ min: 0, max: 4 }) }),
);

function trafficScenario(faults: unknown[], lb: Record<string, unknown>, queue: string | number): string {
  return JSON.stringify({
    horizon: '1h',
    warmup: '1m',
    traffic: { mode: 'requests' },
    loadBalancer: lb,
    cluster: { nodePools: [{ count: 3, failures: { crash: 'none' } }] },
    workloads: [
      {
        name: 'mi',
        replicas: 3,
        probes: { readiness: { initialDelay: '5s', period: '1s' } },
        serving: { concurrency: 4, queue },
        failures: { crash: { timeToFailure: { dist: 'exponential', mean: '20m' } } },
        // Arrivals stop 2 minutes before the horizon so that every run ends empty.
        traffic: { rate: { profile: 'step', from: '60/s', to: '0/s', at: '58m' }, cpuPerRequest: '0s', backendTime: { dist: 'exponential', mean: '40ms' }, timeout: '20s' },
      },
    ],
    faults,
  });
}

describe('requests mode accounting', () => {
  it('conservation after every event and Little’s law over each run that starts and ends empty, under random faults', () => {
    fc.assert(
      fc.property(
        fc.array(faultArb, { maxLength: 6 }),
        fc.constantFrom('round-robin', 'least-connections', 'random', 'power-of-two', 'ewma'),
        fc.constantFrom('ingress', 'cloud'),
        fc.constantFrom<string | number>('none', 3),
        fc.integer({ min: 0, max: 99 }),
        (faults, policy, type, queue, seed) => {
          const s = scenarioFrom(trafficScenario(faults, { policy, type }, queue));
          const sim = new Simulation();
          const bus = new EventBus<ModelEvents>();
          const w = watch(bus, sim);
          const c = startCluster(sim, new RandomStreams(`${seed}/0`), s, bus);
          const mode = (c.traffic as Traffic).mode as RequestsMode;
          let step = 0;
          while (sim.run({ untilS: s.horizon, maxEvents: 1 }) === 'maxEvents') {
            const done = w.byOutcome.reduce((a, b) => a + b, 0);
            if (w.arrived !== done + w.inFlight) throw new Error(`conservation broken at t=${sim.nowS}`);
            // The model's own state agrees: every request in flight is held by exactly one pod, and
            // the workers busy are the requests in service.
            if (++step % 50 !== 0) continue;
            const k = mode.census();
            if (mode.pool.inFlight !== w.inFlight) throw new Error(`pool says ${mode.pool.inFlight} in flight, events ${w.inFlight}`);
            if (k.held !== w.inFlight || k.activeBySlot !== w.inFlight) throw new Error(`held ${k.held} / active ${k.activeBySlot} for ${w.inFlight} in flight at t=${sim.nowS}`);
            if (k.busy !== k.inService) throw new Error(`${k.busy} workers busy for ${k.inService} requests in service at t=${sim.nowS}`);
          }
          expect(w.arrived).toBeGreaterThan(100_000);
          expect(w.inFlight).toBe(0);
          // Little: the area under the number in flight equals the total time spent in the system.
          expect(Math.abs(w.inFlightArea - w.timeInSystem)).toBeLessThan(1e-6 * w.timeInSystem);
        },
      ),
      { numRuns: 12, seed: 424242 },
    );
  });
});

describe('a crashed replica behind the ingress', () => {
  const scenario = (tries: number) =>
    scenarioFrom(`
horizon: 40m
warmup: 10m
seed: 3
traffic: {mode: requests}
loadBalancer: {tries: ${tries}}
kubernetes: {kubelet: {exitDetection: 1s}}
cluster: {nodePools: [{count: 3, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    failures: {crash: none}
    traffic: {rate: 300/s, cpuPerRequest: 0s, backendTime: {dist: exponential, mean: 20ms}}
faults:
  - {type: pod-crash, at: 20m, workload: mi, podIndex: 0}
`);

  it('without retries fails the requests routed to it until its endpoint is removed; with retries almost none', () => {
    const failedWithout: number[] = [];
    const failedWith: number[] = [];
    for (let i = 0; i < 5; i++) {
      const noRetry = runReplication(scenario(1), 3, i).values;
      const retry = runReplication(scenario(3), 3, i).values;
      failedWithout.push(noRetry.get('service.requests.arrived')! - noRetry.get('service.requests.succeeded')!);
      failedWith.push(retry.get('service.requests.arrived')! - retry.get('service.requests.succeeded')!);
      expect(noRetry.get('service.requests.connectionFailed')).toBeGreaterThan(0);
    }
    // The window is exit detection (1 s) + endpoint propagation (1-3 s): about 100 req/s x 2-4 s reach the dead pod.
    const mean = failedWithout.reduce((a, b) => a + b, 0) / failedWithout.length;
    expect(mean).toBeGreaterThan(100 * 2 * 0.8);
    expect(mean).toBeLessThan(100 * 4 * 1.2 + 10);
    // With retries only the few in flight at the crash are lost (100 req/s x 20 ms each).
    for (const f of failedWith) expect(f).toBeLessThan(15);
  });
});
