import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { ExperimentAggregate, metricAt, WORST_YEARS, type MetricSummary, type RunResult } from '../sim/experiment/index.js';
import { runParallel, type ExperimentItem, type JobRunner, type ParallelProgress } from '../sim/experiment/parallel.js';
import { replicationQuantile } from '../sim/experiment/stats.js';
import type { Scenario } from '../sim/scenario/index.js';
import { parseDuration } from '../sim/scenario/units.js';
import type { Kind } from './format.js';
import { shortDuration, yearScale } from './headline.js';
import { InputError } from './scenarios.js';

/**
 * `deploysim advise`: the cheapest configuration that meets every objective with 95% confidence.
 * Candidates are the scenario with its main workload's replicas (or, with an autoscaler, its
 * minimum and maximum), its first node pool's nodes, and where its stateful artifacts run
 * (coordinated replicas, a one-replica pod each, or a single replica). Every candidate is screened
 * on a few replications; one whose interval already misses an objective is ruled out; the rest run
 * to the scenario's replications, cheapest first, until two pass (the answer and the runner-up).
 */

/** An objective: a metric, a comparison and a target (in the metric's unit; totals per year). */
export interface Objective {
  text: string;
  metric: string;
  op: '>=' | '<=' | '==';
  target: number;
  kind: Kind;
  /** A total per replication, stated per year (downtime, failed requests, task runs). */
  perYear: boolean;
  /** Given by one of the names (tasks.running, ...), not a metric path. */
  named: boolean;
}

/** The names an objective may use, and the metric each stands for. */
const ALIASES: Record<string, { metric: string; kind: Kind; perYear: boolean }> = {
  success: { metric: 'service.requestSuccessRate', kind: 'percent', perYear: false },
  availability: { metric: 'service.availability', kind: 'percent', perYear: false },
  downtime: { metric: 'service.downtimeS', kind: 'duration', perYear: true },
  failed: { metric: 'service.requests.failed', kind: 'count', perYear: true },
  p99: { metric: 'service.latencyMs.p99', kind: 'ms', perYear: false },
  'tasks.running': { metric: 'capabilities.scheduledTasks.availability', kind: 'percent', perYear: false },
  'tasks.duplicates': { metric: 'capabilities.scheduledTasks.duplicateExecutions', kind: 'count', perYear: true },
  'tasks.missed': { metric: 'capabilities.scheduledTasks.missedExecutions', kind: 'count', perYear: true },
  'processors.active': { metric: 'capabilities.messageProcessors.availability', kind: 'percent', perYear: false },
  'inbound.consuming': { metric: 'capabilities.inboundEndpoints.availability', kind: 'percent', perYear: false },
};

export const OBJECTIVE_NAMES = Object.keys(ALIASES);

const OBJECTIVE_EXAMPLE = 'e.g. success>=99.95%, availability>=99.99%, tasks.running>=99.99%, tasks.duplicates==0, p99<=200ms';

