// `deploysim report` (issue 12, item 9): the one HTML file it writes opens from a file:// URL in
// headless Chromium with the network off, loads nothing, logs no error, draws the compare view's
// charts, and shows the numbers of `deploysim compare --json` for the same arguments: the embedded
// results are that output to the byte, and the numbers on the page are those values as the page
// formats them. The scenarios' YAML as it ran loads back to the same scenario.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatCell, worstAt, type Kind } from '../../cli/format.js';
import type { MetricSummary, RunResult } from '../../sim/experiment/index.js';
import { metricAt } from '../../sim/experiment/index.js';
import { loadScenarioText } from '../../sim/scenario/index.js';
import { serializeScenario } from '../../sim/scenario/serialize.js';
import { ENGINE_VERSION } from '../../sim/version.js';
import { headlineSpecs, summaryAt } from '../../viz/data/compare.js';
import { REPORT_DATA_ID, type ReportData } from '../../viz/data/report.js';
import { human } from '../../viz/src/charts/format.js';
import { launchChromium } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/deploysim.js');
// Three patterns, small and short so the test is quick; a label that would end a <script> element
// if the report did not escape it, and a baseline that is not the first.
const LABEL = '</script><b id="injected">one pod</b>';
const ARGS = ['single-replica', 'multiple-replicas', 'multiple-replicas-coordination', '--replications', '40', '--horizon', '30d', '--seed', '7', '--label', LABEL, '--baseline', 'multiple-replicas'];
const YEAR_S = 365 * 86400;

type Json = RunResult & { label: string };

