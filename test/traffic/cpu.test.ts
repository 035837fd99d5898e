import { describe, expect, it } from 'vitest';
import { makeDistribution } from '../../sim/engine/distributions.js';
import { runExperiment, saturationThroughput, type MetricSummary, type RunResult } from '../../sim/experiment/index.js';
import { cpuStretch, podCapacityRps, waterFill } from '../../sim/model/traffic/cpu.js';
import { builtin, scenarioFrom } from '../helpers/scenario.js';

/** A summary by dotted metric path (failing the test when it is missing or has no mean). */
function metric(r: RunResult, path: string): MetricSummary & { mean: number } {
  const m = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r.metrics) as MetricSummary | undefined;
  if (!m || m.mean === null) throw new Error(`no metric ${path}`);
  return m as MetricSummary & { mean: number };
}

/** One pod on a node of `nodeCpu`, CPU-only requests (no backend), Poisson arrivals. */
function onePod(opts: { rate: number; cpu: string; limit: string; nodeCpu?: string; mode?: string; horizon?: string; replications?: number; replicas?: number }): string {
  return `
horizon: ${opts.horizon ?? '2h'}
warmup: 10m
seed: 11
replications: ${opts.replications ?? 10}
traffic: {mode: ${opts.mode ?? 'requests'}}
cluster: {nodePools: [{count: ${opts.replicas ?? 1}, cpu: "${opts.nodeCpu ?? '4'}", failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: ${opts.replicas ?? 1}
    resources: {requests: {cpu: 500m}, limits: {cpu: ${opts.limit}}}
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    failures: {crash: none}
    traffic: {rate: ${opts.rate}/s, cpuPerRequest: ${opts.cpu}, backendTime: 0s, timeout: 10m}
`;
}

describe('the CPU formulas', () => {
  it('stretch: M/M/1-PS with one core, 1 with cores to spare, Infinity at capacity', () => {
    for (const rho of [0.1, 0.5, 0.9, 0.99]) expect(cpuStretch(rho / 0.002, 0.002, 1)).toBeCloseTo(1 / (1 - rho), 9);
    // Half a core is one server at half speed: M/M/1 again, in units of the slower server.
    expect(cpuStretch(100, 0.002, 0.5)).toBeCloseTo(2 / (1 - 0.4), 9);
    // Two cores, each request at most one: M/M/2 (E[N] = 2 rho / (1 - rho^2)).
    const rho = 0.7;
    expect(cpuStretch(2 * rho, 1, 2)).toBeCloseTo((2 * rho) / (1 - rho * rho) / (2 * rho), 9);
    expect(cpuStretch(10, 0.001, 64)).toBe(1);
    expect(cpuStretch(1000, 0.001, 1)).toBe(Infinity);
  });

  it('capacity: the cores or the workers, whichever binds', () => {
    expect(podCapacityRps(1, 0.002, 0.02, 400)).toBe(500);
    expect(podCapacityRps(4, 0.002, 1, 400)).toBeCloseTo(400 / 1.002, 9);
    expect(podCapacityRps(1, 0, 0.05, 20)).toBeCloseTo(400, 9);
  });

  it('water filling: demands below their share are met, the rest shared by weight', () => {
    const out = new Float64Array(3);
    waterFill(4, [1, 3, 3], [1, 1, 2], 3, out);
    expect(Array.from(out)).toEqual([1, 1, 2]);
    waterFill(10, [1, 3, 3], [1, 1, 2], 3, out);
    expect(Array.from(out)).toEqual([1, 3, 3]);
  });
});

