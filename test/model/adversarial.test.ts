import { describe, expect, it } from 'vitest';
import { formatRun } from '../../cli/format.js';
import { makeDistribution, MAX_DRAW, truncatedNormal } from '../../sim/engine/distributions.js';
import { RandomStreams } from '../../sim/engine/random.js';
import { Simulation } from '../../sim/engine/simulation.js';
import { runExperiment, runReplication } from '../../sim/experiment/index.js';
import { EventLimitError } from '../../sim/experiment/replication.js';
import { saturationThroughput } from '../../sim/experiment/saturation.js';
import type { Cluster } from '../../sim/model/kube/cluster.js';
import type { Scenario } from '../../sim/scenario/index.js';
import { builtin, scenarioFrom } from '../helpers/scenario.js';
import { load } from '../scenario/helpers.js';

/**
 * Regressions from the adversarial probe of issue 8 (about 23,000 mutated scenarios and a sweep of
 * every duration and distribution field against extreme values): each input here used to crash
 * with an internal error, hang, or give a silently wrong result.
 */

const messagesOf = (text: string, overrides: string[] = []): string[] => load(text, 's.yaml', overrides).messages;

describe('defect 1: node timings that would schedule an event in the past', () => {
  it('a lease renewal interval at or above the grace period is an error naming the relation', () => {
    const r = load('workloads: [{name: mi}]\n', 's.yaml', ['kubernetes.nodeLeaseRenewInterval=5m']);
    expect(r.messages).toEqual([
      '--set kubernetes.nodeLeaseRenewInterval=5m kubernetes.nodeLeaseRenewInterval: expected a duration shorter than nodeMonitorGracePeriod (50s): a healthy node that renews its lease less often than the grace period is marked Unknown between renewals, got 5m',
    ]);
    expect(messagesOf('workloads: [{name: mi}]\nkubernetes: {nodeMonitorGracePeriod: 3s}\n')).toEqual([
      's.yaml:2:38 kubernetes.nodeMonitorGracePeriod: expected a duration longer than nodeLeaseRenewInterval (10s): a healthy node that renews its lease less often than the grace period is marked Unknown between renewals, got 3s',
    ]);
  });

  it('a renewal interval just under the grace period runs through node crashes', () => {
    const s = builtin('multiple-replicas', [
      'kubernetes.nodeLeaseRenewInterval=49s',
      'kubernetes.nodeMonitorGracePeriod=50s',
      'cluster.nodePools[0].failures.crash.timeToFailure={dist: exponential, mean: 2d}',
      'cluster.nodePools[0].failures.repairTime=10m',
      'horizon=30d',
    ]);
    for (let i = 0; i < 5; i++) expect(() => runReplication(s, 1, i)).not.toThrow();
  });
});

describe('defect 2: work the event limit did not see', () => {
  const coordinated = (heartbeat: string) => `
horizon: 1d
warmup: 0s
coordination: {heartbeatInterval: ${heartbeat}}
workloads:
  - name: mi
    replicas: 2
    coordination: true
    artifacts: [{kind: scheduled-task, name: t1, interval: 1m}]
faults: [{type: coordination-db-outage, at: 2h, duration: 10m}]
`;

  it('a heartbeat interval below 1 ms is an error (it used to run for minutes without output)', () => {
    expect(messagesOf(coordinated('1e-12'))).toEqual(['s.yaml:4:35 coordination.heartbeatInterval: expected a duration of at least 1ms, got 1e-12']);
    expect(messagesOf(coordinated('1ms'))).toEqual([]);
  });

  it('every action of the coordination group counts against limits.maxEventsPerReplication', () => {
    const s = scenarioFrom(coordinated('1ms'));
    let cluster: Cluster | undefined;
    const out = runReplication(s, 1, 0, { onStart: (c) => (cluster = c) });
    const sim = cluster!.sim;
    expect(sim.workDone).toBeGreaterThan(sim.eventsExecuted);
    expect(out.events).toBe(sim.eventsExecuted);
    // A limit between the events and the work stops the run.
    const limit = Math.floor((sim.eventsExecuted + sim.workDone) / 2);
    expect(() => runReplication({ ...s, limits: { ...s.limits, maxEventsPerReplication: limit } }, 1, 0)).toThrow(EventLimitError);
  });

  it('a membership-event poll period of a year costs no more work than one of a second', () => {
    const work = (poll: string): number => {
      const s = scenarioFrom(`
horizon: 30d
warmup: 0s
coordination: {memberEventPollPeriod: ${poll}, database: {failures: {outage: {timeBetween: {dist: exponential, mean: 1d}}}}}
workloads:
  - {name: mi, replicas: 2, coordination: true, failures: {crash: {timeToFailure: {dist: exponential, mean: 1h}}}, artifacts: [{kind: scheduled-task, name: t1, interval: 1m}]}
`);
      let total = 0;
      for (let i = 0; i < 3; i++) {
        let cluster: Cluster | undefined;
        runReplication(s, 1, i, { onStart: (c) => (cluster = c) });
        total += cluster!.sim.workDone;
      }
      return total;
    };
    expect(work('1y')).toBeLessThan(1.2 * work('1s'));
  });

  it('the engine counts charged work against maxEvents', () => {
    const sim = new Simulation();
    let ran = 0;
    for (let i = 0; i < 10; i++) sim.schedule(i, () => (ran++, sim.chargeWork(4)));
    expect(sim.run({ maxEvents: 12 })).toBe('maxEvents');
    expect(ran).toBe(3); // 5 units each: 15 >= 12 after the third
    expect(sim.eventsExecuted).toBe(3);
    expect(sim.workDone).toBe(15);
  });
});

