import { describe, expect, it } from 'vitest';
import { compareScenarios, type MetricSummary } from '../../sim/experiment/index.js';
import { builtin } from '../helpers/scenario.js';

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
