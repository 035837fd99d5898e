// Smoke test of the built visualiser in headless Chromium (issue 10), and of the harness itself
// against small sites made here: a quiet one it must find quiet, a noisy one whose every console
// error, uncaught error and request to another machine it must report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isLocalUrl, openSite, type Site } from './harness.js';

const open: Site[] = [];
const temp: string[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

async function track(site: Promise<Site>): Promise<Site> {
  const s = await site;
  open.push(s);
  return s;
}

/** Waits for the condition however long it takes (a busy machine is slower, not wrong). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

function fakeSite(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploysim-site-'));
  temp.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the built site (dist/site)', () => {
  test('opens with a title, no console or uncaught errors and nothing loaded from the network', async () => {
    const site = await track(openSite());
    await site.page.waitForLoadState('networkidle');
    expect((await site.page.title()).trim()).not.toBe('');
    expect(site.errors).toEqual([]);
    expect(site.externalRequests).toEqual([]);
  });
});

describe('the harness', () => {
  test('finds a quiet page quiet: module script, stylesheet and a worker all served locally', async () => {
    const root = fakeSite({
      'index.html': '<!doctype html><html><head><title>Quiet page</title><link rel="stylesheet" href="./style.css"></head><body><p id="out"></p><script type="module" src="./app.js"></script></body></html>',
      'style.css': 'p { color: #333; }',
      'app.js': "const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });\nw.onmessage = (e) => { document.getElementById('out').textContent = e.data; };\n",
      'worker.js': "postMessage('ready from ' + self.location.search);\n",
    });
    const site = await track(openSite({ root, query: 's0=single-replica' }));
    await site.page.locator('#out', { hasText: /^ready/ }).waitFor();
    expect(await site.page.title()).toBe('Quiet page');
    expect(site.page.url()).toBe(`${site.url}?s0=single-replica`);
    expect(site.errors).toEqual([]);
    expect(site.externalRequests).toEqual([]);
  });

  test('reports console errors, uncaught errors and requests to other machines, the workers\' too, and blocks those requests', async () => {
    const root = fakeSite({
      'index.html': '<!doctype html><title>Noisy page</title><p id="out"></p><script type="module" src="./app.js"></script>',
      'app.js': [
        "console.error('page says no');",
        "fetch('https://example.com/data.json').then(() => { document.getElementById('out').textContent = 'fetched'; }, () => { document.getElementById('out').textContent = 'blocked'; });",
        "new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });",
        "setTimeout(() => { throw new Error('page broke'); }, 0);",
      ].join('\n'),
      'worker.js': "console.error('worker says no');\nfetch('http://example.org/w').catch(() => {});\nthrow new Error('worker broke');\n",
    });
    const site = await track(openSite({ root }));
    await site.page.locator('#out', { hasText: /\w/ }).waitFor();
    await until(() => site.externalRequests.length >= 2 && site.errors.filter((e) => e.startsWith('pageerror')).length >= 2);
    expect(await site.page.textContent('#out')).toBe('blocked');
    expect(site.externalRequests.sort()).toEqual(['http://example.org/w', 'https://example.com/data.json']);
    const errors = site.errors.join('\n');
    for (const text of ['page says no', 'worker says no', 'page broke', 'worker broke']) expect(errors).toContain(text);
  });

  test('a site that is not built is an error telling to run npm run build', async () => {
    const root = fakeSite({});
    await expect(openSite({ root })).rejects.toThrow(/not built .*npm run build/);
  });

  test('local means loopback or no network at all', () => {
    for (const url of ['http://127.0.0.1:5180/', 'http://localhost/x.js', 'http://[::1]:8/', 'data:text/plain,x', 'blob:http://127.0.0.1/abc', 'about:blank']) expect(isLocalUrl(url), url).toBe(true);
    for (const url of ['https://example.com/', 'http://10.0.0.1/', 'ws://cdn.example/x', 'http://127.0.0.1.example.com/']) expect(isLocalUrl(url), url).toBe(false);
  });
});
