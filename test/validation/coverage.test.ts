import { describe, expect, it } from 'vitest';
import { Accumulator } from '../../sim/experiment/stats.js';
import { runReplication } from '../../sim/experiment/index.js';
import { builtin } from '../helpers/scenario.js';

/**
 * The reported 95% intervals must cover the true value about 95% of the time, also for the
 * metric that is hardest for a t interval: single-replica downtime, dominated by rare node
 * failures with a heavy-tailed (lognormal) repair time. With 40 replications such intervals
 * covered only 84% of the time (all misses below the truth); the built-in scenarios therefore run
 * 1000. Here 60 independent experiments of 1000 replications are compared with the pooled mean of
 * all 60 000; covering 52 or fewer times would happen with probability below 0.5% if the
 * coverage were 95%.
 */
describe('confidence interval coverage', () => {
  it('single-replica downtime: 1000-replication 95% intervals cover the pooled mean at about the nominal rate', () => {
    const s = builtin('single-replica');
    expect(s.replications).toBe(1000);
    const experiments = 60;
    const intervals: Array<[number, number]> = [];
    const pooled = new Accumulator();
    for (let k = 0; k < experiments; k++) {
      const acc = new Accumulator();
      for (let i = 0; i < s.replications; i++) {
        const v = runReplication(s, 1000 + k, i).values.get('service.downtimeS')!;
        acc.add(v);
        pooled.add(v);
      }
      intervals.push(acc.summary().ci95!);
    }
    const truth = pooled.mean;
    const covered = intervals.filter(([lo, hi]) => lo <= truth && truth <= hi).length;
    expect(covered).toBeGreaterThan(52);
    // ... and narrow enough to be useful despite the heavy tail: half-widths within 35% of the mean.
    for (const [lo, hi] of intervals) expect((hi - lo) / 2).toBeLessThan(0.35 * truth);
  }, 120_000);
});