describe('one core is M/G/1 processor sharing', () => {
  // Mean response time E[S] / (1 - rho), whatever the distribution of the CPU time (insensitivity).
  const cpus: Array<[string, string, number]> = [
    ['exponential', '{dist: exponential, mean: 20ms}', 0.02],
    ['lognormal (cs2 about 2.4)', '{dist: lognormal, median: 12ms, p95: 60ms}', 0],
  ];
  for (const [name, cpu, given] of cpus) {
    for (const rho of [0.3, 0.6, 0.9]) {
      it(`${name} CPU time at load ${rho}: requests mode inside its CI, fluid mode on the formula`, () => {
        const meanS = given || scenarioMean(cpu);
        const exact = meanS / (1 - rho) * 1000;
        const requests = runExperiment(scenarioFrom(onePod({ rate: rho / meanS, cpu, limit: '1', horizon: rho >= 0.9 ? '4h' : '2h' })));
        const m = metric(requests, 'service.podLatencyMs.mean');
        const [lo, hi] = m.ci95!;
        expect(exact).toBeGreaterThanOrEqual(lo!);
        expect(exact).toBeLessThanOrEqual(hi!);
        expect((hi! - lo!) / 2).toBeLessThan(0.05 * exact);
        // Without contention the mean would be E[S]: caught at every load here.
        expect(meanS * 1000 < lo!).toBe(true);
        const fluid = runExperiment(scenarioFrom(onePod({ rate: rho / meanS, cpu, limit: '1', mode: 'fluid', replications: 2 })));
        expect(Math.abs(metric(fluid, 'service.podLatencyMs.mean').mean / exact - 1)).toBeLessThan(0.01);
      });
    }
  }
});

/** The analytic mean of a CPU-time distribution given in scenario syntax (through the loader). */
function scenarioMean(cpu: string): number {
  return makeDistribution(scenarioFrom(onePod({ rate: 1, cpu, limit: '1' })).workloads[0]!.traffic!.cpuPerRequest).mean;
}

describe('capacity follows CPU', () => {
  it('the saturation of a pod limited to L cores at c seconds of CPU per request is L / c', () => {
    for (const [limit, cores] of [
      ['1', 1],
      ['2500m', 2.5],
    ] as const) {
      const s = scenarioFrom(onePod({ rate: 10, cpu: '{dist: exponential, mean: 2ms}', limit, mode: 'fluid' }));
      const rps = saturationThroughput(s)!.rps;
      expect(Math.abs(rps / (cores / 0.002) - 1)).toBeLessThan(2e-3);
    }
    // No limit: the node's 4 cores; three such pods on three nodes: three times as much.
    const free = saturationThroughput(scenarioFrom(onePod({ rate: 10, cpu: '2ms', limit: 'none', mode: 'fluid' })))!.rps;
    expect(Math.abs(free / 2000 - 1)).toBeLessThan(2e-3);
    const three = saturationThroughput(scenarioFrom(onePod({ rate: 10, cpu: '2ms', limit: '1', mode: 'fluid', replicas: 3 })))!.rps;
    expect(Math.abs(three / 1500 - 1)).toBeLessThan(2e-3);
  });

  it('single-replica at the chart’s 1000m: one core over the default CPU per request; multiple-replicas three times that', () => {
    const one = saturationThroughput(builtin('single-replica'))!.rps;
    const three = saturationThroughput(builtin('multiple-replicas'))!.rps;
    const lc = 1 / makeDistribution(builtin('single-replica').workloads[0]!.traffic!.cpuPerRequest).mean;
    expect(Math.abs(one / lc - 1)).toBeLessThan(2e-3);
    expect(Math.abs(three / (3 * lc) - 1)).toBeLessThan(2e-3);
  });
});

