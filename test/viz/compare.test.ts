import { describe, expect, it } from 'vitest';
import { compareScenarios } from '../../sim/experiment/index.js';
import { costAgainstAvailability, displayNames, HEADLINE, panelsOf, summaryAt } from '../../viz/data/compare.js';
import { builtin } from '../helpers/scenario.js';

describe('compare results to plot data', () => {
  const names = ['single-replica', 'multiple-replicas', 'isolated-stateful-pods', 'uncoordinated-replicas'];
  const results = compareScenarios(names.map((n) => builtin(n, ['replications=20', 'horizon=60d'])));

  it('one panel per headline metric that some scenario has, each scenario a point with its CI, per year where asked', () => {
    const panels = panelsOf(results);
    expect(panels.map((p) => p.spec.label)).toEqual(HEADLINE.map((h) => h.label));
    const availability = panels[0]!;
    expect(availability.points.map((p) => p.scenario)).toEqual(names);
    for (const [i, p] of availability.points.entries()) {
      const s = summaryAt(results[i]!, 'metrics.service.availability')!;
      expect(p.mean).toBe(s.mean);
      expect([p.lo, p.hi]).toEqual(s.ci95);
    }
    // Downtime per replication (60 days less the 10-minute warmup) scaled to a year.
    const downtime = panels.find((p) => p.spec.path === 'metrics.service.downtimeS')!.points[0]!;
    const perReplication = summaryAt(results[0]!, 'metrics.service.downtimeS')!.mean!;
    expect(downtime.mean).toBeCloseTo((perReplication * 365 * 86400) / (60 * 86400 - 600), 6);
    // The single replica is the least available; the others tie at the top and are all marked best.
    expect(availability.points[0]!.best).toBe(false);
    // Scheduled tasks: only the patterns that have them.
    expect(panels.find((p) => p.spec.label === 'scheduled tasks running')!.points.map((p) => p.scenario)).toEqual(['single-replica', 'isolated-stateful-pods', 'uncoordinated-replicas']);
  });

  it('marks the Pareto frontier of cost against availability', () => {
    const points = costAgainstAvailability(results);
    expect(points.map((p) => p.scenario)).toEqual(names);
    const frontier = points.filter((p) => p.onFrontier).map((p) => p.scenario);
    // The single replica is the cheapest: always on the frontier. A point is off it only if some
    // other is no dearer and no less available.
    expect(frontier).toContain('single-replica');
    for (const p of points) {
      const dominated = points.some((q) => q !== p && q.cost <= p.cost && q.availability >= p.availability && (q.cost < p.cost || q.availability > p.availability));
      expect(p.onFrontier).toBe(!dominated);
    }
  });
});

describe('scenarios that share a name', () => {
  it('are told apart by position: each point keeps its result, and the names shown are numbered', () => {
    const a = builtin('multiple-replicas', ['replications=3', 'horizon=30d']);
    const b = builtin('multiple-replicas', ['replications=3', 'horizon=30d', 'workloads[0].replicas=1']);
    const c = builtin('single-replica', ['replications=3', 'horizon=30d']);
    const results = compareScenarios([a, b, c]);
    expect(displayNames(results)).toEqual(['multiple-replicas (1)', 'multiple-replicas (2)', 'single-replica']);
    const panel = panelsOf(results).find((p) => p.spec.path === 'metrics.cost.nodeHours')!;
    expect(panel.points.map((p) => p.index)).toEqual([0, 1, 2]);
    panel.points.forEach((p) => expect(p.mean).toBeCloseTo((summaryAt(results[p.index]!, 'metrics.cost.nodeHours')!.mean! * 365 * 86400) / (30 * 86400 - 600), 6));
    expect(costAgainstAvailability(results).map((p) => p.index)).toEqual([0, 1, 2]);
  });
});
