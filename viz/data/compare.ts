import { isSummary, metricAt, type MetricSummary, type RunResult } from '../../sim/experiment/index.js';

/**
 * The compare view's data, shaped from `compare` results (no DOM here): one dot-plot panel per
 * headline metric, each scenario a point with its 95% CI, and cost against availability with the
 * Pareto frontier.
 */

export interface PanelSpec {
  /** Path in the result, as `data-metric` names it (e.g. metrics.service.availability). */
  path: string;
  label: string;
  unit: string;
  /** Per replication values are scaled to a year of measured time. */
  perYear?: boolean;
  /** Higher is better (for marking the best point). */
  higherIsBetter: boolean;
}

export const HEADLINE: readonly PanelSpec[] = [
  { path: 'metrics.service.availability', label: 'service availability', unit: 'fraction of time', higherIsBetter: true },
  { path: 'metrics.service.downtimeS', label: 'downtime per year', unit: 's / year', perYear: true, higherIsBetter: false },
  { path: 'metrics.service.requestSuccessRate', label: 'request success', unit: 'fraction of requests', higherIsBetter: true },
  { path: 'metrics.service.latencyMs.p99', label: 'latency p99', unit: 'ms', higherIsBetter: false },
  { path: 'metrics.capabilities.scheduledTasks.availability', label: 'scheduled tasks running', unit: 'fraction of time', higherIsBetter: true },
  { path: 'metrics.capabilities.scheduledTasks.missedExecutions', label: 'missed task runs per year', unit: 'runs / year', perYear: true, higherIsBetter: false },
  { path: 'metrics.capabilities.scheduledTasks.duplicateExecutions', label: 'duplicate task runs per year', unit: 'runs / year', perYear: true, higherIsBetter: false },
  { path: 'metrics.cost.nodeHours', label: 'node-hours per year', unit: 'node-hours / year', perYear: true, higherIsBetter: false },
];

export interface PanelPoint {
  scenario: string;
  /** The result's position (two scenarios may share a name). */
  index: number;
  mean: number;
  /** The 95% CI, or null with a single replication. */
  lo: number | null;
  hi: number | null;
  best: boolean;
}

export interface Panel {
  spec: PanelSpec;
  points: PanelPoint[];
}

const YEAR_S = 365 * 86400;

/** The summary at a dotted result path (own keys only), or undefined. */
export function summaryAt(result: RunResult, path: string): MetricSummary | undefined {
  return path.startsWith('metrics.') ? metricAt(result, path.slice('metrics.'.length)) : undefined;
}

/** One panel per spec that some result has, each scenario with the metric a point; the best marked. */
export function panelsOf(results: readonly RunResult[], specs: readonly PanelSpec[] = HEADLINE): Panel[] {
  const panels: Panel[] = [];
  for (const spec of specs) {
    const points: PanelPoint[] = [];
    for (const [index, r] of results.entries()) {
      const s = summaryAt(r, spec.path);
      if (s === undefined || s.mean === null) continue;
      const k = spec.perYear ? YEAR_S / (r.horizonS - r.warmupS) : 1;
      points.push({ scenario: r.scenario, index, mean: s.mean * k, lo: s.ci95 ? s.ci95[0] * k : null, hi: s.ci95 ? s.ci95[1] * k : null, best: false });
    }
    if (points.length === 0) continue;
    const best = spec.higherIsBetter ? Math.max(...points.map((p) => p.mean)) : Math.min(...points.map((p) => p.mean));
    for (const p of points) p.best = p.mean === best;
    panels.push({ spec, points });
  }
  return panels;
}

export interface CostPoint {
  scenario: string;
  /** The result's position. */
  index: number;
  /** Node-hours per year, and service availability. */
  cost: number;
  availability: number;
  /** No other scenario is as cheap or cheaper and at least as available, one of them strictly. */
  onFrontier: boolean;
}

/** Cost against availability, each scenario marked on or off the Pareto frontier. */
export function costAgainstAvailability(results: readonly RunResult[]): CostPoint[] {
  const points: CostPoint[] = [];
  for (const [index, r] of results.entries()) {
    const cost = summaryAt(r, 'metrics.cost.nodeHours')?.mean;
    const availability = summaryAt(r, 'metrics.service.availability')?.mean;
    if (cost === undefined || cost === null || availability === undefined || availability === null) continue;
    points.push({ scenario: r.scenario, index, cost: (cost * YEAR_S) / (r.horizonS - r.warmupS), availability, onFrontier: false });
  }
  for (const p of points) {
    p.onFrontier = !points.some((q) => q !== p && q.cost <= p.cost && q.availability >= p.availability && (q.cost < p.cost || q.availability > p.availability));
  }
  return points;
}

/**
 * The headline panels for these results: HEADLINE with, before node-hours, the takeover p95 of the
 * first artifact that has takeovers (the time from its last server losing it to a survivor running
 * it; per artifact in the --json result).
 */
export function headlineSpecs(results: readonly RunResult[]): PanelSpec[] {
  const specs = [...HEADLINE];
  let artifact: string | undefined;
  for (const r of results) {
    const artifacts = r.metrics['artifacts'];
    if (artifacts === undefined || isSummary(artifacts)) continue;
    artifact = Object.keys(artifacts).find((name) => summaryAt(r, `metrics.artifacts.${name}.takeoverS.p95`)?.mean != null);
    if (artifact !== undefined) break;
  }
  if (artifact !== undefined) {
    specs.splice(specs.length - 1, 0, { path: `metrics.artifacts.${artifact}.takeoverS.p95`, label: `takeover p95 (${artifact})`, unit: 's', higherIsBetter: false });
  }
  return specs;
}

/** Names to show for the results: each scenario's name, numbered where two or more share one. */
export function displayNames(results: readonly RunResult[]): string[] {
  const count = new Map<string, number>();
  for (const r of results) count.set(r.scenario, (count.get(r.scenario) ?? 0) + 1);
  const seen = new Map<string, number>();
  return results.map((r) => {
    if (count.get(r.scenario)! < 2) return r.scenario;
    const k = (seen.get(r.scenario) ?? 0) + 1;
    seen.set(r.scenario, k);
    return `${r.scenario} (${k})`;
  });
}
