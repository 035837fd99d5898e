import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { scenarioFrom } from '../helpers/scenario.js';

/**
 * A scripted node crash under a single replica on a three-node cluster. The service is down from
 * the crash until the replacement pod is Ready, and that time is the documented sum
 *
 *   S = node-monitor grace period + node-monitor period (the NoExecute taint is added on the
 *       controller's pass after the one that marks the node Unknown) + tolerationSeconds
 *       + scheduling + image pull + container create + server start + artifact deployment
 *       (+ probe delays)
 *
 * up to the phases the model computes: the last lease renewal falls up to one lease interval L
 * before the crash, the controller notices at its next check (up to M later), and readiness
 * passes at the next probe tick (up to one probe period p later):  S - L <= downtime <= S + M + p.
 */
const G = 40;
const TOL = 300;
const SCHED = 0.5;
const PULL = 20;
const CREATE = 1;
const START = 8;
const DEPLOY = 2 * 2;

function scenario(probes: string, lease: number, monitor: number, replications: number): string {
  return `
horizon: 3h
warmup: 10m
seed: 5
replications: ${replications}
kubernetes:
  nodeMonitorGracePeriod: ${G}s
  tolerationSeconds: ${TOL}s
  nodeLeaseRenewInterval: ${lease}s
  nodeMonitorPeriod: ${monitor}s
  schedulingLatency: ${SCHED}s
  kubelet: {containerCreate: ${CREATE}s}
cluster:
  nodePools: [{name: worker, count: 3, failures: {crash: none}}]
workloads:
  - name: mi
    replicas: 1
    startup: {imagePull: ${PULL}s, serverStart: ${START}s, artifacts: 2, artifactDeploy: 2s}
    probes: ${probes}
    failures: {crash: none}
faults:
  - {type: node-crash, at: 1h, nodeOf: mi, repairAfter: none}
`;
}

function downtimes(yaml: string, replications: number): number[] {
  const s = scenarioFrom(yaml);
  const out: number[] = [];
  for (let i = 0; i < replications; i++) {
    const v = runReplication(s, s.seed, i).values;
    expect(v.get('service.incidents')).toBe(1);
    out.push(v.get('service.downtimeS')!);
  }
  return out;
}

describe('node crash under one replica: downtime is the documented sum', () => {
  it('readiness probe every 10 s, no delays: S - L <= downtime <= S + M + p, with the mean the phases predict', () => {
    const p = 10;
    const L = 10;
    const M = 5;
    const S = G + M + TOL + SCHED + PULL + CREATE + START + DEPLOY;
    const d = downtimes(scenario(`{startup: none, readiness: {initialDelay: 0s, period: ${p}s}, liveness: none}`, L, M, 60), 60);
    for (const x of d) {
      expect(x).toBeGreaterThanOrEqual(S - L - 1e-6);
      expect(x).toBeLessThanOrEqual(S + M + p + 1e-6);
    }
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    // Probe workers start when the pod is bound, so with constant times the readiness tick falls a
    // fixed `align` after the server answers; the lease and monitor offsets are uniform on [0, L)
    // and [0, M): mean = S - L/2 + M/2 + align, sd = sqrt((L^2 + M^2) / 12) / sqrt(n) ~ 0.42 s.
    const sinceBind = PULL + CREATE + START + DEPLOY;
    const align = Math.ceil(sinceBind / p) * p - sinceBind;
    expect(Math.abs(mean - (S - L / 2 + M / 2 + align))).toBeLessThan(3 * 0.42);
  });

  it('with tight lease and monitor periods the downtime is S to within one probe period', () => {
    const p = 10;
    const S = G + 0.001 + TOL + SCHED + PULL + CREATE + START + DEPLOY;
    const d = downtimes(scenario(`{startup: none, readiness: {initialDelay: 0s, period: ${p}s}, liveness: none}`, 0.001, 0.001, 20), 20);
    for (const x of d) {
      expect(x).toBeGreaterThanOrEqual(S - 0.01);
      expect(x).toBeLessThanOrEqual(S + p + 0.01);
    }
  });

  it('with the Helm probes the readiness delay (60 s from container start) dominates: about 6-7 minutes', () => {
    const L = 10;
    const M = 5;
    // Startup probe passes within 60 s, so Ready = container start + 60 s, on the 1 s readiness grid.
    const S = G + M + TOL + SCHED + PULL + CREATE + 60;
    const d = downtimes(scenario('{}', L, M, 30), 30);
    for (const x of d) {
      expect(x).toBeGreaterThanOrEqual(S - L - 1e-6);
      expect(x).toBeLessThanOrEqual(S + M + 1 + 1e-6);
      expect(x).toBeGreaterThan(6 * 60);
      expect(x).toBeLessThan(7.5 * 60);
    }
  });
});
