// `deploysim viz`: serves the built browser visualiser (dist/site, written by `npm run build`) from
// this machine and builds the link that opens it with the command line's scenarios preloaded.
// Only node:http, node:fs and node:path: a static file server that serves files under its root and
// nothing else (no directory listing, no path outside the root, GET and HEAD only).
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv6 } from 'node:net';
import { extname, join, sep } from 'node:path';
import { formatScenarioError, loadScenarioText, type OverrideInput } from '../sim/scenario/index.js';
import { decodeState, encodeState, type ScenarioRef, type VizState } from '../viz/data/url-state.js';
import { BUILTIN_ORDER, builtinNames, displayPath, InputError, loadScenarioFile, projectRoot, readScenarioText, resolveScenarioPath } from './scenarios.js';

export const DEFAULT_VIZ_PORT = 5180;
export const DEFAULT_VIZ_HOST = '127.0.0.1';

/** Where `npm run build:viz` writes the site (viz/vite.config.ts, build.outDir). */
export function defaultSiteDir(): string {
  return join(projectRoot(), 'dist', 'site');
}

/** Content types by file extension; anything else is application/octet-stream. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface VizServerOptions {
  /** The built site: a folder holding index.html. */
  root: string;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on (default 5180; 0 picks any free port). */
  port?: number;
}

export interface VizServer {
  /** `http://<host>:<port>/`, with the port actually listened on. */
  url: string;
  host: string;
  port: number;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/**
 * Serves the site under `root` until close(). A site that is not built (no index.html) and an
 * address that cannot be listened on (port in use, no such host) are InputErrors with a message
 * saying what to do.
 */
export async function startVizServer(options: VizServerOptions): Promise<VizServer> {
  const host = options.host ?? DEFAULT_VIZ_HOST;
  const port = options.port ?? DEFAULT_VIZ_PORT;
  const index = join(options.root, 'index.html');
  if (!existsSync(index)) {
    throw new InputError(`deploysim viz: the visualiser is not built (${displayPath(index)} is missing): run \`npm run build\` first`);
  }
  const root = await realpath(options.root);
  const inside = root.endsWith(sep) ? root : root + sep;
  const server = createServer((req, res) => {
    handle(root, inside, req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  await listen(server, host, port);
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = isIPv6(host) ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    host,
    port: actualPort,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      const where = `${isIPv6(host) ? `[${host}]` : host}:${port}`;
      if (e.code === 'EADDRINUSE') reject(new InputError(`deploysim viz: ${where} is already in use (another deploysim viz?): choose another port with --port, or --port 0 for any free one`));
      else if (e.code === 'EACCES') reject(new InputError(`deploysim viz: not allowed to listen on ${where} (ports below 1024 need privileges): choose another port with --port`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reject(new InputError(`deploysim viz: cannot listen on ${host}: not an address of this machine (${e.code}); the default --host is ${DEFAULT_VIZ_HOST}`));
      else reject(new InputError(`deploysim viz: cannot listen on ${where} (${e.code ?? e.message})`));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = `${status} ${text}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * The file a request path names under root, or the status refusing it: the path is decoded once;
 * a `..` segment (however encoded) is 403, a hidden name (`.git`, `.env`) is 404.
 */
export function fileForPath(root: string, rawUrl: string): { file: string; directory: boolean } | { status: 400 | 403 | 404 } {
  const pathPart = rawUrl.split(/[?#]/, 1)[0]!;
  if (!pathPart.startsWith('/')) return { status: 400 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0')) return { status: 400 };
  const segments = decoded.split(/[/\\]/).filter((s) => s !== '');
  if (segments.some((s) => s === '..')) return { status: 403 };
  if (segments.some((s) => s.startsWith('.'))) return { status: 404 };
  const file = join(root, ...segments);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return { status: 403 };
  return { file, directory: decoded.endsWith('/') };
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

async function handle(root: string, inside: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, REASONS[405]!, { Allow: 'GET, HEAD' });
  const target = fileForPath(root, req.url ?? '/');
  if ('status' in target) return plain(res, target.status, REASONS[target.status]!);
  // A folder is served as its index.html when asked for with a trailing slash (`/`); never listed.
  let file = target.file;
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    if (!target.directory) return plain(res, 404, REASONS[404]!);
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (info === null || !info.isFile()) return plain(res, 404, REASONS[404]!);
  // A symbolic link leading out of the site is not followed.
  const real = await realpath(file).catch(() => null);
  if (real === null || !real.startsWith(inside)) return plain(res, 404, REASONS[404]!);
  res.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export interface VizCommandOptions {
  seed?: string;
  replications?: string;
  set: string[];
}

/** Browsers open links up to about this many characters (Chromium's limit is 2 MB). */
export const MAX_LINK_CHARS = 2 * 1024 * 1024;

/**
 * The page state `deploysim viz SCENARIO... [--seed N] [--replications N] [--set path=value]...`
 * opens: a built-in name as itself, a file as its text; every `--set` applies to every scenario.
 * Each scenario is loaded with the options as `run` would load it, so a bad file or option is an
 * InputError naming the file, line and column (or the option) before anything is served. `--set`
 * without scenarios applies to the built-in patterns `compare` runs by default.
 */
export function vizState(args: readonly string[], o: VizCommandOptions): VizState {
  const common: OverrideInput[] = [];
  if (o.seed !== undefined) common.push({ text: `seed=${o.seed}`, origin: `--seed ${o.seed}` });
  if (o.replications !== undefined) common.push({ text: `replications=${o.replications}`, origin: `--replications ${o.replications}` });
  const overrides = [...common, ...o.set];
  const names = args.length > 0 || o.set.length === 0 ? [...args] : builtinNames().filter((n) => BUILTIN_ORDER.includes(n));
  const refs: ScenarioRef[] = [];
  let first: { seed: number; replications: number } | null = null;
  for (const arg of names) {
    const path = resolveScenarioPath(arg);
    const text = readScenarioText(arg, path);
    const result = loadScenarioText(text, displayPath(path), overrides);
    if (result.scenario === undefined) {
      // An option's error names the scenario it broke (a file's own errors name the file), as in compare.
      throw new InputError(result.errors.map((e) => formatScenarioError(e)).map((line) => (line.startsWith('--') ? `${arg}: ${line}` : line)).join('\n'));
    }
    first ??= result.scenario;
    // resolveScenarioPath returns an existing file as given, a built-in name as its path.
    refs.push(path === arg ? { name: null, text, overrides: [...o.set] } : { name: arg, text: null, overrides: [...o.set] });
  }
  // Without scenarios, --seed and --replications are still checked as run checks them.
  if (first === null && common.length > 0) first = loadScenarioFile(BUILTIN_ORDER[0]!, common);
  return {
    view: 'compare',
    scenarios: refs,
    seed: o.seed !== undefined && first !== null ? first.seed : null,
    replications: o.replications !== undefined && first !== null ? first.replications : null,
    timeS: null,
    replication: null,
    shown: null,
  };
}

/** The query (without `?`) of a state, checked to be one the page reads back. */
export function vizQuery(state: VizState): string {
  const query = encodeState(state);
  const { error } = decodeState(query, builtinNames());
  if (error !== null) throw new InputError(`deploysim viz: the page could not open these options: ${error.replace(/^This link could not be read: /, '').replace(/\. Showing the default view\.$/, '')}`);
  return query;
}