describe('defect 5: artifact names that are members of Object.prototype', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
  it('each is a metric and a table row, and nothing is written onto Object.prototype', () => {
    const tasks = names.map((n) => `      - {kind: scheduled-task, name: ${n}, interval: 1m}`).join('\n');
    const s = scenarioFrom(`horizon: 1d\nreplications: 2\nworkloads:\n  - name: mi\n    artifacts:\n${tasks}\n`);
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const result = runExperiment(s);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(Object.keys(result.metrics.artifacts!)).toEqual(names);
    const json = JSON.parse(JSON.stringify(result));
    for (const n of names) expect(Object.hasOwn(json.metrics.artifacts, n) && json.metrics.artifacts[n].availability.mean).toBe(1);
    const table = formatRun(result);
    for (const n of names) expect(table).toContain(`${n}: running`);
  });
});

describe('defect 6: the truncated normal far below zero', () => {
  it('normal(-40s, 1s) has its mean (sd / alpha, about) and finite draws inside its CI', () => {
    const d = truncatedNormal(-40, 1);
    // phi(40) / Q(40) - 40 by Laplace's continued fraction, summed backwards with 10,000 terms.
    expect(d.mean).toBeCloseTo(0.024968847207263722, 15);
    const rng = new RandomStreams(3).stream('far-tail');
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = d.sample(rng);
      expect(Number.isFinite(x) && x >= 0).toBe(true);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const half = 1.96 * Math.sqrt((sumSq / n - mean * mean) / n);
    expect(Math.abs(mean - d.mean)).toBeLessThan(half);
    expect(half).toBeLessThan(0.02 * d.mean);
  });

  it('the quantile solves the tail exactly where the tail probability underflows', () => {
    // P(Z > 40 + x | Z > 40) = 1/2: x = 0.017314126764651... (-ln 2 / 40 to first order).
    expect(truncatedNormal(-40, 1).quantile(0.5)).toBeCloseTo(0.017314126764651105, 12);
    expect(truncatedNormal(-1e300, 1).mean).toBe(1e-300);
    expect(truncatedNormal(-1e300, 1).sample(() => 0.999)).toBeGreaterThan(0);
  });

  it('as a service time it serves (it used to give 0% success); as a time to failure it is accepted', () => {
    const s = builtin('single-replica', ['workloads[0].traffic.backendTime={dist: normal, mean: -40s, sd: 1s}', 'horizon=2d', 'replications=2']);
    const r = runExperiment(s);
    expect((r.metrics.service as any).requestSuccessRate.mean).toBeGreaterThan(0.99);
    expect(messagesOf('workloads: [{name: mi, failures: {crash: {timeToFailure: {dist: normal, mean: -40s, sd: 1s}}}}]\n')).toEqual([]);
  });
});

