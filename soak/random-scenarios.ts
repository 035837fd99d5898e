import fc from 'fast-check';
import { EventBus } from '../sim/engine/bus.js';
import { RandomStreams } from '../sim/engine/random.js';
import { Simulation } from '../sim/engine/simulation.js';
import type { ModelEvents } from '../sim/model/events.js';
import { startCluster } from '../sim/model/start.js';
import { formatScenarioError, loadScenarioText, type Scenario } from '../sim/scenario/index.js';
import { checkInvariants } from './invariants.js';

/**
 * Random valid scenarios under random stochastic failures and scripted faults, for the model's
 * invariants (test/model/invariants.test.ts and the soak harness). Small clusters, every fault
 * type, a 12-hour horizon: a few thousand events each.
 */

const duration = (min: number, max: number) => fc.integer({ min, max }).map((s) => `${s}s`);

const faultArb = fc.oneof(
  fc.record({ type: fc.constant('node-crash'), at: duration(60, 40000), node: fc.constantFrom('a-1', 'a-2', 'a-3', 'b-1'), repairAfter: fc.oneof(duration(1, 3000), fc.constant('none')) }),
  fc.record({ type: fc.constant('node-drain'), at: duration(60, 40000), node: fc.constantFrom('a-1', 'a-2', 'b-1'), uncordonAfter: fc.oneof(duration(1, 3000), fc.constant('none')) }),
  fc.record({ type: fc.constantFrom('pod-crash', 'pod-hang'), at: duration(60, 40000), workload: fc.constantFrom('w0', 'w1'), podIndex: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ type: fc.constant('scale'), at: duration(60, 40000), workload: fc.constantFrom('w0', 'w1'), replicas: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ type: fc.constant('rolling-update'), at: duration(60, 40000), workload: fc.constantFrom('w0', 'w1') }),
  fc.record({ type: fc.constant('jvm-pause'), at: duration(60, 40000), workload: fc.constantFrom('w0', 'w1'), podIndex: fc.integer({ min: 0, max: 3 }), duration: duration(1, 120) }),
  fc.record({ type: fc.constant('coordination-db-outage'), at: duration(60, 40000), duration: duration(1, 900) }),
  fc.record({ type: fc.constant('node-partition'), at: duration(60, 40000), node: fc.constantFrom('a-1', 'a-2', 'b-1'), duration: fc.oneof(duration(1, 3000), fc.constant('none')), from: fc.constantFrom('both', 'control-plane', 'database') }),
  fc.record({ type: fc.constant('clock-skew'), at: duration(60, 40000), node: fc.constantFrom('a-1', 'a-2', 'b-1'), offset: fc.integer({ min: -40, max: 40 }).map((x) => `${x}s`), duration: duration(1, 3000) }),
  fc.record({ type: fc.constant('coordination-db-slowness'), at: duration(60, 40000), duration: duration(1, 900), queryTime: fc.constant({ dist: 'uniform', min: '0s', max: '3s' }) }),
);

