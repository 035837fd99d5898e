import type { MetricSummary, RunResult } from '../sim/experiment/index.js';
import { at, clipName, describeRun, firstSentence, grouped, worstAt } from './format.js';

/**
 * The headline: the few figures an architect decides on, one row each, a column per scenario, at
 * most 100 characters wide. Totals are per year (scaled from the measured window of each
 * replication); the best value of each row is marked. `--detail` prints every metric with its CI.
 */

/** Seconds in a year (365 days), the headline's unit of time for totals. */
export const YEAR_S = 365 * 86400;

/** Characters a headline line may take. */
export const HEADLINE_WIDTH = 100;

type HeadKind = 'percent' | 'duration' | 'count' | 'ms' | 'rate' | 'hours';

interface HeadRow {
  label: string;
  path: string;
  kind: HeadKind;
  /** Which way is better (the best cell is marked). */
  better: 'high' | 'low';
  /** A total per replication, shown per year. */
  perYear?: boolean;
  /** The value is not in `metrics` (the saturation search, a worst year). */
  get?: (r: RunResult) => MetricSummary | undefined;
  /** A worst-year row: shown only where some scenario's p90 differs from its mean by more than a tenth. */
  worstOf?: HeadRow;
}

/** The p90 across replications of a total (the worst year in 10), as its own row under the total. */
function worstRow(row: HeadRow): HeadRow {
  return {
    ...row,
    label: '  worst in 10 (p90)',
    get: (r) => worstAt(r, row.path, 'p90'),
    worstOf: row,
  };
}

const point = (value: number | null): MetricSummary | undefined => (value === null ? undefined : { mean: value, ci95: [value, value], min: value, max: value, n: 1 });

const FAILED: HeadRow = { label: 'failed requests/y', path: 'service.requests.failed', kind: 'count', better: 'low', perYear: true };
const DOWNTIME: HeadRow = { label: 'downtime/y', path: 'service.downtimeS', kind: 'duration', better: 'low', perYear: true };
const MISSED: HeadRow = { label: 'task runs missed/y', path: 'capabilities.scheduledTasks.missedExecutions', kind: 'count', better: 'low', perYear: true };
const TWICE: HeadRow = { label: 'task runs twice/y', path: 'capabilities.scheduledTasks.duplicateExecutions', kind: 'count', better: 'low', perYear: true };

const COST: HeadRow = { label: 'cost/y', path: 'cost.money', kind: 'hours', better: 'low', perYear: true };

export const HEADLINE_ROWS: HeadRow[] = [
  { label: 'request success', path: 'service.requestSuccessRate', kind: 'percent', better: 'high' },
  FAILED,
  worstRow(FAILED),
  { label: 'availability', path: 'service.availability', kind: 'percent', better: 'high' },
  DOWNTIME,
  worstRow(DOWNTIME),
  { label: 'p99 latency (ms)', path: 'service.latencyMs.p99', kind: 'ms', better: 'low' },
  { label: 'saturation (req/s)', path: 'saturationThroughputRps', kind: 'rate', better: 'high', get: (r) => point(r.saturationThroughputRps) },
  { label: 'tasks running', path: 'capabilities.scheduledTasks.availability', kind: 'percent', better: 'high' },
  MISSED,
  worstRow(MISSED),
  TWICE,
  worstRow(TWICE),
  { label: 'task takeover p95', path: 'capabilities.scheduledTasks.takeoverS.p95', kind: 'duration', better: 'low' },
  { label: 'processors active', path: 'capabilities.messageProcessors.availability', kind: 'percent', better: 'high' },
  { label: 'inbound consuming', path: 'capabilities.inboundEndpoints.availability', kind: 'percent', better: 'high' },
  { label: 'node-hours/y', path: 'cost.nodeHours', kind: 'hours', better: 'low', perYear: true },
  COST,
  worstRow(COST),
];

/** The factor that turns a replication's total into a total per year of measured time (its horizon after the warmup). */
export function yearScale(r: RunResult): number {
  return YEAR_S / (r.horizonS - r.warmupS);
}

/** A row's value in a result, totals scaled to a year. */
function valueOf(row: HeadRow, r: RunResult): number | null {
  const s = row.get ? row.get(r) : at(r, row.path);
  if (s === undefined || s.mean === null) return null;
  return row.perYear ? s.mean * yearScale(r) : s.mean;
}

/** Its 95% CI half-width, scaled as the value. */
function halfWidthOf(row: HeadRow, r: RunResult): number {
  const s = row.get ? row.get(r) : at(r, row.path);
  if (s?.ci95 == null) return 0;
  const hw = (s.ci95[1] - s.ci95[0]) / 2;
  return row.perYear ? hw * yearScale(r) : hw;
}

/** Decimals that show a half-width to about two significant digits, within [min, max]. */
function decimals(halfWidth: number, min: number, max: number): number {
  if (!(halfWidth > 0)) return min;
  return Math.max(min, Math.min(max, Math.ceil(-Math.log10(halfWidth)) + 1));
}

