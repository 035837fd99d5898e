// The replication explorer in headless Chromium: its timeline against the pods the replication
// created (deploysim run --trace), scrubbing across a scripted fault, a what-if that must leave
// the history before the click unchanged, and the playback time kept in the URL.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSite, type Site } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/deploysim.js', import.meta.url));
/** multiple-replicas for a day, worker-2 crashing at 2 h and repaired an hour later. */
const OVERRIDES = ['horizon=1d', 'faults[0].type=node-crash', 'faults[0].at=2h', 'faults[0].node=worker-2', 'faults[0].repairAfter=1h'];
const QUERY = `view=explorer&s0=multiple-replicas&${OVERRIDES.map((o) => `o0=${encodeURIComponent(o)}`).join('&')}&seed=4&reps=3`;

let site: Site;
const temp = mkdtempSync(join(tmpdir(), 'deploysim-explorer-'));
beforeAll(async () => {
  site = await openSite({ navigate: false });
});
afterAll(async () => {
  await site?.close();
  rmSync(temp, { recursive: true, force: true });
});

async function openExplorer(query: string): Promise<void> {
  await site.goto(query);
  await site.page.locator('#view[data-ready=true]').waitFor();
}

async function scrubTo(timeS: number): Promise<void> {
  await site.page.$eval('#scrubber', (el, t) => {
    const input = el as HTMLInputElement;
    input.value = String(t);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, timeS);
  await site.page.locator(`#playback-time[data-time-s="${timeS}"]`).waitFor();
}

const nodeState = (name: string) => site.page.getAttribute(`#view button[data-node="${name}"]`, 'data-state');

describe('the replication explorer', () => {
  test('has a timeline row for every pod the replication created, and no other', async () => {
    const file = join(temp, 'trace.jsonl');
    const r = spawnSync(process.execPath, [BIN, 'run', 'multiple-replicas', '--seed', '4', '--replications', '3', ...OVERRIDES.flatMap((o) => ['--set', o]), '--trace', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const created = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; pod?: string }).filter((rec) => rec.kind === 'pod.created').map((rec) => rec.pod);
    expect(created.length).toBeGreaterThan(3); // the three replicas and the replacements of worker-2's pod
    await openExplorer(QUERY);
    const rows = await site.page.$$eval('[data-row-kind=pod]', (els) => els.map((e) => e.getAttribute('data-pod')));
    expect(rows.sort()).toEqual([...created].sort());
    // The traffic is fluid: the latency percentiles over time are drawn from the trace's flows.
    const latency = site.page.locator('svg[data-chart="latency-multiple-replicas"]');
    expect(await latency.getAttribute('data-no-data')).toBeNull();
    const lines = await latency.locator('g[clip-path] > path').evaluateAll((els) => els.map((e) => ({ label: e.querySelector('title')?.textContent, segments: (e.getAttribute('d') ?? '').split('L').length - 1 })));
    expect(lines.map((l) => l.label)).toEqual(['p50', 'p95', 'p99']);
    for (const l of lines) expect(l.segments, l.label ?? '').toBeGreaterThan(20);
    expect(site.errors).toEqual([]);
  });

  test('scrubbing across the scripted node crash changes the cluster view, and back', async () => {
    await openExplorer(QUERY);
    await scrubTo(3600);
    expect(await nodeState('worker-2')).toBe('up');
    await scrubTo(7300);
    expect(await nodeState('worker-2')).not.toBe('up');
    expect(await nodeState('worker-1')).toBe('up');
    await scrubTo(3600);
    expect(await nodeState('worker-2')).toBe('up');
    // The time is in the URL once the scrub ends, so a link reopens it.
    await site.page.waitForFunction(() => new URL(location.href).searchParams.get('time') === '3600');
    const shared = new URL(site.page.url()).search;
    await openExplorer(shared);
    expect(await site.page.getAttribute('#playback-time', 'data-time-s')).toBe('3600');
    expect(await nodeState('worker-2')).toBe('up');
    expect(site.errors).toEqual([]);
  });

  test('a what-if (crash worker-1 at the playback time) re-runs the replication and leaves the history before the click unchanged', async () => {
    await openExplorer(QUERY);
    await scrubTo(36000);
    await site.page.click('#view button[data-node="worker-1"]');
    await site.page.click('.whatif-menu .whatif-run >> nth=0');
    await site.page.locator('#whatif[data-state=done]').waitFor();
    expect(await site.page.getAttribute('#whatif', 'data-identical')).toBe('true');
    // The fault was really added: it hit worker-1, and the run after it differs (worker-1's pods go down).
    expect(await site.page.textContent('#whatif .whatif-target')).toBe('The fault hit worker-1.');
    expect(await site.page.locator('#whatif tr.changed').count()).toBeGreaterThan(0);
    // Before and after side by side, and the replication's metrics before and after.
    expect(await site.page.locator('#whatif [data-whatif=before]').count()).toBeGreaterThan(0);
    expect(await site.page.locator('#whatif [data-whatif=after]').count()).toBeGreaterThan(0);
    expect(site.errors).toEqual([]);
  });

  test('patterns side by side: the same replication of two patterns on one time axis, the same node failing in both', async () => {
    await openExplorer(`view=explorer&s0=single-replica&o0=horizon%3D30d&s1=multiple-replicas&o1=horizon%3D30d&seed=2&reps=2`);
    await site.page.check('#view input[type=checkbox][data-scenario=multiple-replicas]');
    await site.page.locator('#view [data-count="2"]').waitFor();
    await site.page.locator('#view[data-ready=true]').waitFor();
    // worker-1 is a node of both; its failures are common random numbers, so its row is drawn the same in both.
    const worker1 = await site.page.$$eval('[data-row-kind=node][data-row=worker-1]', (els) =>
      els.map((e) => ({ scenario: e.closest('[data-scenario]')?.getAttribute('data-scenario'), bars: [...e.querySelectorAll('rect')].map((r) => `${r.getAttribute('x')}:${r.getAttribute('width')}`).join(' ') })),
    );
    expect(worker1.map((w) => w.scenario).sort()).toEqual(['multiple-replicas', 'single-replica']);
    expect(worker1[0]!.bars).not.toBe('');
    expect(worker1[0]!.bars).toBe(worker1[1]!.bars);
    // The link now names both scenarios shown; it reopens them.
    await site.page.waitForFunction(`new URL(location.href).searchParams.get('show') === '0,1'`);
    await openExplorer(new URL(site.page.url()).search);
    await site.page.locator('#view [data-count="2"]').waitFor();
    expect(await site.page.isChecked('#view input[type=checkbox][data-scenario=multiple-replicas]')).toBe(true);
    expect(site.errors).toEqual([]);
  });
});
