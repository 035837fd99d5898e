import { runReplication, type ReplicationOutcome } from '../../sim/experiment/replication.js';
import type { CoordinationEvent } from '../../sim/model/coordination/group.js';
import type { Scenario } from '../../sim/scenario/index.js';
import { scenarioFrom } from '../helpers/scenario.js';

export interface RunnerLog {
  t: number;
  task: string;
  pod: string;
  started: boolean;
}

export interface Traced extends ReplicationOutcome {
  runners: RunnerLog[];
  coordination: Array<CoordinationEvent & { t: number }>;
  faults: Array<{ t: number; type: string; target: string }>;
  /** Every flow of message processors and inbound endpoints (copies). */
  flows: Array<{ artifact: string; fromS: number; toS: number; backlogFrom: number; backlogTo: number; active: number }>;
  /** The backlog (of the one flow artifact) when measuring started. */
  startBacklog: number;
}

/** Runs one replication and records every runner change, coordination event and fault. */
export function traced(s: Scenario, seed: number, index: number): Traced {
  const runners: RunnerLog[] = [];
  const coordination: Traced['coordination'] = [];
  const faults: Traced['faults'] = [];
  const flows: Traced['flows'] = [];
  const out = runReplication(s, seed, index, {
    onStart(c, bus) {
      bus.on('artifact.runner', ({ runner, started }) => runners.push({ t: c.sim.nowS, task: runner.artifact.name, pod: runner.pod.name, started }));
      bus.on('coordination', (e) => coordination.push({ ...e, t: c.sim.nowS }));
      bus.on('fault', (f) => faults.push({ ...f, t: c.sim.nowS }));
      bus.on('artifact.flow', (f) => flows.push({ artifact: f.artifact.name, fromS: f.fromS, toS: f.toS, backlogFrom: f.backlogFrom, backlogTo: f.backlogTo, active: f.active }));
    },
  });
  const startBacklog = flows.filter((f) => f.toS <= s.warmup).at(-1)?.backlogTo ?? 0;
  return { ...out, runners, coordination, faults, flows, startBacklog };
}

/** The gaps (no runner at all) of a task: [from, to) pairs, to = Infinity while open. */
export function gaps(log: readonly RunnerLog[], task: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let n = 0;
  let since = NaN;
  for (const e of log) {
    if (e.task !== task) continue;
    if (e.started) {
      if (n === 0 && !Number.isNaN(since)) out.push([since, e.t]);
      n++;
    } else if (--n === 0) since = e.t;
  }
  if (n === 0 && !Number.isNaN(since)) out.push([since, Infinity]);
  return out;
}

/** The largest number of servers running a task at once. */
export function maxConcurrent(log: readonly RunnerLog[], task: string): number {
  let n = 0;
  let max = 0;
  for (const e of log) {
    if (e.task !== task) continue;
    n += e.started ? 1 : -1;
    max = Math.max(max, n);
  }
  return max;
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Three hours (ten minutes of warm-up) of `replicas` MI servers on three nodes running one artifact, without random failures. */
export function oneArtifact(artifact: string, coordination: boolean, faults: string[] = [], replicas = 3): Scenario {
  return scenarioFrom(`
horizon: 3h
warmup: 10m
cluster: {nodePools: [{name: w, count: 3, failures: {crash: null}}]}
workloads:
  - {name: mi, replicas: ${replicas}, coordination: ${coordination}, failures: {crash: null}, artifacts: [${artifact}]}
faults: [${faults.join(', ')}]
`);
}

/** An artifact metric of one replication. */
export const artifactValue = (r: { values: Map<string, number> }, name: string, key: string): number => r.values.get(`artifacts.${name}.${key}`)!;
