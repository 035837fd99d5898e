import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { scenarioFrom } from '../helpers/scenario.js';

/**
 * The external (cloud) load balancer health-checks its targets itself: every 30 s, unhealthy
 * after 2 failures, healthy after 5 successes; it does not retry; with every target unhealthy it
 * fails open. A hung pod without readiness and liveness probes stays in the Kubernetes endpoints
 * for good, so only those health checks take it out of rotation.
 */
function scenario(type: 'ingress' | 'cloud', hung: number[]): string {
  return `
horizon: 50m
warmup: 10m
seed: 4
traffic: {mode: requests}
loadBalancer: {type: ${type}}
cluster: {nodePools: [{count: 3, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    scheduling: {podAntiAffinity: {required: hostname, preferred: none}}
    probes: {readiness: none, liveness: none}
    failures: {crash: none}
    traffic: {rate: 300/s, cpuPerRequest: 0s, backendTime: {dist: exponential, mean: 20ms}, timeout: 10s}
faults:
${hung.map((i) => `  - {type: pod-hang, at: 20m, workload: mi, podIndex: ${i}}`).join('\n')}
`;
}

describe('cloud load balancer', () => {
  it('takes a hung target out of rotation after its second failing health check', () => {
    const cloud = runReplication(scenarioFrom(scenario('cloud', [0])), 4, 0).values;
    const ingress = runReplication(scenarioFrom(scenario('ingress', [0])), 4, 0).values;
    // 100 requests/s reach the hung pod until it is unhealthy: 30-60 s after the hang.
    const failedCloud = cloud.get('service.requests.timedOut')!;
    expect(failedCloud).toBeGreaterThan(100 * 30 * 0.8);
    expect(failedCloud).toBeLessThan(100 * 60 * 1.2);
    // The ingress has no health checks of its own: a third of the traffic times out for the rest of the run.
    expect(ingress.get('service.requests.timedOut')!).toBeGreaterThan(100 * 25 * 60 * 0.9);
  });

  it('fails open when every target is unhealthy, instead of answering 503', () => {
    const v = runReplication(scenarioFrom(scenario('cloud', [0, 1, 2])), 4, 0).values;
    expect(v.get('service.requests.noEndpoint')).toBe(0);
    expect(v.get('service.requests.timedOut')!).toBeGreaterThan(300 * 25 * 60 * 0.9);
  });
});
