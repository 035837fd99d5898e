import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { RunResult } from '../sim/experiment/index.js';
import type { ExperimentItem } from '../sim/experiment/parallel.js';
import type { OverrideInput } from '../sim/scenario/index.js';
import { ENGINE_VERSION } from '../sim/version.js';
import { REPORT_DATA_ID, type ReportData, type ReportScenario, type ReportTable } from '../viz/data/report.js';
import { causeTables, worstYearRows } from './format.js';
import { InputError } from './scenarios.js';

/**
 * `deploysim report`: one self-contained HTML file holding the report page's script and CSS (the
 * `npm run build:report` output, viz/src/report/main.ts, which draws the compare view's charts)
 * and the comparison's data as JSON, so that it opens offline, from a file, with nothing loaded.
 */

/** The built page: its script (an IIFE) and its stylesheet. */
export interface ReportPage {
  js: string;
  css: string;
}

/** Where `npm run build:report` writes the page: dist/report-page, beside this file's dist/cli. */
export function defaultReportPageDir(): string {
  return fileURLToPath(new URL('../report-page/', import.meta.url));
}

/** Reads the built page; missing, it is an error that says to build it. */
export function readReportPage(dir = defaultReportPageDir()): ReportPage {
  const read = (file: string) => {
    try {
      return readFileSync(`${dir.replace(/\/?$/, '/')}${file}`, 'utf8');
    } catch (e) {
      throw new InputError(`report: the report page is not built (${file} in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run npm run build`);
    }
  };
  return { js: read('report.js'), css: read('report.css') };
}

export interface ReportInput {
  /** The results as `compare` computes them (each but the baseline's with its paired differences). */
  results: readonly RunResult[];
  /** What `compare --json` prints for them, parsed. */
  json: unknown[];
  /** The column labels, and the baseline's position. */
  labels: readonly string[];
  baseline: number;
  /** The scenarios as loaded: their sources (text, file, overrides). */
  items: readonly ExperimentItem[];
  /** The CLI's text blocks. */
  text: ReportData['text'];
  /** The compare command line that gives the same numbers. */
  command: string;
  writtenAt: Date;
}

function overrideText(o: OverrideInput): string {
  return typeof o === 'string' ? o : o.origin === o.text || o.origin.endsWith(o.text) ? o.origin : `${o.text} (${o.origin})`;
}

/** The data the page shows: the results, the CLI's text and tables, each scenario's text. */
export function reportData(input: ReportInput): ReportData {
  const { results, labels } = input;
  const first = results[0]!;
  const causes: ReportTable[] = causeTables(results).map((t) => ({
    section: 'causes',
    id: `causes-${t.key}`,
    title: t.title,
    note: 'Totals per replication (one horizon), mean ±95% CI half-width, for the causes some scenario has; — none in any replication.',
    rows: t.rows,
  }));
  const worst: ReportTable = {
    section: 'worst-years',
    id: 'worst-years-table',
    title: 'worst in 10 and in 100',
    note: 'Totals per replication (one horizon): the mean, then the 90th and 99th percentiles of the replications (with one-year replications, the worst year in 10 and in 100), ±half their order-statistic 95% CI; (n=...) where too few replications bound one.',
    rows: worstYearRows(results),
  };
  const scenarios: ReportScenario[] = input.items.map((item, k) => ({
    label: labels[k] ?? results[k]!.scenario,
    name: item.scenario.name,
    file: item.source.file,
    overrides: item.source.overrides.map(overrideText),
    source: item.source.text,
    resolved: stringify(results[k]!.resolvedScenario, { lineWidth: 0 }),
  }));
  return {
    version: ENGINE_VERSION,
    writtenAt: input.writtenAt.toISOString(),
    command: input.command,
    seed: first.seed,
    replications: first.replications,
    horizonS: first.horizonS,
    warmupS: first.warmupS,
    labels: [...labels],
    baseline: input.baseline,
    results: input.json,
    text: input.text,
    tables: [...causes, worst],
    scenarios,
  };
}

/** `&`, `<`, `>` and quotes as entities, for text and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` element: every `<` as `\u003c`, so that nothing
 * in it (`</script>`, `<!--`) can end the element; JSON.parse reads it back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Script or style text made safe to inline: no `</script`, `</style` or `<!--` left to end or confuse the element. */
function inline(text: string, tag: 'script' | 'style'): string {
  const closed = text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
  // In a script, `<!--` starts the HTML parser's escaped state; `\x21` is `!` in a string or a regular expression.
  return tag === 'script' ? closed.replace(/<!--/g, '<\\x21--') : closed;
}

/** The report: one HTML file, its script, CSS and data inline, and nothing to load (a CSP forbids it). */
export function reportHtml(data: ReportData, page: ReportPage): string {
  const title = `deploysim report: ${data.labels.join(', ')} (seed ${data.seed}, ${data.replications} replications)`;
  // Nothing may be fetched: no source but the inline script and styles, images only from data: and blob: (the PNG export).
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:";
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="deploysim ${escapeHtml(data.version)}">`,
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${inline(page.css, 'style')}</style>`,
    '</head>',
    '<body>',
    `<noscript><p>This report draws its charts and tables with JavaScript; allow scripts for this file to read it. Its data is in the element #${REPORT_DATA_ID} as JSON.</p></noscript>`,
    `<script type="application/json" id="${REPORT_DATA_ID}">${scriptJson(data)}</script>`,
    `<script>${inline(page.js, 'script')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A command-line word as a POSIX shell reads it back. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./[\]-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