/** Parses `--slo availability>=99.99%`. */
export function parseObjective(text: string): Objective {
  const m = /^\s*([A-Za-z][\w.[\]-]*)\s*(>=|<=|==)\s*(\S+)\s*$/.exec(text);
  const bad = (why: string) => new InputError(`--slo ${text}: ${why}`);
  if (m === null) throw bad(`expected NAME>=VALUE, NAME<=VALUE or NAME==0, ${OBJECTIVE_EXAMPLE}`);
  const [, name, op, valueText] = m as unknown as [string, string, Objective['op'], string];
  const alias = ALIASES[name];
  const metric = alias?.metric ?? name;
  const kind: Kind = alias?.kind ?? (/(availability|SuccessRate|Fraction)$/.test(name) ? 'percent' : /downtimeS$|S$/.test(name) ? 'duration' : /Ms(\.\w+)?$/.test(name) ? 'ms' : 'count');
  // A total per replication (as the worst years are computed for), or one of its parts by cause.
  const perYear = alias?.perYear ?? (WORST_YEARS.test(name) || /(ByCause(S)?\.\w+|requests\.\w+)$/.test(name));
  if (alias === undefined && !/^(service|workloads|artifacts|capabilities|cost|rollouts)\./.test(name)) {
    throw bad(`unknown objective "${name}": expected one of ${OBJECTIVE_NAMES.join(', ')}, or a metric path such as artifacts.NAME.availability`);
  }
  let target: number | undefined;
  if (kind === 'percent') {
    const p = /^(\d+(?:\.\d+)?)%$/.exec(valueText);
    target = p ? Number((Number(p[1]) / 100).toPrecision(15)) : undefined;
    if (target === undefined || target > 1) throw bad(`expected a percentage from 0% to 100% for ${name}, got ${valueText}`);
  } else if (kind === 'duration' || kind === 'ms') {
    const s = parseDuration(valueText);
    if (s === undefined || s < 0) throw bad(`expected a duration such as 200ms or 5m for ${name}, got ${valueText}`);
    target = kind === 'ms' ? s * 1000 : s;
  } else {
    target = /^\d+(\.\d+)?$/.test(valueText) ? Number(valueText) : undefined;
    if (target === undefined) throw bad(`expected a number of at least 0 for ${name}, got ${valueText}`);
  }
  if (op === '==' && target !== 0) throw bad('== takes 0 only (none at all); use <= for a bound');
  return { text: text.trim(), metric, op, target, kind, perYear, named: alias !== undefined };
}

/** Where a candidate runs the stateful artifacts. */
export type Placement = 'coordinated' | 'one-replica pods' | 'single replica';

export interface Candidate {
  label: string;
  placement: Placement | null;
  replicas: number;
  /** With an autoscaler: its maximum (replicas is then its minimum). */
  maxReplicas: number | null;
  nodes: number;
  /** The scenario text with the candidate's changes written in. */
  text: string;
}

export interface AdviseBounds {
  maxNodes: number;
  maxReplicas: number;
}

/** The traffic workload the replicas apply to: the first one that serves traffic with traffic, else the first. */
function mainWorkload(s: Scenario): number {
  const i = s.workloads.findIndex((w) => w.servesTraffic && w.traffic !== null);
  return i >= 0 ? i : 0;
}

/**
 * The candidates, cheapest-looking first is not assumed here (the screen measures cost). Placement
 * varies only when the scenario has stateful artifacts; a single replica is one candidate per node count.
 */
export function candidates(text: string, file: string, s: Scenario, bounds: AdviseBounds): Candidate[] {
  const m = mainWorkload(s);
  const main = s.workloads[m]!;
  const stateful = s.workloads.some((w) => w.artifacts.length > 0);
  const scaled = main.autoscaling !== null;
  const placements: Array<Placement | null> = stateful ? ['coordinated', 'one-replica pods', 'single replica'] : [null];
  const out: Candidate[] = [];
  for (const placement of placements) {
    const replicaChoices: Array<[number, number | null]> = [];
    if (placement === 'single replica') replicaChoices.push([1, null]);
    else if (scaled) for (let lo = 1; lo <= bounds.maxReplicas; lo++) for (let hi = lo; hi <= bounds.maxReplicas; hi++) replicaChoices.push([lo, hi]);
    else for (let r = 1; r <= bounds.maxReplicas; r++) replicaChoices.push([r, null]);
    for (const [replicas, maxReplicas] of replicaChoices) {
      for (let nodes = 1; nodes <= bounds.maxNodes; nodes++) {
        const doc = parseDocument(text);
        if (doc.errors.length > 0) throw new InputError(`${file}: ${doc.errors[0]!.message}`);
        const at = placement === null ? m : place(doc, s, m, placement);
        const w = doc.getIn(['workloads', at]) as YAMLMap;
        if (maxReplicas !== null && placement !== 'single replica') {
          w.setIn(['autoscaling', 'minReplicas'], replicas);
          w.setIn(['autoscaling', 'maxReplicas'], maxReplicas);
          w.set('replicas', replicas);
        } else {
          w.set('replicas', replicas);
          if (placement === 'single replica') w.delete('autoscaling');
        }
        doc.setIn(['cluster', 'nodePools', 0, 'count'], nodes);
        const what = [
          placement === null ? null : placement === 'one-replica pods' ? 'stateful in one-replica pods' : placement === 'coordinated' ? 'coordinated' : 'single replica',
          placement === 'single replica' ? null : maxReplicas !== null ? `${replicas}-${maxReplicas} replicas` : `${replicas} replica${replicas === 1 ? '' : 's'}`,
          `${nodes} node${nodes === 1 ? '' : 's'}`,
        ].filter((x) => x !== null);
        out.push({ label: what.join(', '), placement, replicas, maxReplicas, nodes, text: doc.toString({ lineWidth: 0 }) });
      }
    }
  }
  return out;
}

