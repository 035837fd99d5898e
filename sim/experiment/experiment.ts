import { serializeScenario } from '../scenario/serialize.js';
import type { Scenario } from '../scenario/types.js';
import { ENGINE_VERSION } from '../version.js';
import { runReplication, replicationSeed, type ReplicationOutcome } from './replication.js';
import { saturationThroughput } from './saturation.js';
import { Accumulator, isSummary, pooledMaxSummary, pooledQuantileSummary, ratioSummary, replicationQuantile, type MetricSummary } from './stats.js';

/** Metric summaries nested by their dotted names: `{service: {availability: {...}}, cost: {...}}`. */
export type NestedSummaries = { [key: string]: MetricSummary | NestedSummaries };

/** The result of `deploysim run`, also one element of `deploysim compare --json`. */
export interface RunResult {
  scenario: string;
  description: string;
  seed: number;
  replications: number;
  horizonS: number;
  warmupS: number;
  engineVersion: string;
  /** Replication i seeds every stream from `${seed}/${i}`. */
  replicationSeeds: string;
  metrics: NestedSummaries;
  /** Highest arrival rate served with the success rate of traffic.saturationSuccessRate (null without traffic, or when not searched). */
  saturationThroughputRps: number | null;
  eventsPerReplication: MetricSummary;
  /**
   * In `compare`: this scenario minus the baseline (the first, or --baseline), replication by
   * replication (common random numbers); `significant` lists the metrics whose difference's 95% CI
   * excludes 0.
   */
  pairedDifferences?: { baseline: string; metrics: NestedSummaries; significant: string[] };
  /** The scenario as run, every default filled in; loading it reproduces the run. */
  resolvedScenario: Record<string, unknown>;
}

export interface ExperimentProgress {
  scenario: string;
  /** Replications finished. */
  replication: number;
  of: number;
  /** Within the replication under way (when reported): the simulated time reached, and the horizon. */
  timeS?: number;
  horizonS?: number;
}

/** Per-replication values kept for paired differences: metric name -> value per replication. */
type Samples = Map<string, number[]>;

export interface ExperimentOptions {
  /** Search the saturation throughput (dozens of short runs; default true). Without: null. */
  saturation?: boolean;
}

/**
 * A scenario's replications summarised as they arrive, in replication order: `add` each outcome,
 * `result` at any point (the summary of those added so far). The CLI adds them all and reads the
 * result once; the visualiser reads it after every few, so the intervals visibly narrow. Both give
 * the same numbers for the same replications.
 */
export class ExperimentAggregate {
  private readonly accumulators = new Map<string, Accumulator>();
  readonly samples: Samples = new Map();
  /** Distribution metrics: name -> the samples of each replication. */
  private readonly pooled = new Map<string, number[][]>();
  private readonly events = new Accumulator();
  /** Replications added. */
  count = 0;

  constructor(private _scenario: Scenario) {}

  get scenario(): Scenario {
    return this._scenario;
  }

  /**
   * The scenario the result reports (its resolved form), for a run that went on past the scenario's
   * replications (--precision): the same scenario but for `replications`, so the result is the one
   * that scenario gives. Its seed must be the same.
   */
  retarget(scenario: Scenario): void {
    if (scenario.seed !== this._scenario.seed) throw new Error('an aggregate cannot change seed');
    this._scenario = scenario;
  }

  /** Adds the outcome of the next replication (index `count`). */
  add(outcome: ReplicationOutcome): void {
    this.count++;
    this.events.add(outcome.events);
    for (const [name, value] of outcome.values) {
      let acc = this.accumulators.get(name);
      if (acc === undefined) this.accumulators.set(name, (acc = new Accumulator()));
      acc.add(value);
      let list = this.samples.get(name);
      if (list === undefined) this.samples.set(name, (list = []));
      list.push(value);
    }
    for (const [name, values] of outcome.distributions) {
      let list = this.pooled.get(name);
      if (list === undefined) this.pooled.set(name, (list = []));
      list.push(values);
    }
  }

  /** The summary of the replications added so far (`replications` says how many). */
  result(saturationThroughputRps: number | null): RunResult {
    const scenario = this.scenario;
    const summaries: Array<[string, MetricSummary]> = [...this.accumulators].map(([name, acc]) => [name, summarize(name, acc, this.samples)]);
    for (const [name, perReplication] of this.pooled) summaries.push(...summarizeDistribution(name, perReplication));
    const last = Math.max(0, this.count - 1);
    return {
      scenario: scenario.name,
      description: scenario.description,
      seed: scenario.seed,
      replications: this.count,
      horizonS: scenario.horizon,
      warmupS: scenario.warmup,
      engineVersion: ENGINE_VERSION,
      replicationSeeds: `${replicationSeed(scenario.seed, 0)} .. ${replicationSeed(scenario.seed, last)}`,
      metrics: nest(summaries),
      saturationThroughputRps,
      eventsPerReplication: this.events.summary(),
      resolvedScenario: serializeScenario(scenario),
    };
  }
}

/** Runs every replication of a scenario and summarises each metric across them. */
export function runExperiment(scenario: Scenario, onProgress?: (p: ExperimentProgress) => void, options: ExperimentOptions = {}): RunResult {
  return runAll(scenario, onProgress).result(options.saturation === false ? null : (saturationThroughput(scenario)?.rps ?? null));
}

