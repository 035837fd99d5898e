// Runs the real `deploysim` command (bin/deploysim.js, which imports the compiled dist/) in a child
// process, the way a user runs it. Shared by the end-to-end tests in this folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The project root: the CLI runs with this as its working directory. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = 'bin/deploysim.js';

export interface CliResult {
  /** Exit status; null when the process was ended by a signal. */
  status: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages. */
  command: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Arguments given to node before the script (e.g. --import). */
  nodeArgs?: string[];
  /** Script to run instead of bin/deploysim.js. */
  script?: string;
  /** Text written to the child's stdin (which is otherwise empty). */
  input?: string;
  /** Close the reading end of the child's stdout at once, as `| head -1` does after its line (its writes then fail with EPIPE). */
  closeStdout?: boolean;
}

/** The environment of every run: the test's, without the switches that change the CLI's output. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEPLOYSIM_DEBUG;
  delete env.NODE_OPTIONS;
  // Most runs here are small: in the process itself, unless a test asks for workers (--workers).
  env.DEPLOYSIM_WORKERS = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** The children still running. No run has a time limit (a test must not depend on the machine's speed); a child
 * left running when this test process exits (a test that hung, a cancelled run) is killed with it instead. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs `node bin/deploysim.js ...args`, waits for it to end however long it takes, and collects its exit status and
 * output. Never rejects on a non-zero exit. */
export function deploysim(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const script = options.script ?? BIN;
  const argv = [...(options.nodeArgs ?? []), script, ...args];
  const command = `node ${argv.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd ?? ROOT,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.on('error', () => undefined); // a child that does not read its stdin closes it
    child.stdin.end(options.input ?? '');
    if (options.closeStdout) child.stdout.destroy();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    running.add(child);
    child.on('error', (e) => {
      running.delete(child);
      reject(e);
    });
    child.on('close', (status, signal) => {
      running.delete(child);
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), command });
    });
  });
}

/** A short description of a run for assertion messages. */
export function describeRun(r: CliResult): string {
  return `${r.command}\n-- exit ${r.status ?? `by ${r.signal}`}\n-- stdout:\n${r.stdout.slice(0, 2000)}\n-- stderr:\n${r.stderr.slice(0, 2000)}`;
}

export function expectExit(r: CliResult, status: number): void {
  expect(r.status, describeRun(r)).toBe(status);
}

/** Neither a JavaScript stack frame nor an `Error:`/`TypeError:` header from a stack may reach the user. */
export function expectNoStackTrace(r: CliResult): void {
  for (const text of [r.stderr, r.stdout]) {
    expect(text, describeRun(r)).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(text, describeRun(r)).not.toMatch(/(^|\s)[A-Z]?[A-Za-z]*Error: /m);
    expect(text, describeRun(r)).not.toMatch(/internal error/);
  }
}

/** Fails with a clear message when the CLI has not been compiled (npm test builds it first). */
export function requireBuilt(): void {
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` (or `npm test`, which builds first) before the e2e tests');
  }
}
