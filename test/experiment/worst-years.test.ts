// Worst years: the p90 and p99 of a per-replication total across replications, with order-statistic
// 95% intervals that cover the true quantile, are narrow with many replications, and are left
// open (null) when the replications cannot bound them.
import { describe, expect, test } from 'vitest';
import { RandomStreams } from '../../sim/engine/random.js';
import { replicationQuantile } from '../../sim/experiment/stats.js';
import { metricAt, runExperiment } from '../../sim/experiment/experiment.js';
import { loadScenarioText } from '../../sim/scenario/index.js';

/** n draws of an exponential with mean 1 from a pinned stream. */
function exponentials(n: number, seed: number): number[] {
  const rng = new RandomStreams(seed).stream('worst-years');
  return Array.from({ length: n }, () => -Math.log1p(-rng()));
}

describe('replicationQuantile', () => {
  test('covers the exponential p90 (ln 10) and p99 (ln 100) with intervals narrow at 4,000 replications', () => {
    const x = exponentials(4000, 7);
    const p90 = replicationQuantile(x, 0.9);
    const p99 = replicationQuantile(x, 0.99);
    expect(p90.ci95![0]).toBeLessThanOrEqual(Math.log(10));
    expect(p90.ci95![1]).toBeGreaterThanOrEqual(Math.log(10));
    expect(p90.ci95![1] - p90.ci95![0]).toBeLessThan(0.25);
    expect(p99.ci95![0]).toBeLessThanOrEqual(Math.log(100));
    expect(p99.ci95![1]).toBeGreaterThanOrEqual(Math.log(100));
    expect(p99.ci95![1] - p99.ci95![0]).toBeLessThan(1.2);
    expect(Math.abs(p90.value! - Math.log(10))).toBeLessThan(0.15);
  });

  test('covers the true p90 in about 95% of 400 pinned samples of 200', () => {
    let covered = 0;
    for (let k = 0; k < 400; k++) {
      const q = replicationQuantile(exponentials(200, 100 + k), 0.9);
      if (q.ci95![0] <= Math.log(10) && Math.log(10) <= q.ci95![1]) covered++;
    }
    // Order-statistic intervals are conservative: at least 95% less the sampling error of 400 trials.
    expect(covered / 400).toBeGreaterThan(0.92);
  });

  test('has no interval where a rank falls outside the sample: the p99 of 200', () => {
    expect(replicationQuantile(exponentials(200, 3), 0.99).ci95).toBeNull();
    expect(replicationQuantile([], 0.9)).toEqual({ value: null, ci95: null });
  });
});

describe('worst years in a result', () => {
  test('downtime, failed requests, missed and duplicate runs and cost carry p90 and p99; others do not', () => {
    const text = 'horizon: 30d\nreplications: 80\nworkloads:\n  - name: mi\n    failures: {crash: {timeToFailure: 5d}}\n';
    const r = runExperiment(loadScenarioText(text, 'w.yaml').scenario!, undefined, { saturation: false });
    const downtime = metricAt(r, 'service.downtimeS') as unknown as { mean: number; max: number; p90: { value: number; ci95: [number, number] | null }; p99: unknown };
    expect(downtime.p90.value).toBeGreaterThanOrEqual(downtime.mean * 0.5);
    expect(downtime.p90.value).toBeLessThanOrEqual(downtime.max);
    expect(downtime.p90.ci95).not.toBeNull();
    expect(downtime.p99).toEqual({ value: downtime.max, ci95: null });
    expect(metricAt(r, 'cost.nodeHours')!.p90).toBeDefined();
    expect(metricAt(r, 'service.availability')!.p90).toBeUndefined();
  });
});
