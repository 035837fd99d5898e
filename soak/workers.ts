import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OutcomeKind, RandomInput, SoakInput } from './check.js';
import type { Answer, Job } from './child.js';

/** What became of one input, as the worker pool reports it. */
export type Report = (input: SoakInput | RandomInput, kind: OutcomeKind | 'hang' | 'memory', message: string, text: string | undefined, maxRssKiB: number | undefined) => void;

export interface PoolOptions {
  workers: number;
  /** An input that takes longer is a hang: its worker is killed and replaced. */
  inputSeconds: number;
  /** A worker's heap bound and the peak memory it may reach. */
  memoryMb: number;
}

/** Workers that die this many times in a row without finishing an input stop the soak (a broken build, say). */
const MAX_FRESH_DEATHS = 5;
/** How much of a worker's stderr is kept for the report of its death. */
const STDERR_TAIL = 4096;

interface Worker {
  child: ChildProcess;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  finished: number;
  stderr: string;
  retired: boolean;
}

/**
 * Runs inputs in worker processes until `next` returns null: each worker takes one input at a
 * time. A worker that does not answer within the budget, dies, or reports a peak memory over the
 * bound is replaced, and its input reported as a hang, a crash or a memory failure. Resolves when
 * every worker has stopped: null, or why the run was abandoned.
 */
export function runWorkers(o: PoolOptions, next: () => SoakInput | RandomInput | null, report: Report): Promise<string | null> {
  return new Promise((resolve) => {
    let live = 0;
    let jobId = 0;
    let freshDeaths = 0;
    let abandoned: string | null = null;
    const childPath = fileURLToPath(new URL('./child.js', import.meta.url));

    const stopped = (): void => {
      if (--live === 0) resolve(abandoned);
    };

    const spawn = (): void => {
      if (abandoned !== null) return;
      const input = next();
      if (input === null) return;
      const child = fork(childPath, [], { execArgv: [`--max-old-space-size=${o.memoryMb}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      const w: Worker = { child, job: null, timer: null, finished: 0, stderr: '', retired: false };
      live++;
      child.stderr!.on('data', (b: Buffer) => (w.stderr = (w.stderr + b.toString('utf8')).slice(-STDERR_TAIL)));
      child.on('error', (e) => {
        w.stderr += `\n${e.message}`;
        // A process that never started sends no exit: count it out here.
        if (child.pid === undefined && !w.retired) {
          w.retired = true;
          abandoned ??= `cannot start a worker: ${e.message}`;
          stopped();
        }
      });
      child.on('message', (a: Answer) => {
        if (w.job === null || a.id !== w.job.id) return;
        clearTimeout(w.timer!);
        const input = w.job.input;
        w.job = null;
        w.finished++;
        freshDeaths = 0;
        if (a.maxRssKiB > o.memoryMb * 1024) {
          report(input, 'memory', `the worker's peak memory reached ${(a.maxRssKiB / 1024).toFixed(0)} MiB (bound ${o.memoryMb} MiB)`, a.text, a.maxRssKiB);
          retire(w, true);
          return;
        }
        report(input, a.outcome.kind, a.outcome.message ?? '', a.text, a.maxRssKiB);
        give(w, next());
      });
      child.on('exit', (code, signal) => {
        clearTimeout(w.timer!);
        if (w.job !== null && !w.retired) {
          // It died holding an input: out of memory (V8 aborts) or a crash.
          const oom = signal === 'SIGABRT' || code === 134;
          const tail = w.stderr.trim().split('\n').slice(-5).join('\n');
          report(w.job.input, oom ? 'memory' : 'internal', `the worker died (${signal ?? `exit ${code}`}) on this input${oom ? ` (heap bound ${o.memoryMb} MiB)` : ''}${tail ? `:\n${tail}` : ''}`, undefined, undefined);
          if (w.finished === 0 && ++freshDeaths >= MAX_FRESH_DEATHS) abandoned = `${MAX_FRESH_DEATHS} workers in a row died before finishing an input (is dist/ built?): ${tail}`;
          w.job = null;
          spawn();
        }
        stopped();
      });
      give(w, input);
    };

    /** Sends the worker its next input, or lets it go when there is none. */
    const give = (w: Worker, input: SoakInput | RandomInput | null): void => {
      if (input === null || abandoned !== null) {
        retire(w, false);
        return;
      }
      w.job = { id: ++jobId, input };
      w.timer = setTimeout(() => {
        if (w.job === null) return;
        report(w.job.input, 'hang', `no answer within ${o.inputSeconds} s`, undefined, undefined);
        retire(w, true);
      }, o.inputSeconds * 1000);
      w.child.send(w.job, (e) => {
        if (e) w.stderr += `\ncould not send the input: ${e.message}`;
      });
    };

    /** Stops a worker: at once (a hang or memory failure: and a new one takes its place) or when its channel closes. */
    const retire = (w: Worker, kill: boolean): void => {
      w.retired = true;
      w.job = null;
      if (kill) {
        w.child.kill('SIGKILL');
        spawn();
      } else if (w.child.connected) w.child.disconnect();
      else w.child.kill('SIGKILL');
    };

    for (let i = 0; i < o.workers; i++) spawn();
    if (live === 0) resolve(abandoned);
  });
}
