/// <reference lib="webworker" />
/**
 * The simulation's Web Worker: runs `sim/` unchanged, off the page's thread. It loads each scenario
 * from its text (cached), runs the replications it is asked for and posts their outcomes back in
 * small batches, searches the saturation throughput, or records one replication's trace.
 */
import { runReplication, saturationThroughput, type ReplicationOutcome } from '../../../sim/experiment/index.js';
import { scenarioNodes } from '../../../sim/model/kube/cluster.js';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../sim/scenario/index.js';
import { fluidLatencyTemplates, traceReplication, type TraceRecord } from '../../../sim/trace/index.js';
import { firstSourceOf } from '../scenarios.js';
import { CHUNK, LANDING_PREFIX, type ExtraFault, type Request, type Response, type Source } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cache = new Map<string, Scenario>();

function load(source: Source, extra: readonly string[] = []): Scenario {
  const key = JSON.stringify([source, extra]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = loadScenarioText(source.text, source.file, [...source.overrides, ...extra]);
  if (result.scenario === undefined) throw new Error(result.errors.map(formatScenarioError).join('\n'));
  if (cache.size > 32) cache.clear();
  cache.set(key, result.scenario);
  return result.scenario;
}

/** A fault as `faults[+]` overrides: the fields of one new list entry. */
function faultOverrides(faults: readonly ExtraFault[], existing: number): string[] {
  const out: string[] = [];
  faults.forEach((f, k) => {
    for (const [field, value] of Object.entries(f)) out.push(`faults[${existing + k}].${field}=${value}`);
  });
  return out;
}

const post = (m: Response) => scope.postMessage(m);

/** Outcomes are posted at least this often (ms), so the page's intervals narrow smoothly. */
const BATCH_MS = 100;
/** When this worker last posted outcomes: the very first replication is posted at once (first numbers). */
let lastPost = -Infinity;

/**
 * Replications worked out before the page asked for them. The page's first message reaches this
 * worker only once the page has loaded its scenarios (0.25 s or more after the worker starts), so
 * the worker the page starts first is told the page's URL query in its name, runs the first
 * scenario's first replications (at most one chunk) as the page will ask for them, and posts each
 * as it ends, until the page's first message arrives. They are posted again with the task that
 * asks for them (handle), so none is lost if the page was not yet listening.
 */
let ahead: { key: string; outcomes: ReplicationOutcome[] } | null = null;
let asked = false;

function workAhead(): void {
  if (!scope.name.startsWith(LANDING_PREFIX)) return;
  const source = firstSourceOf(scope.name.slice(LANDING_PREFIX.length));
  let scenario: Scenario;
  try {
    scenario = load(source);
  } catch {
    return; // the page reports the scenario's errors
  }
  const outcomes: ReplicationOutcome[] = [];
  const key = JSON.stringify(source);
  ahead = { key, outcomes };
  const next = () => {
    if (asked || outcomes.length >= Math.min(CHUNK, scenario.replications)) return;
    const index = outcomes.length;
    try {
      outcomes.push(runReplication(scenario, scenario.seed, index));
    } catch {
      return; // the page's own task for it reports the error
    }
    post({ type: 'ahead', key, index, outcome: outcomes[index]! });
    setTimeout(next, 0);
  };
  next();
}

function handle(m: Request): void {
  switch (m.type) {
    case 'replicate': {
      const scenario = load(m.source);
      // Replication i of a scenario is the same whenever it is run: those worked out ahead are reused.
      const done = ahead !== null && ahead.key === JSON.stringify(m.source) ? ahead.outcomes : [];
      let batch = [];
      let from = m.from;
      for (let i = m.from; i < m.to; i++) {
        batch.push(done[i] ?? runReplication(scenario, scenario.seed, i));
        const now = performance.now();
        if (now - lastPost >= BATCH_MS || i === m.to - 1) {
          post({ type: 'outcomes', id: m.id, from, outcomes: batch });
          from = i + 1;
          batch = [];
          lastPost = now;
        }
      }
      post({ type: 'done', id: m.id });
      return;
    }
    case 'saturation': {
      post({ type: 'saturation', id: m.id, rps: saturationThroughput(load(m.source))?.rps ?? null });
      return;
    }
    case 'trace': {
      const base = load(m.source);
      const scenario = m.faults.length === 0 ? base : load(m.source, faultOverrides(m.faults, base.faults.length));
      const records: TraceRecord[] = [];
      const outcome = traceReplication(scenario, scenario.seed, m.replication, (r) => records.push(r));
      post({
        type: 'trace',
        id: m.id,
        result: {
          scenario: scenario.name,
          horizonS: scenario.horizon,
          warmupS: scenario.warmup,
          nodes: scenarioNodes(scenario).map(({ name, zone }) => ({ name, zone })),
          records,
          latencyTemplates: fluidLatencyTemplates(scenario, records),
          values: [...outcome.values],
        },
      });
      return;
    }
  }
}

// The page waits for this before its own heavy work (see boot.ts).
scope.postMessage({ type: 'ready' } satisfies Response);

scope.onmessage = (e: MessageEvent<Request>) => {
  asked = true;
  try {
    handle(e.data);
  } catch (err) {
    post({ type: 'error', id: e.data.id, message: err instanceof Error ? err.message : String(err) });
  }
};

// After the handler is set: a message that arrives meanwhile waits for one replication at most.
setTimeout(workAhead, 0);
