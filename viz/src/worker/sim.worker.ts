/// <reference lib="webworker" />
/**
 * The simulation's Web Worker: runs `sim/` unchanged, off the page's thread. It loads each scenario
 * from its text (cached), runs the replications it is asked for and posts their outcomes back in
 * small batches, searches the saturation throughput, or records one replication's trace.
 */
import { runReplication, saturationThroughput } from '../../../sim/experiment/index.js';
import { scenarioNodes } from '../../../sim/model/kube/cluster.js';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../../sim/scenario/index.js';
import { traceReplication, type TraceRecord } from '../../../sim/trace/index.js';
import type { ExtraFault, Request, Response, Source } from './protocol.js';

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

function handle(m: Request): void {
  switch (m.type) {
    case 'replicate': {
      const scenario = load(m.source);
      let batch = [];
      let from = m.from;
      for (let i = m.from; i < m.to; i++) {
        batch.push(runReplication(scenario, scenario.seed, i));
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
  try {
    handle(e.data);
  } catch (err) {
    post({ type: 'error', id: e.data.id, message: err instanceof Error ? err.message : String(err) });
  }
};
