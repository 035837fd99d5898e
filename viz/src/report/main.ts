/**
 * The page of `deploysim report`: one self-contained HTML file (cli/report.ts inlines this script,
 * its CSS and the data). It reads the data from its JSON element and draws the compare view's
 * charts with the compare view's own functions (views/compare.ts compareCharts), then the CLI's
 * text blocks and tables as the CLI formatted them. It loads nothing: no fetch, no worker.
 */
import type { RunResult } from '../../../sim/experiment/index.js';
import { formatDuration } from '../../../sim/scenario/units.js';
import { REPORT_DATA_ID, type ReportData, type ReportScenario, type ReportTable } from '../../data/report.js';
import { compareCharts } from '../views/compare.js';
import '../style.css';
import './report.css';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function section(id: string, title: string, ...children: Array<Node | string>): HTMLElement {
  return el('section', { id, 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title` }, title), ...children);
}

/** Text as the terminal shows it. */
function pre(text: string, cls: string): HTMLPreElement {
  return el('pre', { class: `cli-text ${cls}` }, text.replace(/\n+$/, ''));
}

function table(t: ReportTable, labels: readonly string[]): HTMLElement {
  const head = el('tr', {}, el('th', { scope: 'col' }, t.section === 'causes' ? 'cause' : 'total'), ...labels.map((l) => el('th', { scope: 'col' }, l)));
  const rows = t.rows.map((row) => el('tr', {}, el('th', { scope: 'row' }, row.label), ...row.cells.map((c) => el('td', {}, c === '' ? '—' : c))));
  return el(
    'div',
    { class: 'report-table-box', id: t.id },
    el('h3', { id: `${t.id}-title` }, t.title),
    el('p', { class: 'note' }, t.note),
    el('div', { class: 'table-box' }, el('table', { class: 'numbers report-table', 'aria-labelledby': `${t.id}-title` }, el('thead', {}, head), el('tbody', {}, ...rows))),
  );
}

function scenarioBlock(s: ReportScenario, k: number): HTMLElement {
  const overrides = s.overrides.length === 0 ? 'none' : s.overrides.join(', ');
  return el(
    'article',
    { class: 'scenario', id: `scenario-${k}` },
    el('h3', {}, s.label),
    el('p', {}, `Scenario ${s.name}, read from ${s.file}; overrides applied in order: ${overrides}.`),
    el('details', {}, el('summary', {}, 'As it ran: every field, defaults filled in (YAML; loading it reproduces the run)'), pre(s.resolved, 'yaml resolved')),
    el('details', {}, el('summary', {}, `${s.file} as written`), pre(s.source, 'yaml source')),
  );
}

function render(data: ReportData): void {
  const results = data.results as RunResult[];
  const names = data.labels;
  const when = data.writtenAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const horizon = `${data.replications.toLocaleString('en-US')} replication${data.replications === 1 ? '' : 's'} x ${formatDuration(data.horizonS)} (first ${formatDuration(data.warmupS)} not measured)`;
  const header = el(
    'header',
    { class: 'report-header' },
    el('h1', {}, `deploysim report: ${names.join(', ')}`),
    el(
      'p',
      { class: 'meta' },
      el('span', { id: 'meta-seed' }, `seed ${data.seed}`),
      ' · ',
      el('span', { id: 'meta-replications' }, horizon),
      ' · ',
      el('span', { id: 'meta-version' }, `deploysim ${data.version}`),
      ' · ',
      el('span', { id: 'meta-written' }, `written ${when}`),
    ),
    el('p', { class: 'meta' }, 'The same numbers: ', el('code', { id: 'meta-command' }, `${data.command} --json`)),
    el(
      'nav',
      { 'aria-label': 'contents' },
      ...[
        ['headline', 'Headline'],
        ['findings', 'Findings'],
        ['charts', 'Charts'],
        ['causes', 'Causes'],
        ['worst-years', 'Worst years'],
        ['assumptions', 'Assumptions'],
        ['detail', 'Every metric'],
        ['scenarios', 'Scenarios'],
      ].map(([id, title]) => el('a', { href: `#${id}` }, title!)),
    ),
  );

  // The compare view's charts, drawn by its own function; printable at A4 width.
  const available = Math.min(1100, (document.documentElement.clientWidth || 1132) - 32);
  const charts = compareCharts(results, { names, baseline: data.baseline, available });
  const chartSection = section(
    'charts',
    'Charts',
    el('p', { class: 'note' }, 'Each scenario a dot with its 95% confidence interval (per-year metrics scaled to a year of measured time); the best marked.'),
    el('div', { class: 'scenario-legend', 'aria-label': 'scenarios' }, ...charts.legend),
    el('div', { class: 'panels', 'aria-label': 'headline metrics' }, ...charts.panels),
    el('div', { class: 'scatter-box', 'aria-label': 'cost against availability' }, charts.scatter),
    ...(results.length > 1 ? [el('h3', {}, 'Paired differences'), el('p', { class: 'note' }, charts.differencesNote), el('div', { class: 'panels diffs', 'aria-label': 'paired differences' }, ...charts.differences)] : []),
    el('h3', {}, 'The numbers'),
    el('div', { class: 'table-box' }, charts.table),
  );

  const tables = (s: ReportTable['section']) => data.tables.filter((t) => t.section === s).map((t) => table(t, names));
  const causes = tables('causes');
  const main = el(
    'main',
    { class: 'report' },
    section('headline', 'Headline', pre(data.text.headline, 'headline'), ...(data.text.precision === '' ? [] : [pre(data.text.precision, 'precision')])),
    section('findings', 'Findings', data.text.findings === '' ? el('p', {}, 'No finding: no effect was large enough to name.') : pre(data.text.findings, 'findings')),
    chartSection,
    section('causes', 'Causes', ...(causes.length > 0 ? causes : [el('p', {}, 'No downtime, failed request or duplicate task run in any scenario.')])),
    section('worst-years', 'Worst years', ...tables('worst-years')),
    section('assumptions', 'Assumptions', pre(data.text.assumptions, 'assumptions')),
    section('detail', 'Every metric', el('details', {}, el('summary', {}, 'The full table (deploysim compare --detail)'), pre(data.text.detail, 'detail'))),
    section('scenarios', 'Scenarios', ...data.scenarios.map(scenarioBlock)),
  );
  const footer = el('footer', { class: 'report-footer' }, `deploysim ${data.version}, seed ${data.seed}. Written ${when}.`);
  // The data and this script stay in the page (anyone may read the data there).
  document.body.replaceChildren(header, main, footer, ...document.body.querySelectorAll(':scope > script'));
  document.body.dataset.rendered = 'true';
}

// Printing shows what is folded away too.
addEventListener('beforeprint', () => {
  for (const d of document.querySelectorAll('details')) d.open = true;
});

const holder = document.getElementById(REPORT_DATA_ID);
try {
  if (holder === null) throw new Error(`the element #${REPORT_DATA_ID} holding the report's data is missing`);
  render(JSON.parse(holder.textContent ?? '') as ReportData);
} catch (e) {
  document.body.prepend(el('p', { role: 'alert', class: 'report-error' }, `This report could not be shown: ${(e as Error).message}`));
  throw e;
}