const workloadArb = (name: string) =>
  fc.record({
    name: fc.constant(name),
    replicas: fc.integer({ min: 0, max: 5 }),
    servesTraffic: fc.boolean(),
    resources: fc.record({
      requests: fc.record({ cpu: fc.constantFrom('250m', '500m', '1500m', '3'), memory: fc.constantFrom('512Mi', '4Gi') }),
      limits: fc.record({ cpu: fc.constantFrom('none', '3', '4') }),
    }),
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
    strategy: fc.constantFrom(
      { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
      { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 },
      { type: 'RollingUpdate', maxSurge: 2, maxUnavailable: 0 },
      { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: 0, minReadySeconds: '20s' },
      { type: 'Recreate' },
    ),
    traffic: fc.constantFrom('none', { rate: '20/s', cpuPerRequest: '2ms', backendTime: '50ms' }, { rate: { profile: 'spike', base: '200/s', peak: '3000/s', at: '2h', duration: '1h' }, cpuPerRequest: '1ms', backendTime: '10ms' }),
    autoscaling: fc.constantFrom('none', { minReplicas: 1, maxReplicas: 4, targetCPUUtilization: 50 }),
    failures: fc.record({
      crash: fc.constantFrom('none', { timeToFailure: { dist: 'exponential', mean: '2h' } }),
      hang: fc.constantFrom('none', { timeToFailure: { dist: 'exponential', mean: '5h' } }),
      jvmPause: fc.constantFrom('none', { timeToFailure: { dist: 'exponential', mean: '3h' }, duration: { dist: 'uniform', min: '1s', max: '60s' } }),
    }),
    coordination: fc.boolean(),
    artifacts: fc.constantFrom(
      [],
      [{ kind: 'scheduled-task', name: `${name}-t`, interval: '30s' }],
      [
        { kind: 'scheduled-task', name: 'shared', at: ['0s', '30m'], every: '1h' },
        { kind: 'scheduled-task', name: `${name}-pinned`, interval: '1m', pinnedServers: [`${name}-1`, `${name}-4`] },
        { kind: 'scheduled-task', name: `${name}-local`, interval: '10s', coordination: false },
      ],
      [
        { kind: 'message-processor', name: `${name}-mp`, feedRate: '20/s', dropAfterMaxAttempts: false, reactivateAfter: '10m', backendFailures: { timeBetween: { dist: 'exponential', mean: '2h' }, duration: '5m' } },
        { kind: 'inbound-endpoint', name: `${name}-kafka`, protocol: 'kafka', messageRate: '5/s' },
        { kind: 'inbound-endpoint', name: `${name}-mqtt`, protocol: 'mqtt', messageRate: '5/s', coordination: false },
      ],
    ),
  });

/** Random valid scenarios: two pools, two workloads, every fault type, failures on, a 12-hour horizon. */
export const scenarioArb = fc.record({
  horizon: fc.constant('12h'),
  warmup: fc.constant('10m'),
  cluster: fc.record({
    nodePools: fc.tuple(
      fc.record({
        name: fc.constant('a'),
        count: fc.constant(3),
        cpu: fc.constantFrom('2', '4'),
        failures: fc.constantFrom(
          { crash: { timeToFailure: { dist: 'exponential', mean: '8h' } }, repairTime: '20m' },
          {
            crash: { timeToFailure: { dist: 'exponential', mean: '8h' } },
            repairTime: '20m',
            partition: { timeBetween: { dist: 'exponential', mean: '4h' }, duration: '15m', from: 'both' },
            clockSkew: { timeBetween: { dist: 'exponential', mean: '4h' }, duration: '30m' },
          },
        ),
      }),
      fc.record({ name: fc.constant('b'), count: fc.integer({ min: 1, max: 2 }), zones: fc.constant(['zone-z']), failures: fc.constant({ crash: 'none' }) }),
    ),
  }),
  workloads: fc.tuple(workloadArb('w0'), workloadArb('w1')),
  coordination: fc.record({
    miVersion: fc.constantFrom('4.3', '4.4', '4.5'),
    resolver: fc.constantFrom({ type: 'active-passive' }, { type: 'round-robin', taskServerCount: 2 }, { type: 'task-node', taskNodes: ['w0-2', 'w1-1'] }),
    database: fc.constantFrom(
      {},
      { failures: { outage: { timeBetween: { dist: 'exponential', mean: '2h' }, duration: '5m' }, slowness: { timeBetween: { dist: 'exponential', mean: '2h' }, duration: '10m' } } },
    ),
  }),
  loadBalancer: fc.record({
    type: fc.constantFrom('ingress', 'cloud'),
    policy: fc.constantFrom('round-robin', 'least-connections', 'random', 'power-of-two', 'ewma'),
  }),
  faults: fc.array(faultArb, { maxLength: 8 }),
});


/** Most events one random scenario may take before it counts as a runaway. */
const MAX_STEPS = 200_000;

export interface RandomScenario {
  text: string;
  scenario: Scenario;
  /** Runs it event by event, checking every invariant after each; throws at the first broken one. */
  runWithInvariants(): void;
}

/** Random scenario number `seed` (the same seed gives the same scenario and the same run). */
export function randomScenario(seed: number): RandomScenario {
  const [raw] = fc.sample(scenarioArb, { seed, numRuns: 1 });
  const text = JSON.stringify(raw);
  const r = loadScenarioText(text, `random-${seed}.json`);
  if (r.scenario === undefined) throw new Error(`random scenario ${seed} does not load: ${r.errors.map(formatScenarioError).join('; ')}`);
  const scenario = r.scenario;
  return { text, scenario, runWithInvariants: () => runWithInvariants(scenario, `${seed}/0`) };
}

/** Runs one replication of `scenario` event by event, checking the invariants after each. */
export function runWithInvariants(scenario: Scenario, rootSeed: string): void {
  const sim = new Simulation();
  const c = startCluster(sim, new RandomStreams(rootSeed), scenario, new EventBus<ModelEvents>());
  let lastS = 0;
  let steps = 0;
  while (sim.run({ untilS: scenario.horizon, maxEvents: 1 }) === 'maxEvents' || sim.peekTimeS() <= scenario.horizon) {
    if (sim.nowS < lastS) throw new Error(`time went backwards at event ${sim.eventsExecuted}`);
    lastS = sim.nowS;
    try {
      checkInvariants(c);
    } catch (e) {
      (e as Error).message = `${(e as Error).message} (seed ${rootSeed}, t=${sim.nowS}s, event ${sim.eventsExecuted})`;
      throw e;
    }
    if (++steps > MAX_STEPS) throw new Error(`runaway event count (seed ${rootSeed})`);
    if (sim.pendingCount === 0) break;
  }
  checkInvariants(c);
}
