import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { builtin, scenarioFrom } from '../helpers/scenario.js';

const FAILURES = ['noEndpoint', 'connectionFailed', 'rejected', 'timedOut', 'lostInCrash'];

function failures(overrides: string[], replications: number): { failed: number; succeeded: number; rolled: boolean } {
  const s = builtin('rolling-update', ['horizon=75m', ...overrides]);
  let failed = 0;
  let succeeded = 0;
  let rolled = true;
  for (let i = 0; i < replications; i++) {
    let newPods = 0;
    const v = runReplication(s, s.seed, i, {
      onStart(_c, bus) {
        bus.on('pod.created', (pod) => {
          if (pod.revision === 1) newPods++;
        });
      },
    }).values;
    for (const name of FAILURES) failed += v.get(`service.requests.${name}`)!;
    succeeded += v.get('service.requests.succeeded')!;
    if (newPods < 3) rolled = false;
  }
  return { failed, succeeded, rolled };
}

describe('the rolling-update scenario under load', () => {
  it('loses no request with the default strategy and readiness gating', () => {
    const r = failures([], 6);
    expect(r.rolled).toBe(true);
    expect(r.succeeded).toBeGreaterThan(6 * 65 * 60 * 200 * 0.99);
    expect(r.failed).toBe(0);
  });

  it('without readiness gating (no readiness and no startup probe) the update fails requests', () => {
    const r = failures(['workloads[0].probes.readiness=none', 'workloads[0].probes.startup=none'], 6);
    expect(r.rolled).toBe(true);
    expect(r.failed).toBeGreaterThan(10);
  });

  it('Recreate takes the service down for the new pods’ start, and fails the requests meanwhile', () => {
    const r = failures(['workloads[0].strategy.type=Recreate'], 3);
    expect(r.rolled).toBe(true);
    // Pull (~20 s) + start + 60 s readiness delay with no pod serving: thousands of requests at 200/s.
    expect(r.failed).toBeGreaterThan(3 * 200 * 60);
  });
});

describe('rollout edge cases', () => {
  const base = (strategy: string, faults: string) => `
horizon: 2h
warmup: 10m
cluster: {nodePools: [{count: 4, failures: {crash: none}}]}
workloads:
  - name: mi
    replicas: 2
    failures: {crash: none}
    strategy: ${strategy}
faults:
${faults}
`;

  it('with minReadySeconds every pod is replaced: the rollout re-checks when each pod becomes available', () => {
    for (let i = 0; i < 6; i++) {
      const s = scenarioFrom(base('{maxSurge: 2, maxUnavailable: 0, minReadySeconds: 30s}', '  - {type: rolling-update, at: 1h, workload: mi}'));
      let oldLeft = -1;
      runReplication(s, 1, i, {
        onStart(c) {
          c.sim.scheduleAt(s.horizon - 1, () => {
            oldLeft = c.workloads[0]!.pods.filter((p) => p.revision === 0).length;
          });
        },
      });
      expect(oldLeft, `replication ${i}`).toBe(0);
    }
  });

  it('a scale-down during the update leaves exactly the new replicas asked for', () => {
    const s = scenarioFrom(
      base(
        '{maxSurge: 1, maxUnavailable: 0}',
        [
          '  - {type: rolling-update, at: 1h, workload: mi}',
          '  - {type: scale, at: 3610s, workload: mi, replicas: 0}',
          '  - {type: scale, at: 5000s, workload: mi, replicas: 1}',
        ].join('\n'),
      ),
    );
    let pods = -1;
    runReplication(s, 1, 0, {
      onStart(c) {
        c.sim.scheduleAt(4900, () => {
          pods = c.workloads[0]!.pods.length;
        });
        c.sim.scheduleAt(s.horizon - 1, () => {
          const w = c.workloads[0]!;
          expect(w.pods.filter((p) => !p.deleted)).toHaveLength(1);
          expect(w.pods.every((p) => p.revision === 1)).toBe(true);
        });
      },
    });
    expect(pods).toBe(0);
  });
});
