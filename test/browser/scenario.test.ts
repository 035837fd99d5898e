// The scenario view in headless Chromium: the CodeMirror editor with the loader's errors at their
// line and column, the knobs kept in step with the YAML, and Run comparing the edited scenario.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSite, type Site } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/deploysim.js', import.meta.url));
const TEXT = readFileSync(fileURLToPath(new URL('../../scenarios/single-replica.yaml', import.meta.url)), 'utf8');

let site: Site;
beforeAll(async () => {
  site = await openSite({ navigate: false });
});
afterAll(async () => {
  await site?.close();
});

const editorText = () => site.page.$eval('#view .cm-content', (el) => (el as HTMLElement).innerText);

describe('the scenario view', () => {
  test('shows the built-in in the editor; a knob rewrites the YAML; an error shows at its line and column; Run compares the edited text', async () => {
    const page = site.page;
    await site.goto('view=scenario&s0=single-replica&reps=3');
    await page.locator('#view .cm-content').waitFor();
    expect(await editorText()).toContain('name: single-replica');
    expect(await page.locator('#view .sv-errors li').count()).toBe(0);

    // The knob for replicas writes the field in the YAML (the comments stay).
    const replicas = page.getByLabel('Replicas', { exact: true });
    expect(await replicas.inputValue()).toBe('1');
    await replicas.fill('2');
    await replicas.press('Enter');
    await page.waitForFunction(`document.querySelector('#view .cm-content').innerText.includes('replicas: 2')`);
    expect(await editorText()).toContain('# Pattern 1: Single replica');

    // A field the schema does not have, typed at the end: the error names its line and column 1.
    const lines = TEXT.endsWith('\n') ? TEXT.split('\n').length : TEXT.split('\n').length + 1;
    await page.click('#view .cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('bogusField: 1');
    const error = page.locator('#view .sv-errors li button').first();
    await error.waitFor();
    expect(await error.textContent()).toMatch(new RegExp(`^${lines}:1 bogusField: `));
    await page.locator('#view .cm-lintRange-error').first().waitFor();
    expect(await page.isDisabled('#view .sv-run')).toBe(true);

    // Fixed, and run: the comparison now holds the edited text (in the URL as t0) with 2 replicas.
    for (let i = 0; i < 'bogusField: 1'.length; i++) await page.keyboard.press('Backspace');
    await page.waitForFunction(`!document.querySelector('#view .sv-run').disabled`);
    await page.click('#view .sv-run');
    await page.locator('#tab-compare[aria-selected=true]').waitFor();
    expect(new URL(page.url()).searchParams.get('t0')).not.toBeNull();
    await page.locator('body[data-complete=true]').waitFor();
    // The numbers are the CLI's for the built-in with two replicas.
    const cli = spawnSync(process.execPath, [BIN, 'compare', 'single-replica', '--replications', '3', '--set', 'workloads[0].replicas=2', '--json'], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const expected = (JSON.parse(cli.stdout) as Array<{ metrics: { service: { availability: { mean: number } }; cost: { nodeHours: { mean: number } } } }>)[0]!;
    expect(await page.getAttribute('#view .dot[data-scenario=single-replica][data-metric="metrics.service.availability"]', 'data-value')).toBe(JSON.stringify(expected.metrics.service.availability.mean));
    expect(await page.getAttribute('#view .dot[data-scenario=single-replica][data-metric="metrics.cost.nodeHours"]', 'data-value')).toBe(JSON.stringify(expected.metrics.cost.nodeHours.mean));
    expect(site.errors).toEqual([]);
  });
});
