// `deploysim viz` (issue 10): the static server of the built visualiser and the link it prints,
// tested against a small site made here (the real one is tested in test/browser/).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main, type Io } from '../../cli/main.js';
import { InputError } from '../../cli/scenarios.js';
import { contentTypeOf, fileForPath, startVizServer, vizQuery, vizState, type VizServer } from '../../cli/viz-server.js';
import { decodeState } from '../../viz/data/url-state.js';
import { BIN, requireBuilt, ROOT } from '../e2e/cli-process.js';

const BUILTINS = ['single-replica', 'multiple-replicas', 'multiple-replicas-coordination', 'isolated-stateful-pods', 'uncoordinated-replicas', 'autoscaling', 'autoscaling-fixed', 'rolling-update'];

let dir: string;
let site: string;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const FILES: Record<string, string | Buffer> = {
  'index.html': '<!doctype html><title>fake visualiser</title><script type="module" src="./assets/app.js"></script>',
  'assets/app.js': 'console.log("app");\n',
  'assets/chunk.mjs': 'export const x = 1;\n',
  'assets/style.css': 'body { margin: 0; }\n',
  'assets/app.js.map': '{"version":3}',
  'assets/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'assets/icon.png': PNG,
  'assets/data.json': '{"a":1}',
  'assets/engine.wasm': Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  'assets/notes.txt': 'notes\n',
  'assets/blob.bin': Buffer.from([1, 2, 3]),
  'sub/index.html': '<!doctype html><title>sub</title>',
  '.secret': 'hidden',
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploysim-viz-'));
  site = join(dir, 'site');
  for (const [name, body] of Object.entries(FILES)) {
    mkdirSync(join(site, name, '..'), { recursive: true });
    writeFileSync(join(site, name), body);
  }
  mkdirSync(join(site, 'empty'));
  // Outside the site: must never be served.
  writeFileSync(join(dir, 'package.json'), '{"name":"secret"}');
  symlinkSync(join(dir, 'package.json'), join(site, 'link.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as given (fetch would resolve `..` before sending). */
function raw(server: VizServer, method: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the static server', () => {
  let server: VizServer;
  beforeAll(async () => {
    server = await startVizServer({ root: site, host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  test('listens on a free port and says where', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  test('serves index.html for / (the query ignored) and assets under their paths', async () => {
    for (const path of ['', '?s0=single-replica&seed=7', 'index.html']) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await r.text()).toBe(FILES['index.html']);
    }
    const asset = await fetch(`${server.url}assets/app.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe(FILES['assets/app.js']);
    const png = await fetch(`${server.url}assets/icon.png`);
    expect(Buffer.from(await png.arrayBuffer())).toEqual(PNG);
    expect(png.headers.get('content-length')).toBe(String(PNG.length));
  });

  test('gives each kind of file its content type', async () => {
    const expected: Record<string, string> = {
      'assets/app.js': 'text/javascript; charset=utf-8',
      'assets/chunk.mjs': 'text/javascript; charset=utf-8',
      'assets/style.css': 'text/css; charset=utf-8',
      'assets/app.js.map': 'application/json; charset=utf-8',
      'assets/icon.svg': 'image/svg+xml',
      'assets/icon.png': 'image/png',
      'assets/data.json': 'application/json; charset=utf-8',
      'assets/engine.wasm': 'application/wasm',
      'assets/notes.txt': 'text/plain; charset=utf-8',
      'assets/blob.bin': 'application/octet-stream',
    };
    for (const [path, type] of Object.entries(expected)) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type'), path).toBe(type);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(contentTypeOf('INDEX.HTML')).toBe('text/html; charset=utf-8');
  });

  test('a missing file is 404; a folder is never listed', async () => {
    for (const path of ['nope.js', 'assets/nope.css', 'assets/', 'assets', 'empty/', 'sub']) {
      const r = await raw(server, 'GET', `/${path}`);
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain('app.js');
    }
    // A folder with an index.html, asked for with its slash, is that page.
    expect((await raw(server, 'GET', '/sub/')).body.toString()).toBe(FILES['sub/index.html']);
  });

  test('nothing outside the site is served: .. however written, hidden files, links leading out', async () => {
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/%2e%2e%2fpackage.json',
      '/..%2fpackage.json',
      '/..%5cpackage.json',
      '/..\\package.json',
      '/%252e%252e/package.json',
      '//../package.json',
      '/.secret',
      '/%2esecret',
      '/link.json',
      '/index.html%00.js',
      '/%zz',
      'package.json',
    ];
    for (const path of attempts) {
      const r = await raw(server, 'GET', path);
      expect([400, 403, 404], path).toContain(r.status);
      expect(r.body.toString(), path).not.toContain('secret');
    }
    expect((await raw(server, 'GET', '/../package.json')).status).toBe(403);
    expect((await raw(server, 'GET', '/%2e%2e/package.json')).status).toBe(403);
  });

  test('HEAD gives the headers without the body', async () => {
    const r = await raw(server, 'HEAD', '/assets/app.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(FILES['assets/app.js'] as string)));
    expect(r.body.length).toBe(0);
    expect((await raw(server, 'HEAD', '/nope')).status).toBe(404);
  });

  test('only GET and HEAD: anything else is 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await raw(server, method, '/index.html');
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  test('a port in use is a clear error', async () => {
    const error = await startVizServer({ root: site, host: '127.0.0.1', port: server.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${server.port} is already in use.*--port`));
  });

  test('close() ends open connections and can be called twice', async () => {
    const other = await startVizServer({ root: site, port: 0 });
    expect((await fetch(other.url)).status).toBe(200); // leaves a keep-alive connection open
    await Promise.all([other.close(), other.close()]);
    await expect(fetch(other.url)).rejects.toThrow();
  });
});

describe('paths', () => {
  test('a request path maps to a file under the root, or to the status refusing it', () => {
    expect(fileForPath('/srv/site', '/assets/a%20b.js?x=1')).toEqual({ file: '/srv/site/assets/a b.js', directory: false });
    expect(fileForPath('/srv/site', '/')).toEqual({ file: '/srv/site', directory: true });
    expect(fileForPath('/srv/site', '/a/../../etc/passwd')).toEqual({ status: 403 });
    expect(fileForPath('/srv/site', '/%2e%2e/etc/passwd')).toEqual({ status: 403 });
    expect(fileForPath('/srv/site', 'http://evil/x')).toEqual({ status: 400 });
  });
});

test('a site that is not built: exit 1 saying to run npm run build', async () => {
  await expect(startVizServer({ root: join(dir, 'nothing-here'), port: 0 })).rejects.toThrow(/the visualiser is not built \(.*index\.html is missing\): run `npm run build`/);
  const r = await runMain(['viz', 'single-replica', '--site', join(dir, 'nothing-here'), '--port', '0']);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/not built .*run `npm run build` first\n$/);
});

/** Runs the command line in this process; only for runs that end (a server runs until a signal). */
async function runMain(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), progress: false };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

describe('the link', () => {
  test('built-in names, --seed, --replications and every --set preloaded', () => {
    const query = vizQuery(vizState(['multiple-replicas', 'single-replica'], { seed: '7', replications: '20', set: ['horizon=30d', 'warmup=0s'] }));
    const { state, error } = decodeState(query, BUILTINS);
    expect(error).toBeNull();
    expect(state).toEqual({
      view: 'compare',
      scenarios: [
        { name: 'multiple-replicas', text: null, overrides: ['horizon=30d', 'warmup=0s'] },
        { name: 'single-replica', text: null, overrides: ['horizon=30d', 'warmup=0s'] },
      ],
      seed: 7,
      replications: 20,
      timeS: null,
      replication: null,
      shown: null,
    });
  });

  test('a file travels as its text', () => {
    const file = join(dir, 'mine.yaml');
    const text = readFileSync(join(ROOT, 'scenarios', 'single-replica.yaml'), 'utf8').replace(/^name: .*$/m, 'name: my-own # ünïcode');
    writeFileSync(file, text);
    const { state } = decodeState(vizQuery(vizState([file, 'rolling-update'], { set: [] })), BUILTINS);
    expect(state.scenarios).toEqual([
      { name: null, text, overrides: [] },
      { name: 'rolling-update', text: null, overrides: [] },
    ]);
    expect(state.seed).toBeNull();
    expect(state.replications).toBeNull();
  });

  test('no scenarios: the page decides; --set alone applies to the built-in patterns', () => {
    expect(vizQuery(vizState([], { set: [] }))).toBe('');
    expect(decodeState(vizQuery(vizState([], { seed: '3', set: [] })), BUILTINS).state.seed).toBe(3);
    const { state } = decodeState(vizQuery(vizState([], { set: ['horizon=10d'] })), BUILTINS);
    expect(state.scenarios.map((s) => s.name)).toEqual(BUILTINS.slice(0, 5));
    expect(state.scenarios.every((s) => s.overrides.join() === 'horizon=10d')).toBe(true);
  });

  test('a bad scenario file is an error naming file:line:col before anything is served', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nworkloads:\n  - name: mi\n    replicas: banana\n');
    expect(() => vizState([bad], { set: [] })).toThrow(/bad\.yaml:4:15 workloads\[0\]\.replicas: expected an integer/);
    const r = await runMain(['viz', bad, '--site', site, '--port', '0']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.yaml:4:15 workloads\[0\]\.replicas/);
  });

  test('bad options are errors as in run: unknown scenario, bad seed, bad --set, bad port', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['viz', 'no-such-pattern'], /no-such-pattern: no such scenario file or built-in pattern/],
      [['viz', 'single-replica', '--seed', 'x'], /single-replica: --seed x seed: expected an integer/],
      [['viz', '--replications', '0'], /--replications 0 replications: expected an integer between 1/],
      [['viz', 'single-replica', '--set', 'workloads[0].replicas=-1'], /single-replica: --set workloads\[0\]\.replicas=-1/],
      [['viz', '--port', '65536'], /--port 65536: expected a port number from 0 to 65535/],
      [['viz', '--port', 'http'], /--port http: expected a port number/],
      [['viz', join(dir, 'missing.yaml')], /missing\.yaml: no such scenario file/],
    ];
    for (const [args, message] of cases) {
      const r = await runMain([...args, '--site', site]);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  });
});

