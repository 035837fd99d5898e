// A task gap still open at the horizon counts in the takeover figures, up to the horizon (censored),
// so that "running 31%" never sits beside a takeover time of seconds.
import { describe, expect, test } from 'vitest';
import { metricAt, runExperiment } from '../../sim/experiment/experiment.js';
import { formatScenarioError, loadScenarioText } from '../../sim/scenario/index.js';

const TEXT = `
horizon: 2d
warmup: 10m
replications: 2
cluster:
  nodePools: [{name: worker, count: 1, failures: {crash: none}}]
workloads:
  - name: mi
    failures: {crash: none}
    artifacts:
      - {kind: scheduled-task, name: tick, interval: 1m}
faults:
  - {type: pod-crash, at: 6h, workload: mi}
  - {type: node-crash, at: 1d, node: worker-1, repairAfter: none}
`;

describe('takeover figures', () => {
  test('include a gap still open at the horizon, up to the horizon', () => {
    const loaded = loadScenarioText(TEXT, 'open-gap.yaml');
    expect(loaded.errors.map(formatScenarioError)).toEqual([]);
    const r = runExperiment(loaded.scenario!, undefined, { saturation: false });
    // The node never comes back: the task has not run since the crash, a day before the horizon.
    expect(metricAt(r, 'artifacts.tick.availability')!.mean!).toBeLessThan(0.52);
    expect(metricAt(r, 'artifacts.tick.takeovers')!.mean).toBe(2);
    expect(metricAt(r, 'artifacts.tick.takeoverS.max')!.mean!).toBeCloseTo(86400, 6);
    // The pod crash's gap is short: the mean lies between it and the censored day.
    const mean = metricAt(r, 'artifacts.tick.takeoverS.mean')!.mean!;
    expect(mean).toBeGreaterThan(86400 / 2);
    expect(mean).toBeLessThan(86400);
  });
});
