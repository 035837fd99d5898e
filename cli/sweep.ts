import type { MetricSummary, RunResult } from '../sim/experiment/index.js';
import { at, formatCell, type Kind } from './format.js';
import { InputError } from './scenarios.js';
import { MAX_SWEEP_POINTS, parseSweepList, sweepAxesProblem, sweepProduct, type Scenario } from '../sim/scenario/index.js';
import type { Loc } from '../sim/scenario/tree.js';

/** One axis of a sweep: a scenario field and the values it takes, as override text. */
export interface Axis {
  path: string;
  values: string[];
}

/** An axis as given: from `--vary` or the scenario's `sweep:` section, with how errors name each value. */
export interface GivenAxis extends Axis {
  /** Per value: the origin of its override (`--vary PATH=value`, or the file line of the `sweep:` entry). */
  origins: string[];
}

/** Points of a sweep at most (a typo such as 1..100000 is an error, not a day of simulation). */
export const MAX_POINTS = MAX_SWEEP_POINTS;

/**
 * `--vary PATH=LIST`: LIST is values separated by commas (`1,2,3,5`, `5s,10s,30s`, `round-robin,least-connections`)
 * or an integer range (`1..6`, both ends included). Each value is checked later, by the scenario
 * loader, as `--set PATH=value` would be.
 */
export function parseVary(spec: string): GivenAxis {
  const eq = spec.indexOf('=');
  const path = eq < 0 ? '' : spec.slice(0, eq).trim();
  const list = eq < 0 ? '' : spec.slice(eq + 1).trim();
  if (path === '' || list === '') throw new InputError(`--vary ${spec}: expected PATH=LIST, e.g. workloads[0].replicas=1..5 or coordination.heartbeatInterval=5s,10s,30s`);
  const parsed = parseSweepList(list);
  if ('expected' in parsed) throw new InputError(`--vary ${spec}: expected ${parsed.expected}`);
  return { path, values: parsed.values, origins: parsed.values.map((v) => `--vary ${path}=${v}`) };
}

/**
 * The axes of a sweep: the scenario's `sweep:` section (each value's errors at its line), then the
 * `--vary` axes; a `--vary` of a field the section varies takes that axis's place.
 *
 * @param file the scenario file as errors name it
 * @param locs where the scenario's fields were written (the loader's)
 */
export function sweepAxes(scenario: Scenario, file: string, locs: ReadonlyMap<string, Loc>, vary: readonly GivenAxis[]): GivenAxis[] {
  const where = (path: string): string => {
    const loc = locs.get(path);
    return loc === undefined ? file : 'origin' in loc ? loc.origin : `${loc.file}:${loc.line}:${loc.col}`;
  };
  const fromFile: GivenAxis[] = scenario.sweep.map((a, i) => ({
    path: a.field,
    values: a.values,
    origins: a.values.map((v, j) => `${where(locs.has(`sweep[${i}].values[${j}]`) ? `sweep[${i}].values[${j}]` : `sweep[${i}].values`)} (sweep[${i}]: ${a.field}=${v})`),
  }));
  const problem = sweepAxesProblem(vary.map((a) => ({ field: a.path, values: a.values })));
  if (problem !== undefined) throw new InputError(`--vary: expected ${problem}`);
  const axes = fromFile.map((a) => vary.find((v) => v.path === a.path) ?? a);
  axes.push(...vary.filter((v) => !fromFile.some((a) => a.path === v.path)));
  const tooMany = sweepAxesProblem(axes.map((a) => ({ field: a.path, values: a.values })));
  if (tooMany !== undefined) throw new InputError(`sweep: expected ${tooMany}`);
  return axes;
}

/** The cartesian product of the axes, the first axis varying slowest: each point as [path, value, origin] triples. */
export function sweepPoints(axes: readonly GivenAxis[]): Array<Array<[string, string, string]>> {
  return sweepProduct(axes.map((a) => a.values.map((v, j): [string, string, string] => [a.path, v, a.origins[j]!])));
}

/** The headline metrics of a sweep's table and CSV, shown when some point has them. */
export const HEADLINE: Array<{ label: string; path: string; kind: Kind }> = [
  { label: 'availability', path: 'service.availability', kind: 'percent' },
  { label: 'downtime', path: 'service.downtimeS', kind: 'duration' },
  { label: 'request success', path: 'service.requestSuccessRate', kind: 'percent' },
  { label: 'p99 ms', path: 'service.latencyMs.p99', kind: 'ms' },
  { label: 'tasks running', path: 'capabilities.scheduledTasks.availability', kind: 'percent' },
  { label: 'missed runs', path: 'capabilities.scheduledTasks.missedExecutions', kind: 'count' },
  { label: 'duplicate runs', path: 'capabilities.scheduledTasks.duplicateExecutions', kind: 'count' },
  { label: 'node-hours', path: 'cost.nodeHours', kind: 'hours' },
];

function headline(results: readonly RunResult[]): typeof HEADLINE {
  return HEADLINE.filter((m) => results.some((r) => at(r, m.path)?.mean != null));
}

/** The sweep's table: a row per point, its values, then each headline metric's mean ±95% CI half-width. */
export function formatSweep(axes: readonly Axis[], points: ReadonlyArray<Array<[string, string]>>, results: readonly RunResult[]): string {
  const metrics = headline(results);
  const first = results[0]!;
  const lines: string[][] = [[...axes.map((a) => a.path), ...metrics.map((m) => m.label)]];
  points.forEach((p, k) => lines.push([...p.map(([, v]) => v), ...metrics.map((m) => formatCell(at(results[k]!, m.path), m.kind))]));
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const text = lines.map((l, k) => {
    const row = l.map((cell, i) => (i < axes.length ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ').trimEnd();
    return k === 0 ? `${row}\n${'-'.repeat(row.length)}` : row;
  });
  const head = [
    `Sweep of ${first.scenario}: ${points.length} point${points.length === 1 ? '' : 's'} on common random numbers`,
    `${first.replications} replication${first.replications === 1 ? '' : 's'} per point, seed ${first.seed}, engine ${first.engineVersion}; mean ±95% CI half-width, per replication`,
    '',
  ];
  return `${head.join('\n')}\n${text.join('\n')}\n`;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The sweep as CSV: the point's values, the replications, then per headline metric its mean and 95% CI (raw numbers). */
export function sweepCsv(axes: readonly Axis[], points: ReadonlyArray<Array<[string, string]>>, results: readonly RunResult[]): string {
  const metrics = headline(results);
  const header = [...axes.map((a) => a.path), 'replications', ...metrics.flatMap((m) => [`${m.path} (mean)`, `${m.path} (ci95 low)`, `${m.path} (ci95 high)`])];
  const rows = points.map((p, k) => {
    const r = results[k]!;
    const cells = metrics.flatMap((m) => {
      const s: MetricSummary | undefined = at(r, m.path);
      return [s?.mean ?? null, s?.ci95?.[0] ?? null, s?.ci95?.[1] ?? null];
    });
    return [...p.map(([, v]) => v), r.replications, ...cells];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** The sweep as JSON lines: each point's result (as `deploysim run --json` gives it) with the point's values. */
export function sweepJsonLines(points: ReadonlyArray<Array<[string, string]>>, results: readonly RunResult[]): string {
  return points.map((p, k) => `${JSON.stringify({ point: Object.fromEntries(p), ...results[k]! })}\n`).join('');
}
