/**
 * The simulation's workers, started as the page's bundle begins to run (main.ts imports this
 * first), so they load and compile sim/ while the page loads its scenarios. The pool takes them over.
 */

/**
 * One worker per core but one (at most 4): the page's thread and V8's background compilers need
 * a core. On two cores one worker finishes the landing view sooner than two, each of which must
 * warm its own compiled code while they compete for the cores.
 */
export const POOL_SIZE = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));

export function newWorker(): Worker {
  return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
}

/** The built page's first worker, started by a script in <head> (viz/vite.config.ts), then the rest. */
const head = self as unknown as { __deploysimWorkers?: Worker[]; __deploysimReady?: Promise<void> };
const fromHead = head.__deploysimWorkers?.splice(0) ?? [];
/** The head script listened for its worker's `ready` (it may come before this module runs). */
const headReady = head.__deploysimReady;
const early: Worker[] = fromHead.slice(0, POOL_SIZE);
while (early.length < POOL_SIZE) early.push(newWorker());

/**
 * Resolves when the early workers are running (each says `ready` as its script starts), or after
 * at most `capMs`. A worker cannot start while the page's thread is busy (Chromium starts it from
 * that thread), so the page waits for this before its own heavy work: loading the scenarios then
 * overlaps with the workers compiling sim/, which brings the first numbers about 0.3 s sooner.
 */
export function workersStarted(capMs = 400): Promise<void> {
  const each = early.map((w) => (w === fromHead[0] && headReady !== undefined ? headReady : new Promise<void>((resolve) => {
    const onReady = (e: MessageEvent<{ type?: string }>) => {
      if (e.data?.type !== 'ready') return;
      w.removeEventListener('message', onReady);
      resolve();
    };
    w.addEventListener('message', onReady);
    w.addEventListener('error', () => resolve(), { once: true });
  })));
  return Promise.race([Promise.all(each).then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, capMs))]);
}

/** The workers started early (once: whoever takes them owns them). */
export function takeEarlyWorkers(): Worker[] {
  return early.splice(0, early.length);
}