/**
 * Rewrites the workloads so the stateful artifacts run as `placement` says: in the main workload
 * with coordination (on every replica, the cluster assigning each to one), each in a one-replica
 * workload of its own without coordination (the main workload's settings, no traffic), or in the
 * main workload without coordination (a single replica). Workloads that only ran artifacts go.
 */
function place(doc: Document, s: Scenario, m: number, placement: Placement): number {
  const list = doc.get('workloads');
  if (!isSeq(list)) return m;
  const nodes = list.items;
  const artifacts: unknown[] = [];
  const keep: unknown[] = [];
  s.workloads.forEach((w, i) => {
    const node = nodes[i];
    if (!isMap(node)) return;
    const artifactOnly = i !== m && w.artifacts.length > 0 && (!w.servesTraffic || w.traffic === null);
    // The main workload's artifacts and those of the workloads that only ran artifacts move; another
    // traffic workload keeps its own.
    const own = node.get('artifacts');
    if ((i === m || artifactOnly) && isSeq(own)) for (const a of own.items) artifacts.push(a);
    if (i === m || !artifactOnly) keep.push(node);
  });
  const main = nodes[m] as YAMLMap;
  main.delete('artifacts');
  main.delete('coordination');
  if (placement === 'one-replica pods') {
    const template = main.toJSON() as Record<string, unknown>;
    for (const key of ['name', 'replicas', 'traffic', 'autoscaling', 'podDisruptionBudget', 'scheduling', 'servesTraffic', 'rollout', 'strategy']) delete template[key];
    const taken = new Set(s.workloads.map((w) => w.name));
    for (const a of artifacts) {
      const name = isMap(a) ? String(a.get('name')) : 'stateful';
      let podName = name.replace(/_/g, '-').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9-]/g, '-');
      while (taken.has(podName)) podName += '-pod';
      taken.add(podName);
      keep.push(doc.createNode({ ...template, name: podName, replicas: 1, servesTraffic: false, artifacts: [isMap(a) ? a.toJSON() : a] }));
    }
  } else {
    main.set('artifacts', doc.createNode(artifacts.map((a) => (isMap(a) ? a.toJSON() : a))));
    if (placement === 'coordinated') main.set('coordination', true);
  }
  list.items = keep as typeof list.items;
  // Workloads that only ran artifacts and came before the main one are gone: its index moves.
  return keep.indexOf(main);
}

/**
 * Refuses `--set` overrides that would fight the candidates: of what advise varies (the traffic
 * workload's replicas and autoscaler, the first pool's node count), and, when the stateful
 * artifacts move between workloads, any override by workload index (the indexes change).
 */
