import { describe, expect, it } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { builtin } from '../helpers/scenario.js';

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