describe('defect 7: draws at Infinity', () => {
  const field = (text: string) => messagesOf(`workloads: [{name: mi, startup: {serverStart: ${text}}}]\n`);
  it.each([
    ['{dist: weibull, shape: 0.001, scale: 1s}', 'an infinite mean'],
    ['{dist: lognormal, median: 5s, p95: 1e300}', 'a duration from 0.001ms to 1000y'],
    ['{dist: lognormal, median: 1s, p95: 999y}', 'got a mean of about 2.52e+39 years'],
    ['{dist: lognormal, mu: 1, sigma: 1e6}', 'an infinite mean'],
    ['{dist: gamma, shape: 2, scale: 1e308}', 'a duration from 0.001ms to 1000y'],
    ['{dist: normal, mean: 0s, sd: 1e308}', 'a duration of 0, or from 0.001ms to 1000y'],
    ['{dist: exponential, mean: 1e308}', 'a duration from 0.001ms to 1000y'],
    ['{dist: uniform, min: 0s, max: 1e308}', 'a duration of 0, or from 0.001ms to 1000y'],
    ['1e308', 'a duration of at most 1000y'],
  ])('%s is an error at the field (%s)', (text, expected) => {
    const m = field(text);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^s\.yaml:1:\d+ workloads\[0\]\.startup\.serverStart(\.\w+)?: expected /);
    expect(m[0]).toContain(expected);
  });

  it.each([
    ['workloads[0].traffic.backendTime={dist: exponential, mean: 1e308}', 'workloads[0].traffic.backendTime.mean'],
    ['workloads[0].artifacts=[{kind: message-processor, name: p, retryInterval: 1e308}]', 'workloads[0].artifacts[0].retryInterval'],
    ['workloads[0].artifacts=[{kind: message-processor, name: p, forwardTime: 1e308}]', 'workloads[0].artifacts[0].forwardTime'],
    ['workloads[0].probes.readiness.period=1e-15', 'workloads[0].probes.readiness.period'],
    ['workloads[0].probes.liveness.period=1e-15', 'workloads[0].probes.liveness.period'],
    ['kubernetes.tolerationSeconds=1e308', 'kubernetes.tolerationSeconds'],
  ])('--set %s is an error at %s', (set, path) => {
    const r = load('workloads: [{name: mi, traffic: {rate: 10/s}}]\n', 's.yaml', [set]);
    expect(r.errors.map((e) => e.path)).toEqual([path]);
  });

  it('a mean within the horizon cap can still have a tail past it: draws stop at MAX_DRAW', () => {
    const d = makeDistribution({ dist: 'weibull', shape: 0.05, scale: 1e-16 }); // mean 1e-16 * 20! = 243 s
    expect(d.mean).toBeLessThan(1000);
    expect(d.sample(() => 1 - 2 ** -53)).toBe(MAX_DRAW);
    expect(makeDistribution({ dist: 'lognormal', mu: 0, sigma: 5 }).sample(() => 1 - 2 ** -53)).toBe(MAX_DRAW);
  });

  it('the negative weight of an empirical distribution is named by its index', () => {
    expect(field('{dist: empirical, values: [1s, 2s], weights: [1, -2]}')).toEqual([
      's.yaml:1:96 workloads[0].startup.serverStart.weights[1]: expected a number >= 0, got -2',
    ]);
  });
});

describe('defect 8: the saturation throughput does not depend on the offered rate', () => {
  it('is the same at 200/s, 1e6/s and 1e9/s; 1e17/s is an error', () => {
    const at = (rate: string): number => saturationThroughput(builtin('multiple-replicas', [`workloads[0].traffic.rate=${rate}`]))!.rps;
    const base = at('200/s');
    // Three pods capped at one core each: about 3 / (mean CPU per request), whatever the offered rate.
    expect(base).toBeGreaterThan(4000);
    expect(at('1000000/s')).toBe(base);
    expect(at('1000000000/s')).toBe(base);
    expect(load('workloads: [{name: mi}]\n', 's.yaml', ['workloads[0].traffic.rate=1e17']).messages).toEqual([
      '--set workloads[0].traffic.rate=1e17 workloads[0].traffic.rate: expected a rate of 0 or from 1e-9/s to 1e9/s (1,000,000,000 per second), got 100000000000000000',
    ]);
  });
});

describe('defect 9: large clusters', () => {
  it('more than 5000 nodes or 10,000 pods in all is an error', () => {
    const pools = Array.from({ length: 6 }, (_, i) => `{name: p${i}, count: 1000}`).join(', ');
    expect(messagesOf(`cluster: {nodePools: [${pools}]}\nworkloads: [{name: mi}]\n`)).toEqual([
      's.yaml:1:22 cluster.nodePools: expected at most 5000 nodes in all (the largest cluster Kubernetes supports), got 6000 nodes in 6 pools',
    ]);
    const workloads = Array.from({ length: 11 }, (_, i) => `{name: w${i}, replicas: 1000}`).join(', ');
    expect(messagesOf(`workloads: [${workloads}]\n`)[0]).toContain('workloads: expected at most 10000 pods asked for in all');
    expect(messagesOf('workloads: [{name: a, replicas: 1}]\nfaults: [{type: scale, at: 1h, workload: a, replicas: 1000}]\n')).toEqual([]);
  });

  it('a replication reports its simulated time as it goes', () => {
    const s: Scenario = builtin('multiple-replicas', ['horizon=10d']);
    const times: number[] = [];
    const plain = runReplication(s, 1, 0);
    const watched = runReplication(s, 1, 0, { onTime: (t) => times.push(t) });
    expect(times.length).toBeGreaterThanOrEqual(100);
    expect(times.at(-1)).toBe(s.horizon);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    // Cutting the run into steps changes nothing.
    expect([...watched.values]).toEqual([...plain.values]);
    expect(watched.events).toBe(plain.events);
  });
});