describe('a node failure that packs replicas together', () => {
  // Nodes of 2 cores, pods with no CPU limit: a pod alone on its node may use both cores. A crash
  // at 5 min (never repaired) moves one pod: onto a spare node with 4 nodes, onto a node that
  // already has one with 3. Measured from 30 min, after the replacement is serving.
  const packed = (nodes: number, rate: number, mode: string) =>
    scenarioFrom(`
horizon: 2h
warmup: 30m
seed: 5
replications: ${mode === 'requests' ? 4 : 2}
traffic: {mode: ${mode}}
cluster: {nodePools: [{count: ${nodes}, cpu: "2", failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    resources: {requests: {cpu: 500m}, limits: {cpu: none}}
    scheduling: {podAntiAffinity: {preferred: hostname}}
    failures: {crash: none}
    traffic: {rate: ${rate}/s, cpuPerRequest: {dist: exponential, mean: 20ms}, backendTime: {dist: exponential, mean: 40ms}, timeout: 30s}
faults:
  - {type: node-crash, at: 5m, nodeOf: mi, podIndex: 0, repairAfter: none}
`);

  it('raises latency at a load the spread pods carry easily, and caps throughput below what they serve', () => {
    // Two nodes left, 4 cores for 3 pods: the doubled node serves two thirds of the load on 2 cores.
    const spread = runExperiment(packed(4, 140, 'requests'));
    const squeezed = runExperiment(packed(3, 140, 'requests'));
    const p99 = (r: RunResult) => metric(r, 'service.latencyMs.p99');
    expect(p99(squeezed).ci95![0]).toBeGreaterThan(2 * p99(spread).ci95![1]);
    // Above what two nodes serve (4 cores / 20 ms = 200/s) but below three (300/s).
    const overSpread = runExperiment(packed(4, 250, 'fluid'));
    const overSqueezed = runExperiment(packed(3, 250, 'fluid'));
    expect(metric(overSpread, 'service.throughputRps').mean).toBeGreaterThan(249.9);
    expect(metric(overSqueezed, 'service.throughputRps').mean).toBeLessThan(225);
    expect(metric(overSqueezed, 'workloads.mi.overloadFraction').mean).toBeGreaterThan(0.99);
    expect(metric(overSpread, 'workloads.mi.overloadFraction').mean).toBe(0);
  });

  it('the fluid mode agrees with the requests mode on the squeezed cluster', () => {
    const requests = runExperiment(packed(3, 140, 'requests'));
    const fluid = runExperiment(packed(3, 140, 'fluid'));
    for (const path of ['service.podLatencyMs.mean', 'service.latencyMs.p50', 'service.latencyMs.p99']) {
      const r = metric(requests, path).mean;
      expect(Math.abs(metric(fluid, path).mean / r - 1), path).toBeLessThan(0.1);
    }
    expect(metric(fluid, 'service.requestSuccessRate').mean).toBeCloseTo(metric(requests, 'service.requestSuccessRate').mean, 4);
  });
});

describe('regressions found in review', () => {
  it('a light pod beside a busy one on the same node keeps its share of the CPU (CFS), in both modes', () => {
    // Node of 2 cores: heavy wants 1.99 of them, light 0.02; equal CPU requests give each at least
    // one core when it has work, so light's requests are served at once.
    const noisy = (mode: string) =>
      scenarioFrom(`
horizon: 40m
warmup: 10m
replications: 1
traffic: {mode: ${mode}}
cluster: {nodePools: [{count: 1, cpu: "2", failures: {crash: none}}]}
workloads:
  - {name: heavy, replicas: 1, resources: {requests: {cpu: 500m}, limits: {cpu: none}}, failures: {crash: none}, traffic: {rate: 199/s, cpuPerRequest: 10ms, backendTime: 0s}}
  - {name: light, replicas: 1, resources: {requests: {cpu: 500m}, limits: {cpu: none}}, failures: {crash: none}, traffic: {rate: 2/s, cpuPerRequest: 10ms, backendTime: 0s}}
`);
    for (const mode of ['fluid', 'requests']) {
      const r = runExperiment(noisy(mode));
      expect(metric(r, 'workloads.light.requestSuccessRate').mean, mode).toBe(1);
      expect(metric(r, 'workloads.light.overloadFraction').mean, mode).toBe(0);
      expect(metric(r, 'workloads.heavy.overloadFraction').mean, mode).toBeGreaterThan(0.99);
    }
  });

  it('a daily cycle on one core: the fluid mean latency is the arrival-weighted M/G/1-PS mean over the day', () => {
    // Two pods picked at random (each a Poisson half of the flow) of 500 (1 + 0.6 cos(2 pi t / 1 d))
    // per second at 2 ms each: each pod's rho goes from 0.2 to 0.8.
    const s = scenarioFrom(onePod({ rate: 1, cpu: '2ms', limit: '1', mode: 'fluid', replications: 1, horizon: '2d', replicas: 2 }), [
      'workloads[0].traffic.rate={profile: diurnal, mean: 500/s, amplitude: 0.6, period: 1d, peakAt: 12h}',
      'loadBalancer.policy=random',
      'warmup=1d',
    ]);
    const r = runExperiment(s);
    // Exact: the mean over arrivals of 2 ms / (1 - rho(t)), integrated over one period.
    let weighted = 0;
    let arrivals = 0;
    const steps = 100_000;
    for (let i = 0; i < steps; i++) {
      const rate = 250 * (1 + 0.6 * Math.cos((2 * Math.PI * (i + 0.5)) / steps));
      weighted += rate * (2 / (1 - rate * 0.002));
      arrivals += rate;
    }
    const exact = weighted / arrivals;
    expect(Math.abs(metric(r, 'service.podLatencyMs.mean').mean / exact - 1)).toBeLessThan(0.02);
  });
});
