import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { loadScenarioFile } from '../cli/scenarios.js';
import { defaultSiteDir, startVizServer } from '../cli/viz-server.js';
import { traceReplication } from '../sim/trace/index.js';

/**
 * `npm run bench:viz`: the visualiser's figures, measured in Debian's headless Chromium on this
 * machine against the built site (dist/site). Not a test: nothing here asserts a time.
 *
 *   1. the built bundle, each file and the total, gzipped (level 9);
 *   2. first render of the landing view, five patterns at 200 replications of a year: from
 *      navigation to the first numbers, and to the complete view (saturation searches included);
 *   3. playback frame time: the work per frame while playing a 20-node, 100-pod replication at
 *      x1,000, and the intervals between animation frames;
 *   4. the trace of a year of the coordinated pattern, in records and bytes.
 */

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function bundle(site: string): void {
  console.log('1. Bundle (dist/site), gzipped:');
  let total = 0;
  let raw = 0;
  for (const file of files(site).sort()) {
    const bytes = readFileSync(file);
    const gz = gzipSync(bytes, { level: 9 }).length;
    total += gz;
    raw += bytes.length;
    console.log(`   ${file.slice(site.length + 1).padEnd(36)} ${kb(bytes.length).padStart(10)} ${kb(gz).padStart(10)} gz`);
  }
  console.log(`   total: ${kb(raw)}, ${kb(total)} gzipped (aim: under 400 KB)`);
}

async function firstRender(browser: Browser, url: string): Promise<void> {
  console.log('2. First render of the landing view (five patterns, 200 replications of a year each):');
  const first: number[] = [];
  const complete: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(0);
    // Waited for with one small expression through the DevTools protocol: Playwright's own waits
    // inject its helper script into the page, whose compiling (about 0.1 s of the page's thread,
    // just after the load event) would be counted in the figures.
    const cdp = await context.newCDPSession(page);
    await page.goto(`${url}?reps=200${process.env['BENCH_QUERY'] ?? ''}`, { waitUntil: 'commit' });
    const { result } = (await cdp.send('Runtime.evaluate', {
      awaitPromise: true,
      returnByValue: true,
      expression: `new Promise((resolve) => {
        const check = () => document.body?.dataset.complete === 'true' ? resolve({ ...Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])), ahead: Number(document.body.dataset.ahead) }) : setTimeout(check, 100);
        check();
      })`,
    })) as { result: { value: Record<string, number> } };
    const marks = result.value;
    first.push(marks['deploysim:first-numbers']!);
    complete.push(marks['deploysim:complete']!);
    console.log(`   round ${i + 1}: first numbers ${marks['deploysim:first-numbers']!.toFixed(0)} ms, complete ${marks['deploysim:complete']!.toFixed(0)} ms (${marks['ahead']} replication(s) run before the page asked)`);
    await context.close();
  }
  console.log(`   median: first numbers ${median(first).toFixed(0)} ms (aim: under 1 s), complete ${median(complete).toFixed(0)} ms (aim: under 5 s)`);
}

async function playback(browser: Browser, url: string): Promise<void> {
  console.log('3. Playback of a 20-node, 100-pod replication (multiple-replicas, 30 days) at x1,000:');
  const overrides = ['cluster.nodePools[0].count=20', 'workloads[0].replicas=100', 'horizon=30d'];
  const query = `view=explorer&s0=multiple-replicas&${overrides.map((o) => `o0=${encodeURIComponent(o)}`).join('&')}&reps=1`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(0);
  await page.goto(`${url}?${query}`);
  await page.locator('#view[data-ready=true]').waitFor();
  const pods = await page.locator('[data-row-kind=pod]').count();
  const nodes = await page.locator('#view button[data-node]').count();
  await page.selectOption('#speed', '1000');
  await page.click('#play');
  // The intervals between animation frames while playing, for 5 s of wall-clock time.
  const gaps = (await page.evaluate(`new Promise((resolve) => {
    const gaps = []; let last = performance.now(); const end = last + 5000;
    const tick = (now) => { gaps.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else resolve(gaps); };
    requestAnimationFrame(tick);
  })`)) as number[];
  await page.click('#play');
  const work = Number(await page.getAttribute('#view', 'data-frame-ms-median'));
  const worst = Number(await page.getAttribute('#view', 'data-frame-ms'));
  console.log(`   ${nodes} nodes, ${pods} pod rows; work per frame: median ${work.toFixed(2)} ms, worst of the last 120 ${worst.toFixed(2)} ms (aim: median under 16 ms)`);
  console.log(`   frame intervals: median ${median(gaps).toFixed(1)} ms, ${gaps.filter((g) => g > 20).length} of ${gaps.length} over 20 ms`);
  await context.close();
}

function traceSize(): void {
  const scenario = loadScenarioFile('multiple-replicas-coordination', []);
  let records = 0;
  let text = '';
  traceReplication(scenario, scenario.seed, 0, (r) => {
    records++;
    text += `${JSON.stringify(r)}\n`;
  });
  const bytes = Buffer.byteLength(text);
  console.log(`4. Trace of a year of multiple-replicas-coordination (replication 0): ${records.toLocaleString('en-US')} records, ${kb(bytes)} (${kb(gzipSync(text).length)} gzipped)`);
}

async function main(): Promise<void> {
  const site = defaultSiteDir();
  bundle(site);
  const server = await startVizServer({ root: site, host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    await firstRender(browser, server.url);
    await playback(browser, server.url);
  } finally {
    await browser.close();
    await server.close();
  }
  traceSize();
}

await main();