describe('found by the soak harness', () => {
  it('a rate too small to wait for (5e-324/s) is an error; 1e-9/s and 0 are rates', () => {
    const mp = (rate: string) => messagesOf(`workloads: [{name: mi, artifacts: [{kind: message-processor, name: p, feedRate: ${rate}}]}]\n`);
    expect(mp('5e-324')).toEqual([
      's.yaml:1:81 workloads[0].artifacts[0].feedRate: expected a rate of 0 or from 1e-9/s to 1e9/s (1,000,000,000 per second), got 5e-324',
    ]);
    expect(mp('1e-9')).toEqual([]);
    expect(mp('0')).toEqual([]);
  });

  it('a node eviction rate of 5e-324 per second is an error (the next taint slot was at Infinity)', () => {
    expect(messagesOf('workloads: [{name: mi}]\nkubernetes: {nodeEvictionRate: 5e-324}\n')).toEqual([
      's.yaml:2:32 kubernetes.nodeEvictionRate: expected a number from 1e-9 to 1e9, got 5e-324',
    ]);
  });

  it('a duration between 0 and 1 microsecond is an error (dividing by it overflowed)', () => {
    expect(messagesOf('workloads: [{name: mi, terminationGracePeriod: 1e-300}]\n')).toEqual([
      's.yaml:1:48 workloads[0].terminationGracePeriod: expected a duration of 0 or at least 0.001ms, got 1e-300',
    ]);
    expect(messagesOf('workloads: [{name: mi, startup: {serverStart: {dist: uniform, min: 5e-324, max: 1s}}}]\n')[0]).toContain('serverStart.min: expected a duration of 0, or from 0.001ms to 1000y');
  });

  it('a service time past the timeout times out in the fluid mode as in the requests mode (it counted as a success)', () => {
    for (const mode of ['fluid', 'requests']) {
      const s = builtin('single-replica', ['workloads[0].traffic.backendTime=1h', `traffic.mode=${mode}`, 'workloads[0].traffic.rate=1/s', 'horizon=2h', 'replications=1']);
      const m = runExperiment(s, undefined, { saturation: false }).metrics.service as any;
      expect(m.requestSuccessRate.mean, mode).toBe(0);
      expect(m.requests.timedOut.mean, mode).toBeGreaterThan(0);
    }
  });

  it('requests lost when a pod dies never make the success count negative', () => {
    const s = builtin('multiple-replicas', ['workloads[0].failures.jvmPause={timeToFailure: 1ms, duration: 1s}', 'horizon=1d', 'replications=2']);
    for (let i = 0; i < 2; i++) {
      const v = runReplication(s, 1, i).values;
      expect(v.get('service.requestSuccessRate')).toBeGreaterThanOrEqual(0);
      expect(v.get('workloads.mi.requestSuccessRate')).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('found in review', () => {
  it('a horizon below 1 ms is an error (5e-324 stalled the progress steps)', () => {
    expect(messagesOf('workloads: [{name: mi}]\nhorizon: 5e-324\n')).toEqual(['s.yaml:2:10 horizon: expected a duration of at least 1ms and at most 1000y, got 5e-324']);
    const s = scenarioFrom('workloads: [{name: mi}]\nhorizon: 1ms\nwarmup: 0s\n');
    const times: number[] = [];
    runReplication(s, 1, 0, { onTime: (t) => times.push(t) });
    expect(times.at(-1)).toBe(0.001);
  });

  it('the requests mode counts the windows it looks through for the next arrival as work', () => {
    const run = (rate: string) => {
      const s = scenarioFrom(`
horizon: 100y
warmup: 0s
traffic: {mode: requests}
cluster: {nodePools: [{count: 1, failures: {crash: none}}]}
workloads: [{name: mi, failures: {crash: none}, traffic: {rate: ${rate}}}]
`);
      let cluster: Cluster | undefined;
      const out = runReplication(s, 1, 0, { onStart: (c) => (cluster = c) });
      return { events: out.events, work: cluster!.sim.workDone };
    };
    // A constant rate is one draw per arrival: about 3 arrivals in 100 years at 1e-9/s.
    expect(run('1e-9/s').work).toBeLessThan(100);
    // A varying rate far below the thinning window's scale: every 600 s window is counted.
    const slow = run('{profile: step, from: 1e-9/s, to: 2e-9/s, at: 50y}');
    expect(slow.work).toBeGreaterThan((100 * 365 * 86400) / 600);
    expect(slow.events).toBeLessThan(1000);
    // A rate of 0 until the step jumps straight to it: half the windows.
    const zeroFirst = run('{profile: step, from: 0/s, to: 1e-9/s, at: 50y}').work;
    expect(zeroFirst / slow.work).toBeGreaterThan(0.45);
    expect(zeroFirst / slow.work).toBeLessThan(0.55);
  });
});
