import { describe, expect, it } from 'vitest';
import { compareScenarios, runExperiment, type MetricSummary } from '../../sim/experiment/index.js';
import { builtin, scenarioFrom } from '../helpers/scenario.js';

/**
 * The two traffic fidelities must tell the same story. Both run multiple-replicas with traffic and
 * failures made frequent enough to matter within hours, on the same seeds, so every replication
 * has the same failure history in both modes; the fluid mode gives the expected request counts of
 * that history, the requests mode a draw around them. Their paired differences must be centred on 0.
 */
describe('requests and fluid modes agree', () => {
  it('on multiple-replicas under frequent failures: success rate, throughput and availability', () => {
    const common = [
      'horizon=4h',
      'replications=12',
      'workloads[0].traffic={rate: 100/s}',
      'workloads[0].failures.crash.timeToFailure={dist: exponential, mean: 40m}',
      'cluster.nodePools[0].failures.crash.timeToFailure={dist: exponential, mean: 4h}',
      'cluster.nodePools[0].failures.repairTime=10m',
    ];
    const [fluid, requests] = compareScenarios([
      builtin('multiple-replicas', [...common, 'traffic.mode=fluid']),
      builtin('multiple-replicas', [...common, 'traffic.mode=requests']),
    ]);
    const diff = requests!.pairedDifferences!.metrics.service as Record<string, MetricSummary>;
    const service = (r: typeof fluid) => r!.metrics.service as Record<string, MetricSummary>;
    // Failures happened: the success rate is measurably below 1 in both modes.
    expect(service(fluid).requestSuccessRate!.mean!).toBeLessThan(0.9999);
    for (const metric of ['requestSuccessRate', 'throughputRps', 'availability']) {
      const d = diff[metric]!;
      expect(d.ci95![0], metric).toBeLessThanOrEqual(0);
      expect(d.ci95![1], metric).toBeGreaterThanOrEqual(0);
    }
    // ... and the comparison has power: the success-rate difference is known to within 0.02 points.
    expect((diff.requestSuccessRate!.ci95![1] - diff.requestSuccessRate!.ci95![0]) / 2).toBeLessThan(2e-4);
  });
});

/**
 * Near saturation the fluid mode's queueing approximations (Allen-Cunneen per pod for random and
 * round-robin routing, a pooled queue for the load-aware policies, M/M/c/K with a bounded queue)
 * must stay close to the requests mode: within a few percent on the mean latency and the success rate.
 */
describe('the fluid mode near saturation', () => {
  const scenario = (rate: string, policy: string, queue: string, service: string) => `
horizon: 30m
warmup: 10m
replications: 4
seed: 21
loadBalancer: {policy: ${policy}}
cluster: {nodePools: [{count: 3, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    failures: {crash: none}
    serving: {concurrency: 4, queue: ${queue}}
    traffic: {rate: ${rate}, cpuPerRequest: 0s, backendTime: ${service}, timeout: 10s}
`;
  const measure = (yaml: string, mode: string) => {
    const s = runExperiment(scenarioFrom(yaml, [`traffic.mode=${mode}`])).metrics.service as Record<string, unknown>;
    return {
      success: (s.requestSuccessRate as MetricSummary).mean!,
      latency: ((s.latencyMs as Record<string, MetricSummary>).mean as MetricSummary).mean!,
    };
  };

  it.each([
    ['random', '240/s', 'none', '{dist: exponential, mean: 40ms}', 0.05],
    ['round-robin', '240/s', 'none', '{dist: exponential, mean: 40ms}', 0.06],
    ['least-connections', '240/s', 'none', '{dist: exponential, mean: 40ms}', 0.05],
    ['round-robin', '270/s', 'none', '{dist: lognormal, median: 30ms, p95: 100ms}', 0.08],
    ['random', '360/s', '10', '{dist: exponential, mean: 40ms}', 0.08],
  ])('%s at %s (queue %s, service %s): mean latency and success rate agree', (policy, rate, queue, service, tolerance) => {
    const yaml = scenario(rate, policy, queue, service);
    const fluid = measure(yaml, 'fluid');
    const requests = measure(yaml, 'requests');
    expect(Math.abs(fluid.latency / requests.latency - 1)).toBeLessThan(tolerance);
    expect(Math.abs(fluid.success - requests.success)).toBeLessThan(0.01);
  });
});