/**
 * The cells of a row, in one format: the same unit and decimals for every scenario (enough for the
 * most precise one's interval), so that they read against each other. `signed`: differences.
 */
function rowCells(row: HeadRow, values: Array<number | null>, halfWidths: number[], signed: boolean, withCi = false): string[] {
  const present = values.filter((v): v is number => v !== null);
  // A difference that shows as zero carries no sign.
  const sign = (x: number, text: string) => (!/[1-9]/.test(text) ? text.replace(/^-/, '') : signed && x > 0 ? `+${text}` : text);
  // With one scenario there is room for the interval: the half-width in the value's format.
  const fmt = (f: (v: number) => string) => values.map((v, k) => (v === null ? '' : `${sign(v, f(v))}${withCi ? ` ±${f(halfWidths[k]!)}` : ''}`));
  const hw = (scale: number) => Math.min(...halfWidths.filter((h, k) => values[k] !== null && h > 0).map((h) => h / scale), Infinity);
  switch (row.kind) {
    case 'percent': {
      const d = decimals(hw(0.01), 2, 6);
      return fmt((v) => `${(v * 100).toFixed(d)}%`);
    }
    case 'duration':
      // Each in the unit that suits it (seconds to days), to three significant digits.
      return fmt(shortDuration);
    case 'count': {
      const largest = Math.max(0, ...present.map(Math.abs));
      const d = largest >= 100 ? 0 : decimals(hw(1), 0, 1);
      return fmt((v) => grouped(v, d));
    }
    case 'ms':
      return fmt((v) => grouped(v, decimals(hw(1), 0, 1)));
    case 'rate':
    case 'hours':
      return fmt((v) => grouped(v, 0));
  }
}

/** A duration to three significant digits in s, min, h or d: 0 s, 8.42 s, 66.0 min, 5.48 d. */
export function shortDuration(seconds: number): string {
  const a = Math.abs(seconds);
  const [unit, size] = a >= 2 * 86400 ? ['d', 86400] : a >= 7200 ? ['h', 3600] : a >= 120 ? ['min', 60] : ['s', 1];
  const v = seconds / size;
  if (v === 0) return `0 ${unit}`;
  const digits = Math.max(0, Math.min(3, 2 - Math.floor(Math.log10(Math.abs(v)))));
  return `${v.toFixed(digits)} ${unit}`;
}