function cli(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, `deploysim ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let file: string;
let written: string;
let compareJson: string;
let compareText: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];
const requests: string[] = [];
let data: ReportData;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deploysim-report-'));
  file = join(dir, 'report.html');
  written = cli(['report', ...ARGS, '--out', file]).stderr;
  compareJson = cli(['compare', '--json', ...ARGS]).stdout;
  compareText = cli(['compare', ...ARGS]).stdout;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // The network is off, and every request other than the file itself is recorded and refused.
  await context.setOffline(true);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  page = await context.newPage();
  page.setDefaultTimeout(0);
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.locator('body[data-rendered=true]').waitFor();
  data = JSON.parse((await page.textContent(`#${REPORT_DATA_ID}`))!) as ReportData;
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cliResults = (): Json[] => JSON.parse(compareJson) as Json[];

describe('deploysim report', () => {
  test('writes one file, says so on stderr with its size, and the file references nothing outside itself', () => {
    const size = statSync(file).size;
    expect(written).toBe(`deploysim: written to ${file} (${(size / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB)\n`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // Scripts and styles inline: no script with a src, no stylesheet link, no CSS import or url() but data:.
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*rel="?stylesheet/i);
    expect(html).not.toMatch(/@import/);
    for (const m of html.matchAll(/url\(\s*['"]?([^'")]*)/g)) expect(m[1], m[0]).toMatch(/^(data:|#)/);
    // The markup around the script and style elements' contents: every src and href in it stays in the file.
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2').replace(/(<style>)[\s\S]*?(<\/style>)/g, '$1$2');
    expect(markup.length).toBeLessThan(2000);
    for (const m of markup.matchAll(/\b(?:src|href)="([^"]*)"/gi)) expect(m[1], m[0]).toMatch(/^(data:|#)/);
    // Two script elements: the data (JSON) and the page's code; the label's </script> did not end either.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  test('opens offline from a file: nothing requested, no error, every link on the page stays in it', async () => {
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const links = await page.$$eval('[src], [href]', (els) => els.map((e) => e.getAttribute('src') ?? e.getAttribute('href')!));
    for (const link of links) expect(link).toMatch(/^(data:|#)/);
    // The label is text, not markup.
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.textContent('h1')).toContain(LABEL);
  });

  test('embeds exactly what compare --json prints for the same arguments', () => {
    expect(data.results).toEqual(cliResults());
    // Byte for byte: the same numbers, printed as compare prints them.
    expect(`${JSON.stringify(data.results, null, 2)}\n`).toBe(compareJson);
    expect(data.labels).toEqual(cliResults().map((r) => r.label));
    expect(data.baseline).toBe(1);
    expect(data.version).toBe(ENGINE_VERSION);
  });

  test('the title says the scenarios, seed, replications, horizon, version and the date written', async () => {
    const meta = await page.textContent('.report-header');
    expect(await page.textContent('h1')).toBe(`deploysim report: ${cliResults().map((r) => r.label).join(', ')}`);
    expect(await page.textContent('#meta-seed')).toBe('seed 7');
    expect(await page.textContent('#meta-replications')).toBe('40 replications x 30d (first 10m not measured)');
    expect(await page.textContent('#meta-version')).toBe(`deploysim ${ENGINE_VERSION}`);
    const day = new Date().toISOString().slice(0, 10);
    expect(meta).toContain(`written ${data.writtenAt.slice(0, 10)}`);
    expect([day, new Date(Date.now() - 86400_000).toISOString().slice(0, 10)]).toContain(data.writtenAt.slice(0, 10));
    // The date is in the report only, never in the numbers.
    expect(compareJson).not.toContain(data.writtenAt.slice(0, 10));
    expect(await page.textContent('#meta-command')).toBe(`${data.command} --json`);
    expect(data.command).toMatch(/^deploysim compare single-replica multiple-replicas multiple-replicas-coordination --replications 40 --horizon 30d --seed 7 --label '/);
  });

  test('shows the headline, findings and assumptions exactly as compare prints them', async () => {
    const text = async (selector: string) => (await page.textContent(selector)) ?? '';
    const headline = await text('#headline pre.headline');
    const findings = data.text.findings === '' ? '' : await text('#findings pre.findings');
    const assumptions = await text('#assumptions pre.assumptions');
    expect(`${headline}\n\n${findings === '' ? '' : `${findings}\n\n`}${assumptions}\n`).toBe(compareText);
    expect(headline).toContain('Paired difference from multiple-replicas');
  });

  test('draws the compare view\'s charts: a dot plot per headline metric with CIs, cost against availability, paired differences', async () => {
    const results = cliResults();
    const specs = headlineSpecs(results);
    const plots = await page.$$eval('#charts .panels:not(.diffs) svg.dotplot', (els) => els.map((e) => e.getAttribute('aria-label')));
    expect(plots).toEqual(specs.map((s) => `${s.label} (${s.unit})`));
    // A dot (and, with a CI, whiskers) per scenario that has the metric.
    const availability = await page.$$eval('#charts .panels:not(.diffs) .dot[data-metric="metrics.service.availability"]', (els) => els.map((e) => ({ circle: e.querySelector('circle') !== null, whisker: e.querySelector('line.whisker') !== null })));
    expect(availability).toHaveLength(3);
    expect(availability.every((d) => d.circle)).toBe(true);
    expect(await page.locator('#charts svg.scatter .point').count()).toBe(3);
    // Paired differences from multiple-replicas: the other two.
    const diffs = await page.$$eval('#charts .diffs .dot[data-metric="pairedDifferences.metrics.service.availability"]', (els) => els.map((e) => e.getAttribute('data-scenario')));
    expect(diffs).toEqual(['single-replica', 'multiple-replicas-coordination']);
  });

  test('every value drawn or tabled equals compare --json, and the numbers table shows it as the page formats it', async () => {
    const results = cliResults();
    const shown = await page.$$eval('#charts [data-metric]', (els) => els.map((e) => ({ metric: e.getAttribute('data-metric')!, value: e.getAttribute('data-value')!, scenario: e.getAttribute('data-scenario')!, text: e.tagName === 'TD' ? e.textContent : null })));
    expect(shown.length).toBeGreaterThan(40);
    const byName = new Map(results.map((r) => [r.scenario, r]));
    for (const s of shown) {
      const r = byName.get(s.scenario)!;
      const paired = s.metric.startsWith('pairedDifferences.');
      const path = paired ? s.metric.slice('pairedDifferences.'.length) : s.metric;
      const summary = summaryAt(paired ? ({ ...r, metrics: r.pairedDifferences!.metrics } as RunResult) : r, path);
      expect(s.value, `${s.scenario} ${s.metric}`).toBe(JSON.stringify(summary!.mean));
      if (s.text !== null) {
        const spec = headlineSpecs(results).find((x) => x.path === path)!;
        const f = spec.perYear ? YEAR_S / (r.horizonS - r.warmupS) : 1;
        expect(s.text, `${s.scenario} ${s.metric}`).toBe(`${human(summary!.mean! * f, spec.unit)}${summary!.ci95 ? ` [${human(summary!.ci95[0] * f, spec.unit)}, ${human(summary!.ci95[1] * f, spec.unit)}]` : ''}`);
      }
    }
    expect(shown.filter((s) => s.text !== null).length).toBeGreaterThan(15);
  });

  test('causes and worst years: the rows with a cause, each cell the --json value as --detail prints it', async () => {
    const results = cliResults();
    const rows = async (id: string) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    const causes = await rows('causes-downtime');
    expect(await page.textContent('#causes-downtime h3')).toBe('service downtime by cause');
    // Every cause some scenario had downtime from, and only those.
    const labels: Record<string, string> = { nodeCrash: 'node crash', containerCrash: 'container crash', capacityPacked: 'capacity: pods packed on a node', startup: 'start-up' };
    const present = Object.keys(labels).filter((c) => results.some((r) => (metricAt(r, `service.downtimeByCauseS.${c}`)?.mean ?? 0) > 0));
    expect(present.length).toBeGreaterThan(0);
    for (const cause of present) {
      const row = causes.find((r) => r[0] === labels[cause]);
      expect(row, cause).toBeDefined();
      results.forEach((r, k) => {
        const s = metricAt(r, `service.downtimeByCauseS.${cause}`);
        expect(row![k + 1], `${cause} ${r.label}`).toBe(s?.mean === 0 ? '—' : formatCell(s, 'duration'));
      });
    }
    for (const row of causes) expect(row.slice(1).some((c) => c !== '—'), row[0]).toBe(true);
    // Failed requests by cause.
    const failed = await rows('causes-failed');
    const crash = failed.find((r) => r[0] === 'container crash')!;
    results.forEach((r, k) => {
      const s = metricAt(r, 'service.requests.failedByCause.containerCrash');
      expect(crash[k + 1]).toBe(s?.mean === 0 ? '—' : formatCell(s, 'count'));
    });
    // Worst years: each total's mean, p90 and p99.
    const worst = await rows('worst-years-table');
    const check = (label: string, path: string, kind: Kind) => {
      const get = (r: RunResult, q: 'mean' | 'p90' | 'p99'): MetricSummary | undefined => (q === 'mean' ? metricAt(r, path) : worstAt(r, path, q));
      for (const [q, suffix] of [['mean', ''], ['p90', ': worst in 10 (p90)'], ['p99', ': worst in 100 (p99)']] as const) {
        const row = worst.find((x) => x[0] === `${label}${suffix}`);
        expect(row, `${label}${suffix}`).toBeDefined();
        results.forEach((r, k) => {
          const cell = formatCell(get(r, q), kind);
          expect(row![k + 1], `${label}${suffix} ${r.label}`).toBe(cell === '' ? '—' : cell);
        });
      }
    };
    check('downtime', 'service.downtimeS', 'duration');
    check('failed requests', 'service.requests.failed', 'count');
    check('missed task runs', 'capabilities.scheduledTasks.missedExecutions', 'count');
    check('duplicate task runs', 'capabilities.scheduledTasks.duplicateExecutions', 'count');
    check("cost (at the scenario's prices)", 'cost.money', 'hours');
  });

  test("each scenario's text: the YAML as it ran loads back to the same scenario; the file as written; its overrides", async () => {
    const results = cliResults();
    expect(data.scenarios.map((s) => s.label)).toEqual(results.map((r) => r.label));
    for (const [k, s] of data.scenarios.entries()) {
      const loaded = loadScenarioText(s.resolved, `report scenario ${k}`);
      expect(loaded.errors, s.label).toEqual([]);
      expect(serializeScenario(loaded.scenario!), s.label).toEqual(results[k]!.resolvedScenario);
      expect(s.source).toBe(readFileSync(join(ROOT, 'scenarios', `${results[k]!.scenario}.yaml`), 'utf8'));
      expect(s.overrides).toContain('seed=7 (--seed 7)');
      expect(await page.textContent(`#scenario-${k} pre.resolved`)).toBe(s.resolved.replace(/\n+$/, ''));
    }
  });

  test('prints: the charts fit the page and the folded parts open', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
    expect(await page.$$eval('details', (ds) => ds.every((d) => d.open))).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
