import { ExperimentAggregate, withPairedDifferences, type ReplicationOutcome, type RunResult } from '../../../sim/experiment/index.js';
import type { Scenario } from '../../../sim/scenario/index.js';
import { newWorker, POOL_SIZE, takeAheadOutcomes, takeEarlyWorkers } from './boot.js';
import { CHUNK, type ExtraFault, type Request, type Response, type Source, type TraceResult } from './protocol.js';

/** The page is told about new replications at most this often (ms). */
const UPDATE_MS = 250;

export interface CompareUpdate {
  /** Each scenario's summary so far (the first one's paired differences to the others as in `compare --json`). */
  results: RunResult[];
  aggregates: ExperimentAggregate[];
  done: number;
  total: number;
  /** Of those done, how many the first worker ran before the page asked (the landing view's first numbers). */
  ahead: number;
  /** Every replication and the saturation searches are in: the results equal `deploysim compare --json`. */
  complete: boolean;
}

export interface CompareRun {
  /** Resolves with the last update, or rejects with the first worker error. */
  finished: Promise<CompareUpdate>;
  cancel(): void;
}


/**
 * Web Workers running `sim/`: a pool for experiments (POOL_SIZE) and one more for
 * traces, so the explorer never waits behind a comparison. The page's thread only adds outcomes
 * to the aggregates, in replication order, so the numbers equal the CLI's whatever the pool size.
 */
export class SimPool {
  private workers: Worker[] = [];
  private tracer: Worker | null = null;
  private nextId = 1;
  private current: { cancel(): void } | null = null;

  constructor(readonly size = POOL_SIZE) {
    // The workers boot.ts started while the page loaded, or new ones.
    this.workers = takeEarlyWorkers();
    while (this.workers.length < size) this.workers.push(newWorker());
  }

