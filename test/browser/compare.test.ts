// The compare view (the landing page) in headless Chromium against `deploysim compare --json`: the
// page runs sim/ in Web Workers and must show the CLI's numbers for the same scenarios, seed and
// replications, to the last digit. Also: sharing state in the URL, and a bad URL.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PATTERN_ORDER } from '../../sim/scenario/patterns.js';
import { openSite, type Site } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/deploysim.js', import.meta.url));
const SEED = 11;
const REPS = 12;

interface Summary {
  mean: number | null;
}

function cliCompare(args: string[]): Array<Record<string, unknown>> {
  const r = spawnSync(process.execPath, [BIN, 'compare', '--json', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
}

/** The value at a dotted path in one scenario's --json result. */
function at(result: Record<string, unknown>, path: string): Summary | undefined {
  let node: unknown = result;
  for (const part of path.split('.')) node = node !== null && typeof node === 'object' && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined;
  return node as Summary | undefined;
}

let site: Site;
beforeAll(async () => {
  site = await openSite({ navigate: false });
});
afterAll(async () => {
  await site?.close();
});

async function complete(): Promise<void> {
  await site.page.locator('body[data-complete=true]').waitFor();
}

describe('the landing view', () => {
  test('renders every built-in pattern, each data-metric value equal to deploysim compare --json, and logs no errors', async () => {
    const cli = cliCompare(['--seed', String(SEED), '--replications', String(REPS)]);
    await site.goto(`seed=${SEED}&reps=${REPS}`);
    await complete();
    // The first worker ran some of the first scenario's replications before the page asked
    // (usually one or two; none on a machine too busy to start it early): the numbers are the same.
    const ahead = Number(await site.page.getAttribute('body', 'data-ahead'));
    expect(Number.isInteger(ahead) && ahead >= 0 && ahead <= REPS, `data-ahead ${ahead}`).toBe(true);
    const shown = await site.page.$$eval('#view [data-metric]', (els) => els.map((e) => ({ metric: e.getAttribute('data-metric')!, value: e.getAttribute('data-value')!, scenario: e.getAttribute('data-scenario')! })));
    expect(new Set(shown.map((s) => s.scenario))).toEqual(new Set(PATTERN_ORDER));
    expect(shown.length).toBeGreaterThan(50);
    const byName = new Map(cli.map((r) => [r['scenario'] as string, r]));
    let compared = 0;
    for (const s of shown) {
      const result = byName.get(s.scenario);
      expect(result, s.scenario).toBeDefined();
      const summary = at(result!, s.metric);
      expect(summary?.mean, `${s.scenario} ${s.metric}`).not.toBeUndefined();
      // The attribute is String(mean) and JSON prints the same shortest round-trip digits.
      expect(s.value, `${s.scenario} ${s.metric}`).toBe(JSON.stringify(summary!.mean));
      compared++;
    }
    expect(compared).toBe(shown.length);
    // Paired differences to the first pattern are there for the other four.
    expect(shown.filter((s) => s.metric.startsWith('pairedDifferences.')).length).toBeGreaterThanOrEqual(4 * 6);
    expect(await site.page.textContent('#progress-text')).toContain(`${(5 * REPS).toLocaleString('en-US')} of ${(5 * REPS).toLocaleString('en-US')} replications`);
    expect(site.errors).toEqual([]);
    expect(site.externalRequests).toEqual([]);
  });

  test('scenarios given in the URL (a built-in with overrides) give the CLI numbers for the same overrides', async () => {
    const cli = cliCompare(['multiple-replicas', 'single-replica', '--seed', '5', '--replications', '8', '--set', 'workloads[0].replicas=2']);
    await site.goto('s0=multiple-replicas&o0=workloads%5B0%5D.replicas%3D2&s1=single-replica&o1=workloads%5B0%5D.replicas%3D2&seed=5&reps=8');
    await complete();
    const availability = await site.page.$$eval('#view .dot[data-metric="metrics.service.availability"]', (els) => els.map((e) => [e.getAttribute('data-scenario'), e.getAttribute('data-value')]));
    expect(availability).toEqual(cli.map((r) => [r['scenario'], JSON.stringify(at(r, 'metrics.service.availability')!.mean)]));
    expect(site.errors).toEqual([]);
  });
});

describe('running', () => {
  test('Cancel stops the run, also after Run was pressed again while it ran', async () => {
    await site.goto('');
    await site.page.locator('#view [data-metric]').first().waitFor();
    await site.page.click('#rerun');
    await site.page.locator('#view [data-metric]').first().waitFor();
    await site.page.click('#rerun');
    await site.page.click('#cancel');
    const text = await site.page.textContent('#progress-text');
    expect(text).toMatch(/\(cancelled\)$/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await site.page.textContent('#progress-text')).toBe(text);
    expect(await site.page.isDisabled('#cancel')).toBe(true);
    expect(site.errors).toEqual([]);
  });

  test('two scenarios with the same name stay apart: each shows its own numbers (as compare --json)', async () => {
    const cli = cliCompare(['multiple-replicas', 'multiple-replicas', '--seed', '3', '--replications', '4', '--set', 'horizon=30d']);
    await site.goto('s0=multiple-replicas&o0=horizon%3D30d&s1=multiple-replicas&o1=horizon%3D30d&o1=workloads%5B0%5D.replicas%3D1&seed=3&reps=4');
    await complete();
    const cost = await site.page.$$eval('#view .dot[data-metric="metrics.cost.nodeHours"]', (els) => els.map((e) => e.getAttribute('data-value')));
    expect(cost[0]).toBe(JSON.stringify(at(cli[0]!, 'metrics.cost.nodeHours')!.mean));
    expect(cost).toHaveLength(2);
    expect(await site.page.$$eval('#baseline option', (els) => els.map((e) => e.textContent))).toEqual(['multiple-replicas (1)', 'multiple-replicas (2)']);
    expect(site.errors).toEqual([]);
  });
});

describe('the baseline', () => {
  test('picking another baseline pairs every other scenario with it, as compare --baseline does', async () => {
    const cli = cliCompare(['multiple-replicas', 'single-replica', '--seed', '3', '--replications', '6', '--set', 'horizon=30d', '--baseline', 'single-replica']);
    await site.goto('s0=multiple-replicas&o0=horizon%3D30d&s1=single-replica&o1=horizon%3D30d&seed=3&reps=6');
    await complete();
    await site.page.selectOption('#baseline', '1');
    await site.page.locator('.diffs .chart-title', { hasText: 'difference to single-replica' }).first().waitFor();
    const diffs = await site.page.$$eval('#view .diffs .dot[data-metric]', (els) => els.map((e) => ({ scenario: e.getAttribute('data-scenario'), metric: e.getAttribute('data-metric')!, value: e.getAttribute('data-value') })));
    expect(diffs.length).toBeGreaterThanOrEqual(5);
    for (const { scenario, metric, value } of diffs) {
      expect(scenario).toBe('multiple-replicas');
      const summary = at(cli[0]!, metric);
      expect(value, metric).toBe(JSON.stringify(summary!.mean));
    }
    expect(site.errors).toEqual([]);
  });
});

describe('the URL', () => {
  test('a shared URL reopens the same view, scenarios and settings', async () => {
    const query = 'view=scenario&s0=multiple-replicas-coordination&seed=3&reps=4';
    await site.goto(query);
    await site.page.locator('#tab-scenario[aria-selected=true]').waitFor();
    expect(new URL(site.page.url()).search).toBe(`?${query}`);
    expect(await site.page.inputValue('#seed')).toBe('3');
    expect(await site.page.inputValue('#replications')).toBe('4');
    expect(await site.page.isHidden('#message')).toBe(true);
    expect(site.errors).toEqual([]);
  });

  test('a malformed or outdated URL shows a message and the default view, never a blank page', async () => {
    for (const query of ['view=nonsense', 's0=no-such-pattern', 'seed=-1', 't0=%%%', 'zoom=3']) {
      await site.goto(query);
      const message = site.page.locator('#message');
      await message.waitFor();
      expect(await message.textContent(), query).toMatch(/could not be read/);
      await site.page.locator('#tab-compare[aria-selected=true]').waitFor();
      await site.page.locator('#view [data-metric]').first().waitFor();
    }
    expect(site.errors).toEqual([]);
  });
});
