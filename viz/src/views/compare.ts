import { withPairedDifferences, type RunResult } from '../../../sim/experiment/index.js';
import { costAgainstAvailability, displayNames, headlineSpecs, panelsOf, summaryAt, type PanelSpec } from '../../data/compare.js';
import { dotPlot, type Dot } from '../charts/dotplot.js';
import { exportButtons, exportCsv, exportJson } from '../charts/export.js';
import { human } from '../charts/format.js';
import { costScatter } from '../charts/scatter.js';
import { seriesColour } from '../palette.js';
import type { CompareUpdate } from '../worker/pool.js';

const YEAR_S = 365 * 86400;

/** The per-year factor of a panel (its values per replication scaled to a year of measured time). */
function factor(spec: PanelSpec, r: RunResult): number {
  return spec.perYear ? YEAR_S / (r.horizonS - r.warmupS) : 1;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface CompareChartsOptions {
  /** The name shown for each result, in order (unique: two results may share a scenario name). */
  names: readonly string[];
  /** The position of the result the others' `pairedDifferences` are from. */
  baseline: number;
  /** The width the charts may take, in CSS pixels. */
  available: number;
}

/** The compare view's charts and table for a list of results, drawn by the live page and the report alike. */
export interface CompareCharts {
  /** A swatch and name per scenario, with its replications. */
  legend: HTMLElement[];
  /** A dot plot per headline metric: each scenario a dot with its 95% CI, the best marked. */
  panels: HTMLElement[];
  /** Cost against availability with the Pareto frontier (or a note when no result has both). */
  scatter: HTMLElement;
  /** What the differences are. */
  differencesNote: string;
  /** A dot plot per headline metric of each other scenario's paired difference from the baseline. */
  differences: HTMLElement[];
  /** The panels' numbers as a table. */
  table: HTMLTableElement;
}

/**
 * Draws the compare charts of `results` (as `deploysim compare --json` gives them: every result
 * but the baseline's carries its paired differences from the baseline). Pure DOM building: the
 * caller puts the parts where it wants them.
 */
export function compareCharts(results: readonly RunResult[], o: CompareChartsOptions): CompareCharts {
  const { names, baseline: k } = o;
  const panelWidth = Math.max(320, Math.min(560, o.available / 2 - 24));
  const legend = results.map((r, i) => {
    const item = el('span', { class: 'legend-item' });
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = seriesColour(i);
    item.append(swatch, document.createTextNode(`${names[i]} (${r.replications} replications)`));
    return item;
  });

  const specs = headlineSpecs(results);
  const panels = panelsOf(results, specs).map((panel) => {
    const dots: Dot[] = panel.points.map((p) => ({ ...p, label: names[p.index]!, metric: panel.spec.path, rawValue: summaryAt(results[p.index]!, panel.spec.path)!.mean! }));
    return figure(panel.spec.label, dotPlot(dots, { title: panel.spec.label, unit: panel.spec.unit, width: panelWidth }));
  });

  const cost = costAgainstAvailability(results).map((p) => ({ ...p, scenario: names[p.index]! }));
  const scatter = cost.length > 0 ? figure('cost-availability', costScatter(cost, Math.min(900, Math.max(360, o.available - 16)))) : el('p', {}, 'No cost or availability yet.');

  // Paired differences from the baseline, replication by replication (common random numbers).
  const differences: HTMLElement[] = [];
  for (const spec of specs) {
    const dots: Dot[] = [];
    results.forEach((r, i) => {
      if (i === k) return;
      const s = summaryAt({ ...r, metrics: r.pairedDifferences?.metrics ?? {} } as RunResult, spec.path);
      if (s === undefined || s.mean === null) return;
      const f = factor(spec, r);
      dots.push({ scenario: r.scenario, label: names[i]!, index: i, mean: s.mean * f, lo: s.ci95 ? s.ci95[0] * f : null, hi: s.ci95 ? s.ci95[1] * f : null, metric: `pairedDifferences.${spec.path}`, rawValue: s.mean });
    });
    if (dots.length > 0) differences.push(figure(`difference-${spec.label}`, dotPlot(dots, { title: `${spec.label}: difference to ${names[k]}`, unit: spec.unit, width: panelWidth, zero: true })));
  }
  const differencesNote = `Each scenario minus ${names[k]}, replication by replication on the same random numbers: an interval that excludes 0 is a real difference.`;

  return { legend, panels, scatter, differencesNote, differences, table: table(results, specs, names) };
}

/** A chart in a figure, with its SVG and PNG buttons. */
function figure(name: string, svg: SVGSVGElement): HTMLElement {
  const f = el('figure', { class: 'chart-figure' });
  f.append(svg, exportButtons(() => svg, name.replace(/[^a-z0-9]+/gi, '-')));
  return f;
}

/**
 * The landing view: the headline metrics as dot plots with 95% CIs (one panel per metric), cost
 * against availability with the Pareto frontier, the paired differences to a chosen baseline, and
 * the same numbers as a table. Redrawn on every update as replications stream in.
 */
export function mountCompareView(root: HTMLElement): { update(u: CompareUpdate): void; destroy(): void } {
  root.replaceChildren();
  root.classList.add('compare-view');
  const tools = el('div', { class: 'toolbar' });
  const baselineLabel = el('label', {}, 'Baseline for differences ');
  const baselineSelect = el('select', { id: 'baseline' });
  baselineLabel.append(baselineSelect);
  const jsonButton = el('button', { type: 'button', id: 'export-json' }, 'Results as JSON');
  const csvButton = el('button', { type: 'button', id: 'export-csv' }, 'Table as CSV');
  tools.append(baselineLabel, jsonButton, csvButton);
  const legend = el('div', { class: 'scenario-legend', 'aria-label': 'scenarios' });
  const panels = el('section', { class: 'panels', 'aria-label': 'headline metrics' });
  const scatterBox = el('section', { class: 'scatter-box', 'aria-label': 'cost against availability' });
  const diffsHeading = el('h2', {}, 'Paired differences');
  const diffsNote = el('p', { class: 'note' });
  const diffs = el('section', { class: 'panels diffs', 'aria-label': 'paired differences' });
  const tableHeading = el('h2', {}, 'The numbers');
  const tableBox = el('div', { class: 'table-box' });
  root.append(tools, legend, panels, scatterBox, diffsHeading, diffsNote, diffs, tableHeading, tableBox);

  let last: CompareUpdate | null = null;
  /** The baseline's position in the results. */
  let baseline: number | null = null;

  baselineSelect.addEventListener('change', () => {
    baseline = Number(baselineSelect.value);
    if (last !== null) draw(last);
  });
  jsonButton.addEventListener('click', () => last !== null && exportJson(last.results, 'deploysim-compare'));
  csvButton.addEventListener('click', () => {
    if (last === null) return;
    const specs = headlineSpecs(last.results);
    const header = ['scenario', 'replications', ...specs.flatMap((s) => [`${s.path} (mean)`, `${s.path} (ci95 low)`, `${s.path} (ci95 high)`])];
    const rows = last.results.map((r) => [r.scenario, r.replications, ...specs.flatMap((s) => {
      const m = summaryAt(r, s.path);
      return [m?.mean ?? null, m?.ci95?.[0] ?? null, m?.ci95?.[1] ?? null];
    })]);
    exportCsv(header, rows, 'deploysim-compare');
  });

  function draw(u: CompareUpdate): void {
    // Read the layout once per draw (reading it between insertions would force a layout each time).
    const available = root.clientWidth || 1100;
    const results = u.results;
    // Scenarios are told apart by position (two may share a name); names shown are numbered then.
    const names = displayNames(results);
    if (baseline === null || baseline >= results.length) baseline = 0;
    const k = baseline;
    baselineSelect.replaceChildren(...results.map((_, i) => {
      const o = el('option', { value: String(i) }, names[i]);
      o.selected = i === k;
      return o;
    }));
    // The results hold the differences from the first; another baseline is paired here.
    const paired = k === 0 ? results : withPairedDifferences(results.map((result, i) => ({ aggregate: u.aggregates[i]!, result })), k);
    const charts = compareCharts(paired, { names, baseline: k, available });
    legend.replaceChildren(...charts.legend);
    panels.replaceChildren(...charts.panels);
    scatterBox.replaceChildren(charts.scatter);
    diffsNote.textContent = charts.differencesNote;
    diffs.replaceChildren(...charts.differences);
    tableBox.replaceChildren(charts.table);
  }

  return {
    update(u) {
      last = u;
      draw(u);
    },
    destroy() {
      root.replaceChildren();
    },
  };
}

function table(results: readonly RunResult[], specs: readonly PanelSpec[], names: readonly string[]): HTMLTableElement {
  const t = el('table', { class: 'numbers' });
  const caption = el('caption', {}, 'Mean and 95% confidence interval per scenario (per-year metrics scaled to a year of measured time)');
  const head = el('tr');
  head.append(el('th', { scope: 'col' }, 'metric'), ...names.map((name) => el('th', { scope: 'col' }, name)));
  const body = el('tbody');
  for (const spec of specs) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, `${spec.label} (${spec.unit})`));
    for (const r of results) {
      const s = summaryAt(r, spec.path);
      const f = factor(spec, r);
      const td = el('td');
      if (s !== undefined && s.mean !== null) {
        td.textContent = `${human(s.mean * f, spec.unit)}${s.ci95 ? ` [${human(s.ci95[0] * f, spec.unit)}, ${human(s.ci95[1] * f, spec.unit)}]` : ''}`;
        td.dataset.metric = spec.path;
        td.dataset.value = String(s.mean);
        td.dataset.scenario = r.scenario;
      } else td.textContent = '—';
      tr.append(td);
    }
    body.append(tr);
  }
  const thead = el('thead');
  thead.append(head);
  t.append(caption, thead, body);
  return t;
}