export function checkOverrides(sets: readonly string[], s: Scenario): void {
  const m = mainWorkload(s);
  const moves = s.workloads.some((w) => w.artifacts.length > 0);
  for (const text of sets) {
    const path = text.slice(0, Math.max(0, text.indexOf('='))).replace(/\s+/g, '');
    const varied =
      path === 'cluster.nodePools[0].count' ||
      path === `workloads[${m}].replicas` ||
      path.startsWith(`workloads[${m}].autoscaling`) ||
      path === 'cluster' ||
      path === 'cluster.nodePools' ||
      path === 'cluster.nodePools[0]';
    if (varied) throw new InputError(`advise: --set ${text}: advise varies this itself (the traffic workload's replicas and autoscaler, and the first pool's nodes: see --max-replicas and --max-nodes); write it in the scenario file if it must be fixed`);
    if (moves && /^workloads(\[|$)/.test(path)) {
      throw new InputError(`advise: --set ${text}: where the stateful artifacts run changes the workloads and their indexes from one candidate to the next; write the change in the scenario file instead`);
    }
  }
}

/** A candidate's verdict on one objective: met with 95% confidence, missed beyond doubt, or not yet known. */
export type Verdict = 'met' | 'missed' | 'open';

export interface ObjectiveCheck {
  objective: string;
  /** The estimate (mean, or the p90 year), in the objective's unit (per year for totals). */
  value: number | null;
  /** The 95% bound the verdict rests on (the pessimistic end), in the same unit. */
  bound: number | null;
  verdict: Verdict;
}

/**
 * Checks an objective against a result: the mean's 95% CI, or with `perYear` the worst year in 10
 * (the p90 across replications, or the p10 for a metric where more is better) with its
 * order-statistic interval. A metric the scenario does not have (no tasks) counts as met.
 */
export function check(o: Objective, r: RunResult, aggregate: ExperimentAggregate, perYear: boolean): ObjectiveCheck {
  const scale = o.perYear ? yearScale(r) : 1;
  const s: MetricSummary | undefined = metricAt(r, o.metric);
  if (s === undefined || s.mean === null) return { objective: o.text, value: null, bound: null, verdict: 'met' };
  const higherIsBetter = o.op === '>=';
  let value: number;
  let lo: number | null;
  let hi: number | null;
  if (perYear) {
    const values = (aggregate.samples.get(o.metric) ?? []).filter(Number.isFinite);
    const q = replicationQuantile(values, higherIsBetter ? 0.1 : 0.9);
    value = (q.value ?? s.mean) * scale;
    lo = q.ci95 === null ? null : q.ci95[0] * scale;
    hi = q.ci95 === null ? null : q.ci95[1] * scale;
  } else {
    value = s.mean * scale;
    lo = s.ci95 === null ? null : s.ci95[0] * scale;
    hi = s.ci95 === null ? null : s.ci95[1] * scale;
  }
  if (o.op === '==') {
    // None at all: met when no replication had one (then every bound is 0), missed as soon as one did.
    const max = (s.max ?? 0) * scale;
    return { objective: o.text, value, bound: max, verdict: max > 0 ? 'missed' : 'met' };
  }
  const [pessimistic, optimistic] = higherIsBetter ? [lo, hi] : [hi, lo];
  const meets = (x: number) => (higherIsBetter ? x >= o.target : x <= o.target);
  const verdict: Verdict = pessimistic !== null && meets(pessimistic) ? 'met' : optimistic !== null && !meets(optimistic) ? 'missed' : 'open';
  return { objective: o.text, value, bound: pessimistic, verdict };
}

export interface CandidateOutcome {
  candidate: Candidate;
  /** Null when the candidate's scenario does not load. */
  error: string | null;
  replications: number;
  checks: ObjectiveCheck[];
  /** Cost per year in money and node-hours (means). */
  costPerYear: number | null;
  nodeHoursPerYear: number | null;
  result: RunResult | null;
}

export interface AdviceRun {
  outcomes: CandidateOutcome[];
  recommendation: CandidateOutcome | null;
  runnerUp: CandidateOutcome | null;
  /** When no candidate meets every objective: the one that misses the fewest, by the least. */
  closest: CandidateOutcome | null;
  screened: number;
  confirmed: number;
  screenReplications: number;
  fullReplications: number;
}

/** Replications of the screen: enough for an interval, few enough to run every candidate. */
export const SCREEN_REPLICATIONS = 100;

/** The fewest replications whose p10 and p90 have order-statistic 95% intervals. */
export function leastReplicationsForWorstYear(): number {
  for (let n = 2; ; n++) {
    const values = Array.from({ length: n }, (_, i) => i);
    if (replicationQuantile(values, 0.9).ci95 !== null && replicationQuantile(values, 0.1).ci95 !== null) return n;
  }
}

function passes(o: CandidateOutcome): boolean {
  return o.error === null && o.checks.every((c) => c.verdict === 'met');
}

function missed(o: CandidateOutcome): boolean {
  return o.error !== null || o.checks.some((c) => c.verdict === 'missed');
}

/**
 * Runs the search. `load` makes a candidate's experiment item (its text with the user's overrides
 * and preset), or says why it does not load.
 */
export async function advise(
  base: { text: string; file: string; scenario: Scenario },
  load: (c: Candidate) => ExperimentItem | { error: string },
  objectives: readonly Objective[],
  bounds: AdviseBounds,
  perYear: boolean,
  runner: JobRunner,
  onProgress?: (p: ParallelProgress) => void,
): Promise<AdviceRun> {
  const full = base.scenario.replications;
  if (perYear) {
    const least = leastReplicationsForWorstYear();
    if (full < least) throw new InputError(`advise --per-year: the 95% bound of the worst year in 10 needs at least ${least} replications (the scenario has ${full}); give --replications ${least} or more`);
  }
  const all = candidates(base.text, base.file, base.scenario, bounds);
  const screenN = Math.min(SCREEN_REPLICATIONS, full);
  const outcomes: CandidateOutcome[] = [];
  const items: Array<{ item: ExperimentItem; outcome: CandidateOutcome; aggregate: ExperimentAggregate }> = [];
  for (const candidate of all) {
    const loaded = load(candidate);
    const outcome: CandidateOutcome = { candidate, error: null, replications: 0, checks: [], costPerYear: null, nodeHoursPerYear: null, result: null };
    outcomes.push(outcome);
    if ('error' in loaded) {
      outcome.error = loaded.error;
      continue;
    }
    items.push({ item: loaded, outcome, aggregate: new ExperimentAggregate(loaded.scenario) });
  }
  const evaluate = (x: (typeof items)[number]): void => {
    const r = x.aggregate.result(null);
    const scale = yearScale(r);
    x.outcome.result = r;
    x.outcome.replications = x.aggregate.count;
    x.outcome.checks = objectives.map((o) => check(o, r, x.aggregate, perYear));
    const money = metricAt(r, 'cost.money')?.mean;
    const hours = metricAt(r, 'cost.nodeHours')?.mean;
    x.outcome.costPerYear = money == null ? null : money * scale;
    x.outcome.nodeHoursPerYear = hours == null ? null : hours * scale;
  };
  const runTo = async (batch: typeof items, n: number): Promise<void> => {
    if (batch.length === 0) return;
    await runParallel(
      batch.map((x) => ({ ...x.item, scenario: { ...x.item.scenario, replications: n } })),
      runner,
      { saturation: false, aggregates: batch.map((x) => x.aggregate), ...(onProgress ? { onProgress } : {}) },
    );
    batch.forEach(evaluate);
  };
  // The screen: every candidate on the first replications (common random numbers).
  await runTo(items, screenN);
  // A metric path no candidate has is a mistake (a misspelt name), not an objective met.
  for (const o of objectives) {
    if (!o.named && !items.some((x) => x.outcome.result !== null && metricAt(x.outcome.result, o.metric) !== undefined)) {
      throw new InputError(`--slo ${o.text}: no candidate has the metric ${o.metric}; expected one of ${OBJECTIVE_NAMES.join(', ')}, or a metric path as \`deploysim run SCENARIO --json\` prints it (under metrics)`);
    }
  }
  // Then the survivors, cheapest first (ties: fewer node-hours, then fewer pod-hours), to the full count.
  const podHours = (o: CandidateOutcome) => (o.result === null ? 0 : (metricAt(o.result, 'cost.podHours')?.mean ?? 0));
  const order = (a: CandidateOutcome, b: CandidateOutcome): number =>
    (a.costPerYear ?? a.nodeHoursPerYear ?? 0) - (b.costPerYear ?? b.nodeHoursPerYear ?? 0) ||
    (a.nodeHoursPerYear ?? 0) - (b.nodeHoursPerYear ?? 0) ||
    podHours(a) - podHours(b) ||
    outcomes.indexOf(a) - outcomes.indexOf(b);
  const survivors = items.filter((x) => !missed(x.outcome)).sort((a, b) => order(a.outcome, b.outcome));
  const passed: CandidateOutcome[] = [];
  let confirmed = 0;
  // Two at a time (a pool keeps both workers busy), until the answer and the runner-up are found.
  for (let k = 0; k < survivors.length && passed.length < 2; k += 2) {
    const batch = survivors.slice(k, k + 2).filter((x) => x.aggregate.count < full);
    await runTo(batch, full);
    for (const x of survivors.slice(k, k + 2)) {
      confirmed++;
      if (passes(x.outcome)) passed.push(x.outcome);
    }
  }
  passed.sort(order);
  let closest: CandidateOutcome | null = null;
  if (passed.length === 0) {
    const shortfall = (o: CandidateOutcome): number =>
      o.checks.reduce((a, c, i) => {
        const obj = objectives[i]!;
        if (c.verdict === 'met' || c.value === null) return a;
        const gap = obj.op === '>=' ? Math.max(0, obj.target - c.value) / Math.max(1e-12, 1 - obj.target) : Math.max(0, c.value - obj.target) / Math.max(1e-12, Math.abs(obj.target) || 1);
        return a + gap;
      }, 0);
    const missCount = (o: CandidateOutcome) => o.checks.filter((c) => c.verdict !== 'met').length;
    closest = outcomes.filter((o) => o.error === null && o.result !== null).sort((a, b) => missCount(a) - missCount(b) || shortfall(a) - shortfall(b) || order(a, b))[0] ?? null;
  }
  return { outcomes, recommendation: passed[0] ?? null, runnerUp: passed[1] ?? null, closest, screened: items.length, confirmed, screenReplications: screenN, fullReplications: full };
}

/** A value in an objective's unit, as the evidence table shows it. */
function show(kind: Kind, x: number): string {
  switch (kind) {
    case 'percent':
      return `${(x * 100).toFixed(x >= 0.9999 ? 4 : x >= 0.99 ? 3 : 2)}%`;
    case 'duration':
      return `${shortDuration(x)}`;
    case 'ms':
      return `${x.toFixed(1)} ms`;
    default:
      return x >= 100 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3)));
  }
}