/** A column heading cut into lines of at most `width` characters, at dashes, spaces, @ and dots where it can. */
export function wrapHeading(text: string, width: number): string[] {
  const parts = text.match(/[^-\s@.=]+[-\s@.=]?|[-\s@.=]/g) ?? [text];
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line.length + part.trimEnd().length <= width) line += part;
    else {
      if (line !== '') lines.push(line.trimEnd());
      line = part;
      while (line.trimEnd().length > width) {
        lines.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

export interface HeadlineOptions {
  /** Column headings (default: the scenario names). */
  labels?: readonly string[];
  /** The values are paired differences (signed, no best marked; `*` marks a 95% CI that excludes 0). */
  differences?: boolean;
}

/** The rows some result has a value for; a worst-year row where it tells more than the mean. */
function rowsOf(results: readonly RunResult[]): HeadRow[] {
  return HEADLINE_ROWS.filter((row) => {
    if (!results.some((r) => valueOf(row, r) !== null)) return false;
    if (row.worstOf === undefined) return true;
    return results.some((r) => {
      const p90 = valueOf(row, r);
      const mean = valueOf(row.worstOf!, r);
      return p90 !== null && mean !== null && Math.abs(p90 - mean) > 0.1 * Math.abs(mean) && Math.abs(p90 - mean) > 0;
    });
  });
}

/**
 * The headline table: a row per figure, a column per scenario, at most HEADLINE_WIDTH characters;
 * scenarios that do not fit side by side continue in a second block. With more than one scenario
 * the best value of each row is marked `*` (every scenario that shows it, when several tie; none
 * when all do).
 */
export function formatHeadline(results: readonly RunResult[], options: HeadlineOptions = {}): string {
  const labels = results.map((r, k) => options.labels?.[k] ?? r.scenario);
  const rows = rowsOf(results);
  const cells = rows.map((row) => {
    const values = results.map((r) => valueOf(row, r));
    const texts = rowCells(row, values, results.map((r) => halfWidthOf(row, r)), options.differences === true, results.length === 1 && row.get === undefined);
    return texts.map((t, k) => `${t}${mark(row, results, values, texts, k, options.differences === true)}`);
  });
  // Money is in the scenarios' currency (said once when they agree).
  const currencies = [...new Set(results.map(currencyOf))];
  const rowLabel = (row: HeadRow) => (row.path === 'cost.money' && row.worstOf === undefined && currencies.length === 1 ? `${row.label} (${currencies[0]})` : row.label);
  const labelWidth = Math.max(...rows.map((r) => rowLabel(r).length), 0);
  // Wide enough for the cells, and for a heading's longest word up to 14 characters.
  const words = labels.flatMap((l) => l.match(/[^-\s@.=]+[-\s@.=]?/g) ?? []).map((w) => w.length);
  const cellWidth = Math.max(12, Math.min(results.length === 1 ? 40 : 14, results.length === 1 ? labels[0]!.length : Math.max(0, ...words)), ...cells.flat().map((c) => c.length));
  // Columns that fit beside the labels; the rest continue below.
  const perBlock = Math.max(1, Math.floor((HEADLINE_WIDTH - labelWidth) / (cellWidth + 2)));
  const blocks: string[] = [];
  for (let first = 0; first < results.length; first += perBlock) {
    const ks = results.map((_, k) => k).slice(first, first + perBlock);
    const headings = ks.map((k) => wrapHeading(labels[k]!, cellWidth));
    const depth = Math.max(...headings.map((h) => h.length));
    const lines: string[] = [];
    for (let i = 0; i < depth; i++) {
      lines.push(`${''.padEnd(labelWidth)}${ks.map((_, j) => `  ${(headings[j]![i - (depth - headings[j]!.length)] ?? '').padStart(cellWidth)}`).join('')}`.trimEnd());
    }
    const width = labelWidth + ks.length * (cellWidth + 2);
    lines.push('-'.repeat(width));
    rows.forEach((row, i) => lines.push(`${rowLabel(row).padEnd(labelWidth)}${ks.map((k) => `  ${cells[i]![k]!.padStart(cellWidth)}`).join('')}`.trimEnd()));
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** The currency a result's prices are in. */
function currencyOf(r: RunResult): string {
  const cost = (r.resolvedScenario as { cost?: { currency?: string } }).cost;
  return cost?.currency ?? 'USD';
}

/** The mark after a cell: `*` on the best of its row (or, for differences, where the CI excludes 0), else a space. */
function mark(row: HeadRow, results: readonly RunResult[], values: Array<number | null>, texts: string[], k: number, differences: boolean): string {
  if (values[k] === null) return ' ';
  if (differences) {
    const s = row.get ? undefined : at(results[k]!, row.path);
    return s?.ci95 != null && (s.ci95[0] > 0 || s.ci95[1] < 0) ? '*' : ' ';
  }
  const present = values.map((v, j) => (v === null ? null : j)).filter((j): j is number => j !== null);
  if (present.length < 2) return ' ';
  const best = present.reduce((a, b) => ((row.better === 'high' ? values[b]! > values[a]! : values[b]! < values[a]!) ? b : a));
  const winners = present.filter((j) => texts[j] === texts[best]);
  return winners.length < present.length && winners.includes(k) ? '*' : ' ';
}

/** `deploysim run`: the scenario, how it ran, the headline and how to read it. */
export function formatRunHeadline(r: RunResult): string {
  let title = `${clipName(r.scenario)}${r.description ? `: ${firstSentence(r.description)}` : ''}`;
  if (title.length > HEADLINE_WIDTH) title = `${title.slice(0, HEADLINE_WIDTH - 3)}...`;
  const head = [title, describeRun(r), ''];
  return `${head.join('\n')}\n${formatHeadline([r])}${headlineNote(r, false)}`;
}

/** `deploysim compare`: the headline side by side; with a baseline, the paired differences from it in the same rows. */
export function formatCompareHeadline(results: RunResult[], baseline: number | null, labels: readonly string[]): string {
  if (results.length === 0) return '';
  const head = [`Comparing ${results.length} scenarios on common random numbers`, describeRun(results[0]!), ''];
  // (A heading wraps over lines, so it may be longer than a detail table's.)
  const names = results.map((r, k) => clipName(labels[k] ?? r.scenario, 80));
  let text = `${head.join('\n')}\n${formatHeadline(results, { labels: names })}`;
  if (baseline !== null && results.length > 1) {
    const others = results.map((_, k) => k).filter((k) => k !== baseline);
    const asResults = others.map((k) => ({ ...results[k]!, metrics: results[k]!.pairedDifferences?.metrics ?? {}, saturationThroughputRps: null }));
    text += `\nPaired difference from ${names[baseline]} (* its 95% CI excludes 0):\n${formatHeadline(asResults, { labels: others.map((k) => names[k]!), differences: true })}`;
  }
  return `${text}${headlineNote(results[0]!, true)}`;
}

/** What the headline's numbers are, and where the rest is. */
function headlineNote(r: RunResult, compare: boolean): string {
  const lines = [
    '',
    `Means of ${r.replications.toLocaleString('en-US')} replication${r.replications === 1 ? '' : 's'}; totals (/y) per year of measured time.${compare ? ' * best in the row.' : ''}`,
    'worst in 10: the 90th percentile of the replications, where it is more than a tenth off the mean.',
    `Every metric with its 95% CI: --detail; all of it as JSON: --json.${compare ? ' Same random streams in' : ''}`,
  ];
  if (compare) lines.push('every scenario: differences between columns come from the scenarios, not from luck.');
  return `${lines.join('\n')}\n`;
}
