import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { scenarioFrom } from '../helpers/scenario.js';

/** A terminating pod finishes the requests it holds, up to the grace period (then SIGKILL). */
function lostAtScaleDown(serviceS: number): number {
  const s = scenarioFrom(`
horizon: 40m
warmup: 10m
seed: 8
traffic: {mode: requests}
cluster: {nodePools: [{count: 3, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 3
    failures: {crash: none}
    terminationGracePeriod: 30s
    traffic: {rate: 6/s, cpuPerRequest: 0s, backendTime: ${serviceS}s, timeout: 2m}
faults:
  - {type: scale, at: 20m, workload: mi, replicas: 2}
`);
  let lost = 0;
  for (let i = 0; i < 3; i++) lost += runReplication(s, s.seed, i).values.get('service.requests.lostInCrash')!;
  return lost;
}

describe('graceful termination under traffic', () => {
  it('loses nothing when the requests held finish within the grace period', () => {
    expect(lostAtScaleDown(8)).toBe(0);
  });

  it('loses the requests still held at SIGKILL when they take longer than the grace period', () => {
    // The removed pod gets 2 requests/s; at SIGKILL (30 s after deletion) it still holds those that
    // started in the 15 s before the deletion (45 s of service): about 30 per replication.
    const lost = lostAtScaleDown(45);
    expect(lost).toBeGreaterThan(3 * 20);
    expect(lost).toBeLessThan(3 * 45);
  });
});