  /** Runs every replication of the scenarios (already loaded, with their sources) and streams updates. */
  compare(scenarios: readonly Scenario[], sources: readonly Source[], onUpdate: (u: CompareUpdate) => void): CompareRun {
    this.current?.cancel();
    if (this.workers.length === 0) this.workers = Array.from({ length: this.size }, newWorker);
    const aggregates = scenarios.map((s) => new ExperimentAggregate(s));
    const pending: Array<Array<ReplicationOutcome | undefined>> = scenarios.map((s) => new Array<ReplicationOutcome | undefined>(s.replications));
    const saturation: Array<number | null | undefined> = scenarios.map(() => undefined);
    const total = scenarios.reduce((a, s) => a + s.replications, 0);
    let done = 0;
    const tasks: Request[] = [];
    const maxReps = Math.max(...scenarios.map((s) => s.replications));
    for (let from = 0; from < maxReps; from += CHUNK) {
      scenarios.forEach((s, k) => {
        if (from < s.replications) tasks.push({ type: 'replicate', id: 0, source: sources[k]!, from, to: Math.min(s.replications, from + CHUNK) });
      });
    }
    sources.forEach((source) => tasks.push({ type: 'saturation', id: 0, source }));
    const taskScenario = new Map<number, number>();
    /** Replications taken from a worker's run ahead (sim.worker.ts). */
    let ahead = 0;
    /**
     * Takes outcomes of scenario k from replication `from` on, and adds to its aggregate those now
     * next in replication order; one already taken (run ahead, then asked for) is ignored. Whether any was added.
     */
    const accept = (k: number, from: number, outcomes: readonly (ReplicationOutcome | undefined)[], runAhead = false): boolean => {
      const agg = aggregates[k]!;
      const slots = pending[k]!;
      outcomes.forEach((o, j) => {
        const i = from + j;
        if (o === undefined || i < agg.count || i >= slots.length || slots[i] !== undefined) return;
        slots[i] = o;
        if (runAhead) ahead++;
      });
      const before = done;
      while (agg.count < slots.length && slots[agg.count] !== undefined) {
        agg.add(slots[agg.count]!);
        slots[agg.count - 1] = undefined;
        done++;
      }
      return done > before;
    };
    // Replications a worker ran before the page asked (the landing view's first ones).
    const keys = sources.map((s) => JSON.stringify(s));
    const stored = takeAheadOutcomes();
    keys.forEach((key, k) => accept(k, 0, stored.get(key) ?? [], true));
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let resolve!: (u: CompareUpdate) => void;
    let reject!: (e: Error) => void;
    const finished = new Promise<CompareUpdate>((res, rej) => ((resolve = res), (reject = rej)));
    const complete = () => done === total && saturation.every((v) => v !== undefined);
    const update = (): CompareUpdate => {
      const runs = aggregates.map((aggregate, k) => ({ aggregate, result: aggregate.result(saturation[k] ?? null) }));
      return { results: withPairedDifferences(runs), aggregates, done, total, ahead, complete: complete() };
    };
    /** The page is updated at most every UPDATE_MS, and spends at most a fifth of the time on it (the workers need the cores). */
    let gapMs = UPDATE_MS;
    /** Whether any replication has been shown: the first ones are shown at once. */
    let shown = false;
    const flush = () => {
      timer = null;
      if (cancelled) return;
      shown = done > 0;
      const t0 = performance.now();
      const u = update();
      const t1 = performance.now();
      onUpdate(u);
      const t2 = performance.now();
      performance.measure('deploysim:summarise', { start: t0, end: t1 });
      performance.measure('deploysim:draw', { start: t1, end: t2 });
      gapMs = Math.max(UPDATE_MS, 4 * (t2 - t0));
    };
    let ended = false;
    const changed = () => {
      if (ended) return;
      if (complete()) {
        ended = true;
        if (timer !== null) clearTimeout(timer);
        const last = update();
        onUpdate(last);
        resolve(last);
        this.current = null;
      } else if (timer === null) timer = setTimeout(flush, shown ? gapMs : 0);
    };
    // Every task is handed out at once, round robin in the interleaved order: a worker never waits
    // for the page's thread (busy drawing) to give it more, and each scenario's chunks spread evenly.
    this.workers.forEach((w) => {
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        stop(new Error(`a simulation worker failed${e.message ? `: ${e.message}` : ' to start (is the page served over http? see deploysim viz)'}`));
      };
      w.onmessage = (e: MessageEvent<Response>) => {
        if (cancelled) return;
        const m = e.data;
        if (m.type === 'ready') return;
        if (m.type === 'ahead') {
          const k = keys.indexOf(m.key);
          if (k >= 0 && accept(k, m.index, [m.outcome], true)) changed();
          return;
        }
        const k = taskScenario.get(m.id);
        if (k === undefined) return;
        if (m.type === 'error') {
          stop(new Error(m.message));
          return;
        }
        if (m.type === 'outcomes') {
          // Outcomes a worker ran ahead come again with their task: nothing new then.
          if (accept(k, m.from, m.outcomes)) changed();
        } else if (m.type === 'saturation') {
          saturation[k] = m.rps;
          changed();
        }
      };
    });
    tasks.forEach((task, t) => {
      const id = this.nextId++;
      taskScenario.set(id, sources.indexOf(task.source));
      this.workers[t % this.workers.length]!.postMessage({ ...task, id });
    });
    onUpdate(update());
    /** Ends the run (cancelled, or a worker failed): a worker busy with a replication cannot be interrupted, so the pool is replaced. */
    const stop = (why: Error) => {
      if (cancelled) return;
      cancelled = true;
      if (timer !== null) clearTimeout(timer);
      this.workers.forEach((w) => w.terminate());
      this.workers = [];
      if (this.current?.cancel === cancel) this.current = null;
      reject(why);
    };
    const cancel = () => stop(new Error('cancelled'));
    this.current = { cancel };
    finished.catch(() => undefined);
    return { finished, cancel };
  }

  /** Records one replication's trace, with scripted faults added (what-if). */
  trace(source: Source, replication: number, faults: ExtraFault[] = []): Promise<TraceResult> {
    if (this.tracer === null) this.tracer = newWorker();
    const tracer = this.tracer;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const done = () => {
        tracer.removeEventListener('message', listener);
        tracer.removeEventListener('error', failed);
      };
      const listener = (e: MessageEvent<Response>) => {
        const m = e.data;
        if (m.id !== id) return;
        done();
        if (m.type === 'trace') resolve(m.result);
        else if (m.type === 'error') reject(new Error(m.message));
      };
      // A worker that dies (out of memory, failed to load) answers nothing: say so, and start afresh next time.
      const failed = (e: ErrorEvent) => {
        e.preventDefault();
        done();
        if (this.tracer === tracer) this.tracer = null;
        tracer.terminate();
        reject(new Error(`the trace worker failed${e.message ? `: ${e.message}` : ''}`));
      };
      tracer.addEventListener('message', listener);
      tracer.addEventListener('error', failed);
      tracer.postMessage({ type: 'trace', id, source, replication, faults } satisfies Request);
    });
  }
}