describe('deploysim viz, the command', () => {
  /** Starts `deploysim viz ...args` and resolves with the line it prints once it serves. */
  function startCli(args: string[]) {
    requireBuilt();
    const child = spawn(process.execPath, [BIN, 'viz', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
    const line = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      child.on('close', (status) => reject(new Error(`deploysim viz ended (${status}) before serving:\n${stderr}`)));
    });
    const ended = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
    return { child, line, ended, output: () => ({ stdout, stderr }) };
  }

  test.each(['SIGINT', 'SIGTERM'] as const)('prints the link with the state preloaded, serves it, and on %s closes and exits 0', async (signal) => {
    const cli = startCli(['multiple-replicas', '--seed', '7', '--replications', '20', '--port', '0', '--site', site]);
    const line = await cli.line;
    const match = /^deploysim viz: (http:\/\/127\.0\.0\.1:(\d+)\/)\?(.*)$/.exec(line);
    expect(match, line).not.toBeNull();
    const { state, error } = decodeState(match![3]!, BUILTINS);
    expect(error).toBeNull();
    expect(state.scenarios).toEqual([{ name: 'multiple-replicas', text: null, overrides: [] }]);
    expect(state.seed).toBe(7);
    expect(state.replications).toBe(20);
    const page = await fetch(line.slice('deploysim viz: '.length));
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(FILES['index.html']);
    cli.child.kill(signal);
    expect(await cli.ended).toEqual({ status: 0, signal: null });
    expect(cli.output().stdout).toBe(`${line}\n`);
    expect(cli.output().stderr).toBe('');
    await expect(fetch(match![1]!)).rejects.toThrow();
  });

  test('a port in use: exit 1 with a clear message, no stack trace', async () => {
    const first = await startVizServer({ root: site, port: 0 });
    try {
      const cli = startCli(['--port', String(first.port), '--site', site]);
      await expect(cli.line).rejects.toThrow();
      const end = await cli.ended;
      expect(end.status).toBe(1);
      expect(cli.output().stderr).toBe(`deploysim viz: 127.0.0.1:${first.port} is already in use (another deploysim viz?): choose another port with --port, or --port 0 for any free one\n`);
    } finally {
      await first.close();
    }
  });
});