function runAll(scenario: Scenario, onProgress?: (p: ExperimentProgress) => void): ExperimentAggregate {
  const aggregate = new ExperimentAggregate(scenario);
  for (let i = 0; i < scenario.replications; i++) {
    const onTime = onProgress && ((timeS: number) => onProgress({ scenario: scenario.name, replication: i, of: scenario.replications, timeS, horizonS: scenario.horizon }));
    aggregate.add(runReplication(scenario, scenario.seed, i, { onTime }));
    onProgress?.({ scenario: scenario.name, replication: i + 1, of: scenario.replications });
  }
  return aggregate;
}

/**
 * Runs several scenarios on the same seeds (common random numbers: a node called worker-1 fails
 * at the same times in every scenario) and adds, for each scenario after the first, its paired
 * differences from the first.
 */
export function compareScenarios(scenarios: readonly Scenario[], onProgress?: (p: ExperimentProgress) => void): RunResult[] {
  const runs = scenarios.map((s) => {
    const aggregate = runAll(s, onProgress);
    return { aggregate, result: aggregate.result(saturationThroughput(s)?.rps ?? null) };
  });
  return withPairedDifferences(runs);
}

/**
 * Adds to each result but the baseline's (the first, or the one at `baselineIndex`) its paired
 * differences from the baseline: replication by replication, over the replications both have.
 */
export function withPairedDifferences(runs: ReadonlyArray<{ aggregate: ExperimentAggregate; result: RunResult }>, baselineIndex = 0): RunResult[] {
  const baseline = runs[baselineIndex];
  if (baseline === undefined) return runs.map((r) => r.result);
  return runs.map((run, k) => {
    if (k === baselineIndex) return run.result;
    const diffs: Array<[string, MetricSummary]> = [];
    const significant: string[] = [];
    for (const [name, values] of run.aggregate.samples) {
      const base = baseline.aggregate.samples.get(name);
      if (base === undefined) continue;
      const acc = new Accumulator();
      for (let i = 0; i < Math.min(values.length, base.length); i++) acc.add(values[i]! - base[i]!);
      const summary = acc.summary();
      diffs.push([name, summary]);
      if (summary.ci95 !== null && (summary.ci95[0] > 0 || summary.ci95[1] < 0)) significant.push(name);
    }
    return { ...run.result, pairedDifferences: { baseline: baseline.result.scenario, metrics: nest(diffs), significant } };
  });
}

/**
 * A metric's summary in a result by its dotted path in `metrics` (e.g. `service.availability`), or
 * undefined. Own keys only: a name such as `constructor` must not find Object's members.
 */
export function metricAt(result: RunResult, path: string): MetricSummary | undefined {
  let node: NestedSummaries | MetricSummary | undefined = result.metrics;
  for (const part of path.split('.')) node = node === undefined || isSummary(node) || !Object.hasOwn(node, part) ? undefined : (node as NestedSummaries)[part];
  return node !== undefined && isSummary(node) ? node : undefined;
}

/** Metrics reported as a ratio of totals across replications: name -> [numerator, denominator]. */
const RATIO_METRICS = new Map<string, [string, string]>([['service.mttrS', ['service.downtimeS', 'service.incidents']]]);

function summarize(name: string, acc: Accumulator, samples: Samples): MetricSummary {
  const ratio = RATIO_METRICS.get(name);
  if (ratio !== undefined) return ratioSummary(samples.get(ratio[0]) ?? [], samples.get(ratio[1]) ?? [], boundsOf(name));
  const summary = acc.summary(boundsOf(name));
  if (!WORST_YEARS.test(name)) return summary;
  const values = (samples.get(name) ?? []).filter(Number.isFinite);
  return { ...summary, p90: replicationQuantile(values, 0.9), p99: replicationQuantile(values, 0.99) };
}

/**
 * The totals per replication whose spread between replications matters as much as their mean (an
 * SLA is judged on the bad year): their p90 and p99 across replications are reported.
 */
export const WORST_YEARS = /(downtimeS|requests\.failed|missedExecutions|duplicateExecutions|^cost\.\w+)$/;

/**
 * A distribution metric (e.g. `artifacts.X.takeoverS`) from its samples in each replication:
 * `.mean` as a ratio of totals (sum over count, with the ratio estimator's interval), `.p95` from
 * the pooled samples with an order-statistic interval, `.max` the pooled maximum.
 */
function summarizeDistribution(name: string, perReplication: number[][]): Array<[string, MetricSummary]> {
  const sums = perReplication.map((v) => v.reduce((a, b) => a + b, 0));
  const counts = perReplication.map((v) => v.length);
  const all = perReplication.flat();
  return [
    [`${name}.mean`, ratioSummary(sums, counts, boundsOf(name))],
    [`${name}.p95`, pooledQuantileSummary(all, 0.95)],
    [`${name}.max`, pooledMaxSummary(all)],
  ];
}

/** The values a metric can take, by name: fractions lie in [0, 1], times, counts and hours are >= 0. */
export function boundsOf(name: string): [number, number] {
  return /(availability|Fraction|SuccessRate)$/.test(name) ? [0, 1] : [0, Infinity];
}

/**
 * Nests dotted names into objects without a prototype, so that names chosen by the user (an
 * artifact called `constructor` or `__proto__`) are plain keys like any other.
 */
function nest(entries: Array<[string, MetricSummary]>): NestedSummaries {
  const root: NestedSummaries = Object.create(null);
  for (const [name, summary] of entries) {
    const parts = name.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!Object.hasOwn(node, part)) node[part] = Object.create(null) as NestedSummaries;
      node = node[part] as NestedSummaries;
    }
    node[parts[parts.length - 1]!] = summary;
  }
  return root;
}
