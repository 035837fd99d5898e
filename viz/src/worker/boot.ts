/**
 * The simulation's workers, started as the page's bundle begins to run (main.ts imports this
 * first), so they load and compile sim/ while the page loads its scenarios. The pool takes them over.
 */
import type { ReplicationOutcome } from '../../../sim/experiment/index.js';
import { LANDING_PREFIX, type Response } from './protocol.js';

/**
 * One worker per core but one (at most 4): the page's thread and V8's background compilers need
 * a core. On two cores one worker finishes the landing view sooner than two, each of which must
 * warm its own compiled code while they compete for the cores.
 */
export const POOL_SIZE = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));

/** A worker; `name` starting with LANDING_PREFIX makes it work ahead on the page's first scenario. */
export function newWorker(name?: string): Worker {
  return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: name ?? '' });
}

/** The built page's first worker, started by a script in <head> (viz/vite.config.ts), then the rest. */
const head = self as unknown as { __deploysimWorkers?: Worker[]; __deploysimReady?: Promise<void> };
const fromHead = head.__deploysimWorkers?.splice(0) ?? [];
/** The head script listened for its worker's `ready` (it may come before this module runs). */
const headReady = head.__deploysimReady;
const early: Worker[] = fromHead.slice(0, POOL_SIZE);
// The dev server has no head script: the first worker is started here, told the page's query.
while (early.length < POOL_SIZE) early.push(newWorker(early.length === 0 ? `${LANDING_PREFIX}${location.search}` : undefined));

/**
 * Replications the first worker ran before the page asked (sim.worker.ts), by the source's JSON,
 * kept until the page's first comparison takes them (its pool then hears the rest itself).
 */
let ahead: Map<string, ReplicationOutcome[]> | null = new Map();
for (const w of early) {
  w.addEventListener('message', (e: MessageEvent<Response>) => {
    const m = e.data;
    if (m.type !== 'ahead' || ahead === null) return;
    let list = ahead.get(m.key);
    if (list === undefined) ahead.set(m.key, (list = []));
    list[m.index] = m.outcome;
  });
}

/** Once: the replications run ahead so far, by the source's JSON, each list by index (with gaps). */
export function takeAheadOutcomes(): ReadonlyMap<string, readonly (ReplicationOutcome | undefined)[]> {
  const taken = ahead ?? new Map<string, ReplicationOutcome[]>();
  ahead = null;
  return taken;
}

/**
 * Each early worker says `ready` as its script starts (listened for now: the pool takes the workers
 * before the page waits, and the head script's worker may have said it already).
 */
const started: Promise<void>[] = early.map((w) => (w === fromHead[0] && headReady !== undefined ? headReady : new Promise<void>((resolve) => {
  const onReady = (e: MessageEvent<{ type?: string }>) => {
    if (e.data?.type !== 'ready') return;
    w.removeEventListener('message', onReady);
    resolve();
  };
  w.addEventListener('message', onReady);
  w.addEventListener('error', () => resolve(), { once: true });
})));

/**
 * Resolves when the early workers are running, or after at most `capMs`. The page waits for this
 * before its own heavy work (loading the scenarios): a worker starts from the page's thread, which
 * must not be busy meanwhile, and the page's script ends its task at once (the page handles the
 * workers' messages only between its tasks).
 */
export function workersStarted(capMs = 400): Promise<void> {
  return Promise.race([Promise.all(started).then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, capMs))]);
}

/** The workers started early (once: whoever takes them owns them). */
export function takeEarlyWorkers(): Worker[] {
  return early.splice(0, early.length);
}
