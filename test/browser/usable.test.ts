// Usable by everyone (issue 10): every control has a label and works from the keyboard, every chart
// has a legend and names the unit of its axes, and the charts' colours are the Okabe-Ito palette.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OKABE_ITO } from '../../viz/src/palette.js';
import { openSite, type Site } from './harness.js';

let site: Site;
beforeAll(async () => {
  site = await openSite({ navigate: false });
});
afterAll(async () => {
  await site?.close();
});

/** Form controls with no label, no aria-label and no aria-labelledby. */
const unlabelled = () =>
  site.page.$$eval('input, select, textarea', (els) =>
    els.filter((e) => (e as HTMLInputElement).type !== 'hidden' && (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')).map((e) => e.outerHTML.slice(0, 120)),
  );

/** Charts (other than a "no data" note) without a legend or without a named axis. */
const chartsMissing = () =>
  site.page.$$eval('svg.chart:not(.no-data)', (svgs) =>
    svgs.filter((s) => s.querySelector('[class*=legend]') === null || s.querySelector('.axis-label') === null).map((s) => s.getAttribute('class')),
  );

describe('usable by everyone', () => {
  test('the compare view: labelled controls, legends and axis units on every chart, colour-blind safe colours', async () => {
    await site.goto('reps=4');
    await site.page.locator('body[data-complete=true]').waitFor();
    expect(await unlabelled()).toEqual([]);
    expect(await site.page.locator('svg.chart').count()).toBeGreaterThan(10);
    expect(await chartsMissing()).toEqual([]);
    const fills = await site.page.$$eval('svg.dotplot .dot circle', (els) => [...new Set(els.map((e) => e.getAttribute('fill')!.toUpperCase()))]);
    const palette = Object.values(OKABE_ITO).map((c) => c.toUpperCase());
    for (const f of fills) expect(palette).toContain(f);
  });

  test('the views are tabs driven by the arrow keys; the explorer and scenario views have labelled controls and complete charts', async () => {
    await site.goto('reps=4');
    await site.page.focus('#tab-compare');
    await site.page.keyboard.press('ArrowRight');
    await site.page.locator('#tab-scenario[aria-selected=true]').waitFor();
    await site.page.locator('#view .cm-content').waitFor();
    expect(await unlabelled()).toEqual([]);
    await site.page.keyboard.press('ArrowRight');
    await site.page.locator('#tab-explorer[aria-selected=true]').waitFor();
    await site.page.locator('#view[data-ready=true]').waitFor();
    expect(await unlabelled()).toEqual([]);
    expect(await chartsMissing()).toEqual([]);
    // The play button works from the keyboard.
    await site.page.focus('#play');
    await site.page.keyboard.press('Enter');
    await site.page.locator('#play[aria-pressed=true]').waitFor();
    await site.page.keyboard.press('Enter');
    await site.page.locator('#play[aria-pressed=false]').waitFor();
    expect(site.errors).toEqual([]);
  });
});
