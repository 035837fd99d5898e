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

const early: Worker[] = Array.from({ length: POOL_SIZE }, newWorker);

/** The workers started early (once: whoever takes them owns them). */
export function takeEarlyWorkers(): Worker[] {
  return early.splice(0, early.length);
}
