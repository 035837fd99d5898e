// Rollout metrics: the time from the new template to all its pods Ready with no old pod left, the
// requests that failed meanwhile, and the surge; a rollout still running at the horizon counts to it.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { metricAt, runExperiment } from '../../sim/experiment/experiment.js';
import { formatScenarioError, loadScenarioText, type OverrideInput } from '../../sim/scenario/index.js';

const BUILTIN = readFileSync(new URL('../../scenarios/rolling-update.yaml', import.meta.url), 'utf8');

function run(overrides: OverrideInput[]) {
  const loaded = loadScenarioText(BUILTIN, 'rolling-update.yaml', ['horizon=75m', 'replications=4', ...overrides]);
  expect(loaded.errors.map(formatScenarioError)).toEqual([]);
  return runExperiment(loaded.scenario!, undefined, { saturation: false });
}

describe('rollout metrics', () => {
  test('RollingUpdate with readiness gating: minutes long, one pod of surge, no request lost', { timeout: 60_000 }, () => {
    const r = run([]);
    expect(metricAt(r, 'rollouts.count')!.mean).toBe(1);
    // Three new pods one after the other, each pulling the new image (median 20 s) and starting.
    const duration = metricAt(r, 'rollouts.durationS.mean')!.mean!;
    expect(duration).toBeGreaterThan(60);
    expect(duration).toBeLessThan(900);
    expect(metricAt(r, 'rollouts.peakExtraPods')!.mean).toBe(1);
    expect(metricAt(r, 'rollouts.failedRequests')!.mean).toBe(0);
  });

  test('Recreate: every request that fails, fails during the rollout; maxSurge 2 runs two extra pods', { timeout: 60_000 }, () => {
    const recreate = run(['workloads[0].strategy.type=Recreate', 'workloads[0].podDisruptionBudget=none']);
    const failed = metricAt(recreate, 'service.requests.failed')!.mean!;
    expect(failed).toBeGreaterThan(1000);
    // Nothing else fails in this scenario (no crashes): the window holds every failure.
    expect(metricAt(recreate, 'rollouts.failedRequests')!.mean!).toBeCloseTo(failed, 6);
    expect(metricAt(recreate, 'rollouts.peakExtraPods')!.mean).toBe(0);
    const surge = run(['workloads[0].strategy.maxSurge=2', 'workloads[0].strategy.maxUnavailable=0']);
    expect(metricAt(surge, 'rollouts.peakExtraPods')!.mean).toBe(2);
  });

  test('a rollout still running at the horizon counts up to the horizon', { timeout: 60_000 }, () => {
    const r = run(['horizon=3660s']);
    expect(metricAt(r, 'rollouts.durationS.max')!.mean).toBeCloseTo(60, 6);
  });

  test('scenarios without rollouts have no rollout metrics', () => {
    const loaded = loadScenarioText('horizon: 1d\nreplications: 2\nworkloads:\n  - name: mi\n', 'plain.yaml');
    expect(metricAt(runExperiment(loaded.scenario!, undefined, { saturation: false }), 'rollouts.count')).toBeUndefined();
  });
});
