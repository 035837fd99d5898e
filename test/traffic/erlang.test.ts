import { describe, expect, it } from 'vitest';
import { runExperiment, type MetricSummary } from '../../sim/experiment/index.js';
import { erlangC } from '../../sim/model/traffic/queueing.js';
import { scenarioFrom } from '../helpers/scenario.js';

/**
 * Requests mode against queueing theory: three pods behind random routing each see a Poisson
 * stream of a third of the arrivals, so each is an M/M/c queue and the mean response time is
 * E[S] + C(c, a) / (c mu - lambda_pod) (Erlang C).
 */
function scenario(rho: number, seed: number): string {
  const pods = 3;
  const c = 2;
  const mu = 10;
  const lambda = pods * c * mu * rho;
  return `
horizon: 70m
warmup: 10m
seed: ${seed}
replications: 12
traffic: {mode: requests}
loadBalancer: {policy: random}
cluster: {nodePools: [{count: ${pods}, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: ${pods}
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    failures: {crash: none}
    serving: {concurrency: ${c}}
    traffic: {rate: ${lambda}/s, cpuPerRequest: 0s, backendTime: {dist: exponential, mean: ${1 / mu}s}, timeout: 10m}
`;
}

describe('per-pod M/M/c under random routing', () => {
  it.each([0.3, 0.6, 0.9])('mean response time matches Erlang C at load %s', (rho) => {
    const c = 2;
    const mu = 10;
    const lambdaPod = c * mu * rho;
    const exact = 1 / mu + erlangC(c, lambdaPod / mu) / (c * mu - lambdaPod);
    const result = runExperiment(scenarioFrom(scenario(rho, 7)));
    // At the pod: from reaching it to the response (end to end adds the front's overhead).
    const mean = ((result.metrics.service as Record<string, unknown>).podLatencyMs as Record<string, MetricSummary>).mean!;
    const [lo, hi] = mean.ci95!.map((ms) => ms / 1000);
    expect(exact).toBeGreaterThanOrEqual(lo!);
    expect(exact).toBeLessThanOrEqual(hi!);
    expect((hi! - lo!) / 2).toBeLessThan(0.05 * exact);
    // A model that forgot the waiting (plain service time) would be caught at the higher loads.
    if (rho >= 0.6) expect(1 / mu < lo! || 1 / mu > hi!).toBe(true);
  });
});
