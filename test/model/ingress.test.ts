// The ingress controller as pods of its own (workloads[].role ingress-controller): while none of its
// pods is Ready no request gets in, whatever the MI pods do; two replicas on two nodes ride out the
// loss of one.
import { describe, expect, test } from 'vitest';
import { metricAt, runExperiment, type RunResult } from '../../sim/experiment/experiment.js';
import { formatScenarioError, loadScenarioText } from '../../sim/scenario/index.js';

function run(controllerReplicas: number, faults: string[], mode = 'fluid'): RunResult {
  const text = `
horizon: 3h
warmup: 10m
replications: 2
traffic: {mode: ${mode}}
cluster:
  nodePools: [{name: worker, count: 3, failures: {crash: none}}]
workloads:
  - name: mi
    replicas: 3
    failures: {crash: none}
    traffic: {rate: 20/s, timeout: 30s}
  - name: ingress-nginx
    role: ingress-controller
    replicas: ${controllerReplicas}
    image: registry.k8s.io/ingress-nginx/controller:v1.11.0
    failures: {crash: none}
    startup: {serverStart: {dist: constant, value: 3s}, artifacts: 0}
    probes:
      readiness: {initialDelay: 0s, period: 5s, failureThreshold: 3}
      liveness: {initialDelay: 0s, period: 5s, failureThreshold: 3}
    scheduling: {podAntiAffinity: {required: hostname}}
faults:
${faults.map((f) => `  - ${f}`).join('\n')}
`;
  const loaded = loadScenarioText(text, 'ingress.yaml');
  expect(loaded.errors.map(formatScenarioError)).toEqual([]);
  return runExperiment(loaded.scenario!, undefined, { saturation: false });
}

describe('the ingress controller as pods', () => {
  for (const mode of ['fluid', 'requests']) {
    test(`${mode} mode: one controller pod crashing takes the service down until it is Ready again, whatever the MI pods do`, { timeout: 60_000 }, () => {
      const r = run(1, ['{type: pod-crash, at: 1h, workload: ingress-nginx}'], mode);
      const down = metricAt(r, 'service.downtimeS')!.mean!;
      // Restart (immediate), server start 3 s, readiness at its next 5 s tick (and the first exit detection).
      expect(down).toBeGreaterThan(3);
      expect(down).toBeLessThan(15);
      expect(metricAt(r, 'service.downtimeByCauseS.containerCrash')!.mean).toBeCloseTo(down, 6);
      const failed = metricAt(r, 'service.requests.failed')!.mean!;
      expect(failed).toBeGreaterThan(20 * 3 * 0.9);
      // Every request of those seconds fails with no endpoint, from the controller's crash.
      expect(metricAt(r, 'service.requests.noEndpoint')!.mean).toBeCloseTo(failed, 6);
      expect(metricAt(r, 'service.requests.failedByCause.containerCrash')!.mean).toBeCloseTo(failed, 6);
    });
  }

  test('two controller pods on two nodes ride out a node crash under one of them', { timeout: 60_000 }, () => {
    const r = run(2, ['{type: node-crash, at: 1h, nodeOf: ingress-nginx, repairAfter: 30m}']);
    expect(metricAt(r, 'service.downtimeS')!.mean).toBe(0);
    const single = run(1, ['{type: node-crash, at: 1h, nodeOf: ingress-nginx, repairAfter: 30m}']);
    // One controller pod: down from the crash until the replacement is Ready on another node (the eviction path, minutes).
    expect(metricAt(single, 'service.downtimeS')!.mean!).toBeGreaterThan(300);
    expect(metricAt(single, 'service.downtimeByCauseS.nodeCrash')!.mean).toBeCloseTo(metricAt(single, 'service.downtimeS')!.mean!, 6);
  });

  test('an ingress controller needs loadBalancer.type ingress, no traffic or artifacts, and is one workload', () => {
    const errors = (text: string) => loadScenarioText(text, 'c.yaml').errors.map(formatScenarioError);
    expect(errors('loadBalancer: {type: cloud}\nworkloads: [{name: mi}, {name: nginx, role: ingress-controller}]\n')).toEqual([
      'c.yaml:2:45 workloads[1].role: expected mi, or loadBalancer.type ingress (a cloud load balancer has no ingress controller pods), got ingress-controller',
    ]);
    expect(errors('workloads: [{name: mi}, {name: a, role: ingress-controller}, {name: b, role: ingress-controller}]\n')[0]).toContain(
      'workloads[2].role: expected at most one workload with role ingress-controller',
    );
    expect(errors('workloads: [{name: nginx, role: ingress-controller, traffic: {rate: 5/s}}]\n')[0]).toContain('workloads[0].traffic: expected none for the ingress controller');
  });
});