function money(o: CandidateOutcome): string {
  if (o.costPerYear === null) return '-';
  const currency = (o.result?.resolvedScenario as { cost?: { currency?: string } } | undefined)?.cost?.currency ?? '';
  return `${currency}${currency.length > 1 ? ' ' : ''}${Math.round(o.costPerYear).toLocaleString('en-US')}`;
}

function checkCell(o: Objective, c: ObjectiveCheck): string {
  if (c.value === null) return 'n/a';
  return `${show(o.kind, c.value)}${c.verdict === 'met' ? '' : c.verdict === 'missed' ? ' x' : ' ?'}`;
}

/** How to run a candidate on its own: the scenario `--write` saved, with the flags advise was given. */
export interface ConfirmHint {
  /** The file --write wrote the recommendation to, or null. */
  written: string | null;
  /** The run flags advise was given (seed, replications, --set ...), as typed. */
  flags: readonly string[];
}

/** The text report: the answer, the runner-up, and the evidence table. */
export function formatAdvice(run: AdviceRun, objectives: readonly Objective[], hint: ConfirmHint, perYear: boolean): string {
  const lines: string[] = [];
  const describe = (o: CandidateOutcome) => {
    const hours = o.nodeHoursPerYear === null ? '' : `, ${Math.round(o.nodeHoursPerYear).toLocaleString('en-US')} node-hours/y`;
    return `${o.candidate.label}: cost ${money(o)}/y${hours}`;
  };
  const how = perYear ? 'its worst year in 10 (the p90, or p10, across replications, at its 95% bound)' : 'its 95% confidence bound';
  lines.push(`Objectives, each met by ${how}: ${objectives.map((o) => o.text).join(', ')}`);
  lines.push(
    `Candidates: ${run.outcomes.length}; ${run.screened} screened on ${run.screenReplications} replications` +
      `${run.outcomes.length > run.screened ? `, ${run.outcomes.length - run.screened} did not load` : ''}; ` +
      `${run.confirmed} run to ${run.fullReplications} (cheapest first); the rest ruled out by the screen or not needed.`,
  );
  lines.push('');
  if (run.recommendation !== null) {
    lines.push(`Recommendation: ${describe(run.recommendation)}`);
    const flags = hint.flags.length > 0 ? ` ${hint.flags.join(' ')}` : '';
    lines.push(hint.written !== null ? `  written to ${hint.written}; confirm: deploysim run ${hint.written}${flags}` : `  --write FILE saves it; then confirm: deploysim run FILE${flags}`);
    lines.push(run.runnerUp !== null ? `Runner-up: ${describe(run.runnerUp)}` : 'Runner-up: none within the bounds.');
  } else {
    lines.push('No candidate within the bounds meets every objective with 95% confidence.');
    if (run.closest !== null) {
      const short = run.closest.checks.map((c, i) => [c, objectives[i]!] as const).filter(([c]) => c.verdict !== 'met');
      const what = ([c, o]: readonly [ObjectiveCheck, Objective]) =>
        `${o.text} (${c.value === null ? 'n/a' : show(o.kind, c.value)}${c.verdict === 'open' ? ', not shown with 95% confidence' : ''})`;
      lines.push(`Closest: ${describe(run.closest)}; short on ${short.map(what).join(', ')}.`);
    }
    lines.push('Widen the bounds (--max-nodes, --max-replicas), or change what no candidate varies (for example coordination.miVersion).');
  }
  lines.push('');
  const rank = (o: CandidateOutcome) => (o === run.recommendation ? 0 : o === run.runnerUp ? 1 : 2);
  const rows = run.outcomes
    .filter((o) => o.error === null && o.result !== null)
    .sort((a, b) => b.replications - a.replications || rank(a) - rank(b) || Number(passes(b)) - Number(passes(a)) || (a.costPerYear ?? 0) - (b.costPerYear ?? 0));
  const shown = rows.slice(0, 15);
  const header = ['candidate', 'runs', 'cost/y', ...objectives.map((o) => o.text)];
  const table = shown.map((o) => [o.candidate.label, String(o.replications), money(o), ...o.checks.map((c, i) => checkCell(objectives[i]!, c))]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(`Evidence (those run to ${run.fullReplications} first, then the screen's; x: missed, ?: not shown with 95% confidence):`);
  lines.push(fmt(header));
  for (const row of table) lines.push(fmt(row));
  if (rows.length > shown.length) lines.push(`... and ${rows.length - shown.length} more (--json lists every candidate)`);
  const broken = run.outcomes.filter((o) => o.error !== null);
  if (broken.length > 0) lines.push(`Did not load: ${broken.map((o) => `${o.candidate.label} (${o.error})`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

/** The recommendation as a scenario file: its text, under a comment saying what it is. */
export function writtenScenario(o: CandidateOutcome, baseFile: string, objectives: readonly Objective[]): string {
  return [
    `# deploysim advise's recommendation for ${baseFile}: ${o.candidate.label},`,
    `# the cheapest candidate meeting ${objectives.map((x) => x.text).join(', ')}.`,
    "# The values are the recommendation's; the comments below are the original scenario's.",
    '',
    o.candidate.text,
  ].join('\n');
}

/** The --json form. */
export function adviceJson(run: AdviceRun, objectives: readonly Objective[], bounds: AdviseBounds, perYear: boolean): unknown {
  const entry = (o: CandidateOutcome | null) =>
    o === null
      ? null
      : {
          label: o.candidate.label,
          placement: o.candidate.placement,
          replicas: o.candidate.replicas,
          maxReplicas: o.candidate.maxReplicas,
          nodes: o.candidate.nodes,
          replications: o.replications,
          error: o.error,
          costPerYear: o.costPerYear,
          nodeHoursPerYear: o.nodeHoursPerYear,
          meetsAll: o.error === null && o.checks.length > 0 ? o.checks.every((c) => c.verdict === 'met') : o.error === null && o.result !== null,
          objectives: o.checks,
        };
  return {
    objectives: objectives.map((o) => ({ text: o.text, metric: o.metric, op: o.op, target: o.target, perYear: o.perYear })),
    confidence: perYear ? 'p90 year' : 'ci95',
    bounds,
    screened: run.screened,
    screenReplications: run.screenReplications,
    confirmed: run.confirmed,
    fullReplications: run.fullReplications,
    recommendation: entry(run.recommendation),
    runnerUp: entry(run.runnerUp),
    closest: entry(run.closest),
    candidates: run.outcomes.map(entry),
  };
}
