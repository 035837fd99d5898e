// End-to-end tests of the browser visualiser: the built site (dist/site, written by `npm run build`)
// served by `deploysim viz`'s own server on a free port and opened in Debian's headless Chromium
// through playwright-core. Everything the page says on its console as an error, every uncaught
// error (its workers' included) and every request to another machine is collected, so a test can
// assert the page works offline and quietly. .ci/run installs chromium when this folder exists.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startVizServer, type VizServer } from '../../cli/viz-server.js';

/** Debian's chromium (`apt-get install -y chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where `npm run build:viz` writes the site. */
export const SITE_DIR = fileURLToPath(new URL('../../dist/site', import.meta.url));

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const NETWORK_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/** Whether loading this URL stays on this machine (data:, blob:, about: and loopback addresses do). */
export function isLocalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return !NETWORK_PROTOCOLS.has(parsed.protocol) || LOCAL_HOSTS.has(parsed.hostname);
}

/** Launches headless Chromium, or says how to install it. No time limit: a slow machine is not a failure. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests drive Debian's chromium; install it with \`apt-get install -y chromium\` (as root), then run the tests again`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 0 });
}

export interface SiteOptions {
  /** The folder to serve (default: the built site, dist/site). */
  root?: string;
  /** Query to open the page with (with or without `?`), e.g. from encodeState; default none. */
  query?: string;
  /** Whether openSite navigates at once (default true); otherwise call goto(). */
  navigate?: boolean;
}

export interface Site {
  /** The server's base URL, `http://127.0.0.1:<port>/`. */
  url: string;
  server: VizServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors (`console: ...`) and uncaught errors (`pageerror: ...`) of the page and its workers, in order. */
  errors: string[];
  /** Every URL the page or its workers tried to load from another machine (each was blocked). */
  externalRequests: string[];
  /** Opens the page with this query (default none) and waits for its load event. */
  goto(query?: string): Promise<void>;
  /** Closes the browser and the server; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serves `root` (default dist/site) with startVizServer on a free port of 127.0.0.1, opens it in a
 * fresh headless Chromium and collects errors and non-local requests from the start. A site that is
 * not built fails with the server's message (run `npm run build`).
 */
export async function openSite(options: SiteOptions = {}): Promise<Site> {
  const server = await startVizServer({ root: options.root ?? SITE_DIR, host: '127.0.0.1', port: 0 });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  const errors: string[] = [];
  const externalRequests: string[] = [];
  const context = await browser.newContext();
  // Nothing may leave the machine: such a request is recorded and blocked (the page then sees it fail).
  await context.route('**/*', (route) => (isLocalUrl(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  // The context's request events include the workers' requests.
  context.on('request', (request) => {
    if (!isLocalUrl(request.url())) externalRequests.push(request.url());
  });
  const page = await context.newPage();
  page.setDefaultTimeout(0);
  page.setDefaultNavigationTimeout(0);
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const at = message.location();
      errors.push(`console: ${message.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('websocket', (socket) => {
    if (!isLocalUrl(socket.url())) externalRequests.push(socket.url());
  });
  let closed: Promise<void> | null = null;
  const site: Site = {
    url: server.url,
    server,
    browser,
    context,
    page,
    errors,
    externalRequests,
    async goto(query = '') {
      const q = query === '' || query.startsWith('?') ? query : `?${query}`;
      await page.goto(`${server.url}${q}`, { waitUntil: 'load' });
    },
    close() {
      closed ??= browser.close().finally(() => server.close());
      return closed;
    },
  };
  if (options.navigate ?? true) {
    try {
      await site.goto(options.query);
    } catch (e) {
      await site.close();
      throw e;
    }
  }
  return site;
}
