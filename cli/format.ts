import { resolveBudget } from '../sim/model/kube/rollout.js';
import { metricAt, type MetricSummary, type PrecisionReport, type RunResult } from '../sim/experiment/index.js';
import type { Scenario } from '../sim/scenario/index.js';
import { formatDuration } from '../sim/scenario/units.js';
import { ARTIFACT_CAUSES, DUPLICATE_CAUSES, REQUEST_CAUSES } from '../sim/metrics/causes.js';

export type Kind = 'percent' | 'duration' | 'count' | 'hours' | 'rate' | 'ms' | 'plain';

interface Row {
  label: string;
  get: (r: RunResult) => MetricSummary | undefined;
  kind: Kind;
}

/** A metric's summary by its path in `metrics` (sim/experiment metricAt). */
export const at = metricAt;

/** A total's p90 or p99 across replications (the worst year in 10 or 100) as a summary the tables format. */
export function worstAt(r: RunResult, path: string, q: 'p90' | 'p99'): MetricSummary | undefined {
  const s = at(r, path)?.[q];
  return s === undefined ? undefined : { mean: s.value, ci95: s.ci95, min: null, max: null, n: r.replications };
}

/** A total's row, then its worst year in 10 and in 100. */
function withWorst(label: string, path: string, kind: Kind): Row[] {
  return [
    { label, get: (r) => at(r, path), kind },
    { label: `${label}: worst in 10 (p90)`, get: (r) => worstAt(r, path, 'p90'), kind },
    { label: `${label}: worst in 100 (p99)`, get: (r) => worstAt(r, path, 'p99'), kind },
  ];
}

const SERVICE_ROWS: Row[] = [
  { label: 'availability', get: (r) => at(r, 'service.availability'), kind: 'percent' },
  ...withWorst('downtime', 'service.downtimeS', 'duration'),
  { label: 'incidents', get: (r) => at(r, 'service.incidents'), kind: 'count' },
  { label: 'time to recover (mean)', get: (r) => at(r, 'service.mttrS'), kind: 'duration' },
  { label: 'degraded (fewer Ready than desired)', get: (r) => at(r, 'service.degradedFraction'), kind: 'percent' },
];

const plainSummary = (value: number | null): MetricSummary | undefined =>
  value === null ? undefined : { mean: value, ci95: [value, value], min: value, max: value, n: 1 };

const TRAFFIC_ROWS: Row[] = [
  { label: 'request success rate', get: (r) => at(r, 'service.requestSuccessRate'), kind: 'percent' },
  { label: 'throughput (requests/s)', get: (r) => at(r, 'service.throughputRps'), kind: 'rate' },
  { label: 'latency p50 (ms)', get: (r) => at(r, 'service.latencyMs.p50'), kind: 'ms' },
  { label: 'latency p95 (ms)', get: (r) => at(r, 'service.latencyMs.p95'), kind: 'ms' },
  { label: 'latency p99 (ms)', get: (r) => at(r, 'service.latencyMs.p99'), kind: 'ms' },
  { label: 'latency at the pod p99 (ms)', get: (r) => at(r, 'service.podLatencyMs.p99'), kind: 'ms' },
  { label: 'overloaded (offered above capacity)', get: (r) => at(r, 'service.overloadFraction'), kind: 'percent' },
  ...withWorst('failed (every cause)', 'service.requests.failed', 'count'),
  { label: 'failed: no endpoint', get: (r) => at(r, 'service.requests.noEndpoint'), kind: 'count' },
  { label: 'failed: connection failed', get: (r) => at(r, 'service.requests.connectionFailed'), kind: 'count' },
  { label: 'failed: rejected (queue full)', get: (r) => at(r, 'service.requests.rejected'), kind: 'count' },
  { label: 'failed: timed out', get: (r) => at(r, 'service.requests.timedOut'), kind: 'count' },
  { label: 'failed: lost in a crash', get: (r) => at(r, 'service.requests.lostInCrash'), kind: 'count' },
  { label: 'saturation throughput (requests/s)', get: (r) => plainSummary(r.saturationThroughputRps), kind: 'plain' },
];

const ROLLOUT_ROWS: Row[] = [
  { label: 'rollouts', get: (r) => at(r, 'rollouts.count'), kind: 'count' },
  { label: 'rollout time (mean)', get: (r) => at(r, 'rollouts.durationS.mean'), kind: 'duration' },
  { label: 'rollout time (p95)', get: (r) => at(r, 'rollouts.durationS.p95'), kind: 'duration' },
  { label: 'requests failed during rollouts', get: (r) => at(r, 'rollouts.failedRequests'), kind: 'count' },
  { label: 'pods above replicas at most (surge)', get: (r) => at(r, 'rollouts.peakExtraPods'), kind: 'count' },
];

const COST_ROWS: Row[] = [
  ...withWorst('node-hours', 'cost.nodeHours', 'hours'),
  ...withWorst("cost (at the scenario's prices)", 'cost.money', 'hours'),
  { label: 'pod-hours', get: (r) => at(r, 'cost.podHours'), kind: 'hours' },
  { label: 'CPU-request core-hours', get: (r) => at(r, 'cost.cpuCoreHours'), kind: 'hours' },
];

function workloadRows(results: RunResult[]): Row[] {
  const names: string[] = [];
  for (const r of results) for (const name of Object.keys((r.metrics.workloads ?? {}) as object)) if (!names.includes(name)) names.push(name);
  return names.flatMap((name) => {
    const rows: Row[] = [
      { label: `${name}: availability`, get: (r: RunResult) => at(r, `workloads.${name}.availability`), kind: 'percent' as const },
      { label: `${name}: incidents`, get: (r: RunResult) => at(r, `workloads.${name}.incidents`), kind: 'count' as const },
      ...causeRows(results, `workloads.${name}`, `${name}: downtime from `),
    ];
    if (results.some((r) => at(r, `workloads.${name}.replicasMean`))) {
      rows.push(
        { label: `${name}: replicas (mean)`, get: (r: RunResult) => at(r, `workloads.${name}.replicasMean`), kind: 'count' as const },
        { label: `${name}: replicas (fewest)`, get: (r: RunResult) => at(r, `workloads.${name}.replicasMin`), kind: 'rate' as const },
        { label: `${name}: replicas (most)`, get: (r: RunResult) => at(r, `workloads.${name}.replicasMax`), kind: 'rate' as const },
        { label: `${name}: pod-hours saved (vs. max replicas)`, get: (r: RunResult) => at(r, `workloads.${name}.podHoursSaved`), kind: 'hours' as const },
      );
    }
    return rows;
  });
}

/** A summary in milliseconds, in seconds (for the duration format). */
function inSeconds(s: MetricSummary | undefined): MetricSummary | undefined {
  if (s === undefined) return undefined;
  const k = (x: number | null): number | null => (x === null ? null : x / 1000);
  return { mean: k(s.mean), ci95: s.ci95 === null ? null : [s.ci95[0] / 1000, s.ci95[1] / 1000], min: k(s.min), max: k(s.max), n: s.n };
}

/** Stateful artifacts: per capability, then per artifact (docs/model.md §11.5). */
function artifactRows(results: RunResult[]): Row[] {
  const rows: Row[] = [];
  if (results.some((r) => at(r, 'capabilities.scheduledTasks.availability'))) {
    rows.push(
      { label: 'scheduled tasks running (all of them)', get: (r) => at(r, 'capabilities.scheduledTasks.availability'), kind: 'percent' },
      ...withWorst('scheduled tasks: missed executions', 'capabilities.scheduledTasks.missedExecutions', 'count'),
      ...withWorst('scheduled tasks: duplicate executions', 'capabilities.scheduledTasks.duplicateExecutions', 'count'),
      ...duplicateCauseRows(results, 'scheduled tasks: run twice from '),
    );
  }
  if (results.some((r) => at(r, 'capabilities.messageProcessors.availability'))) {
    rows.push(
      { label: 'message processors active (all of them)', get: (r) => at(r, 'capabilities.messageProcessors.availability'), kind: 'percent' },
      { label: 'message processors: deactivations', get: (r) => at(r, 'capabilities.messageProcessors.deactivations'), kind: 'count' },
      { label: 'message processors: messages dropped', get: (r) => at(r, 'capabilities.messageProcessors.missedExecutions'), kind: 'count' },
      ...againstOperatorRows(results, 'capabilities.messageProcessors', 'message processors: '),
    );
  }
  if (results.some((r) => at(r, 'capabilities.inboundEndpoints.availability'))) {
    rows.push(
      { label: 'inbound endpoints consuming (all of them)', get: (r) => at(r, 'capabilities.inboundEndpoints.availability'), kind: 'percent' },
      { label: 'inbound endpoints: messages lost', get: (r) => at(r, 'capabilities.inboundEndpoints.missedExecutions'), kind: 'count' },
      ...againstOperatorRows(results, 'capabilities.inboundEndpoints', 'inbound endpoints: '),
      { label: 'inbound endpoints: messages consumed twice or more', get: (r) => at(r, 'capabilities.inboundEndpoints.duplicateExecutions'), kind: 'count' },
    );
  }
  const names: string[] = [];
  for (const r of results) for (const name of Object.keys((r.metrics.artifacts ?? {}) as object)) if (!names.includes(name)) names.push(name);
  for (const name of names) {
    const p = `artifacts.${name}`;
    const flow = results.some((r) => at(r, `${p}.backlogMax`));
    const processor = results.some((r) => at(r, `${p}.deactivations`));
    rows.push(
      { label: `${name}: ${processor ? 'active' : flow ? 'consuming' : 'running'}`, get: (r) => at(r, `${p}.availability`), kind: 'percent' },
      ...causeRows(results, p, `${name}: down from `),
      { label: `${name}: takeover time (mean)`, get: (r) => at(r, `${p}.takeoverS.mean`), kind: 'duration' },
      { label: `${name}: takeover time (p95)`, get: (r) => at(r, `${p}.takeoverS.p95`), kind: 'duration' },
    );
    if (flow) {
      rows.push(
        { label: `${name}: messages ${processor ? 'delivered' : 'consumed'}`, get: (r) => at(r, `${p}.executions`), kind: 'count' },
        { label: `${name}: messages ${processor ? 'dropped' : 'lost'}`, get: (r) => at(r, `${p}.missedExecutions`), kind: 'count' },
        { label: `${name}: duplicate consumptions`, get: (r) => at(r, `${p}.duplicateExecutions`), kind: 'count' },
        { label: `${name}: backlog max (messages)`, get: (r) => at(r, `${p}.backlogMax`), kind: 'count' },
        { label: `${name}: delivery delay p99`, get: (r) => inSeconds(at(r, `${p}.deliveryDelayMs.p99`)), kind: 'duration' },
      );
      if (processor) rows.push({ label: `${name}: deactivations`, get: (r) => at(r, `${p}.deactivations`), kind: 'count' });
      rows.push({ label: `${name}: two or more consuming at once`, get: (r) => at(r, `${p}.parallelFraction`), kind: 'percent' });
      rows.push(...againstOperatorRows(results, p, `${name}: `));
    } else {
      rows.push(
        { label: `${name}: missed executions`, get: (r) => at(r, `${p}.missedExecutions`), kind: 'count' },
        { label: `${name}: duplicate executions`, get: (r) => at(r, `${p}.duplicateExecutions`), kind: 'count' },
      );
    }
  }
  return rows;
}

/** Decimals that show a value's confidence half-width to about two significant digits. */
function decimalsFor(halfWidth: number, min: number, max: number): number {
  if (!(halfWidth > 0)) return min;
  return Math.max(min, Math.min(max, Math.ceil(-Math.log10(halfWidth)) + 1));
}

/** Words of `text` in lines of at most `width` characters: the first starts with `first`, the others with `rest`. */
export function wrapWords(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${rest}${word}`;
    } else line = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

/** A number with `d` decimals and thousands separators: 1,051,200.0. */
export function grouped(x: number, d: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** A mean with its 95% CI half-width, in the row's unit. */
export function formatCell(s: MetricSummary | undefined, kind: Kind): string {
  if (s === undefined) return '';
  if (s.mean === null) return 'n/a';
  if (kind === 'plain') return Math.round(s.mean).toLocaleString('en-US');
  if (s.ci95 === null) return `${formatCell({ ...s, ci95: [s.mean, s.mean] }, kind).replace(/ ±.*$/, '')} (n=${s.n})`;
  const hw = (s.ci95[1] - s.ci95[0]) / 2;
  switch (kind) {
    case 'percent': {
      const d = decimalsFor(hw * 100, 2, 6);
      return `${(s.mean * 100).toFixed(d)}% ±${(hw * 100).toFixed(d)}`;
    }
    case 'duration': {
      const [unit, size] = Math.abs(s.mean) >= 7200 ? ['h', 3600] : Math.abs(s.mean) >= 120 ? ['min', 60] : ['s', 1];
      const d = decimalsFor(hw / (size as number), 1, 3);
      return `${(s.mean / (size as number)).toFixed(d)} ${unit} ±${(hw / (size as number)).toFixed(d)}`;
    }
    case 'count': {
      // No more than about nine significant digits: decimals of a billion are float noise.
      const digits = Math.abs(s.mean) >= 1 ? Math.floor(Math.log10(Math.abs(s.mean))) + 1 : 1;
      const d = Math.min(decimalsFor(hw, 1, 3), Math.max(0, 9 - digits));
      return `${grouped(s.mean, d)} ±${grouped(hw, d)}`;
    }
    case 'hours':
      return `${Math.round(s.mean).toLocaleString('en-US')} ±${Math.round(hw).toLocaleString('en-US')}`;
    case 'rate': {
      const d = decimalsFor(hw, 0, 2);
      return `${s.mean.toFixed(d)} ±${hw.toFixed(d)}`;
    }
    case 'ms': {
      const d = decimalsFor(hw, 1, 2);
      return `${s.mean.toFixed(d)} ±${hw.toFixed(d)}`;
    }
  }
}

function table(header: string[], sections: Array<[string, Row[]]>, results: RunResult[], differences = false): string {
  const lines: string[][] = [header];
  const cell = (s: MetricSummary | undefined, kind: Kind) => {
    const text = formatCell(s, kind);
    if (!differences || s?.ci95 == null || text === '' || kind === 'plain') return text;
    return s.ci95[0] > 0 || s.ci95[1] < 0 ? `${text} *` : `${text}  `;
  };
  for (const [title, rows] of sections) {
    if (rows.length === 0) continue;
    lines.push([title, ...results.map(() => '')]);
    for (const row of rows) lines.push([`  ${row.label}`, ...results.map((r) => cell(row.get(r), row.kind))]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines
    .map((l, k) => {
      const text = l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ').trimEnd();
      return k === 0 ? `${text}\n${'-'.repeat(text.length)}` : text;
    })
    .join('\n');
}

/** Characters of a scenario name shown in a table column, a heading or a warning. */
const MAX_NAME_CHARS = 40;

/** A scenario name as the tables show it: cut to MAX_NAME_CHARS with an ellipsis (names are free text of any length). */
export function clipName(name: string, max = MAX_NAME_CHARS): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

export function describeRun(r: RunResult): string {
  return `${r.replications} replication${r.replications === 1 ? '' : 's'} x ${formatDuration(r.horizonS)} (first ${formatDuration(r.warmupS)} not measured), seed ${r.seed}, engine ${r.engineVersion}`;
}

/**
 * `--precision`: the replications it took and where each target stands. With several scenarios
 * (compare, a sweep's points; `labels` names them), each metric's line is the scenario farthest
 * from its target, and how many met it.
 */
export function formatPrecision(reports: readonly PrecisionReport[], labels: readonly string[] = []): string {
  const p = reports[0]!;
  const lines = [
    '',
    `precision: ${p.replications.toLocaleString('en-US')} replications${reports.length > 1 ? ' each' : ''}; ${p.met ? 'every target met' : `a target missed at the most allowed (--max-replications ${p.maxReplications.toLocaleString('en-US')})`}`,
  ];
  const metrics = [...new Set(reports.flatMap((r) => r.metrics.map((m) => m.metric)))];
  for (const metric of metrics) {
    const standing = reports.flatMap((r, k) => r.metrics.filter((m) => m.metric === metric).map((m) => ({ m, k })));
    const worst = standing.reduce((a, b) => (shortfall(b.m) > shortfall(a.m) ? b : a));
    const { m } = worst;
    const reached = m.halfWidth === null ? 'no interval yet' : m.relative ? (m.relativeHalfWidth === null ? `±${m.halfWidth} (mean 0)` : `±${(m.relativeHalfWidth * 100).toPrecision(3)}% of the mean`) : `±${m.halfWidth.toPrecision(3)}`;
    const target = m.relative ? `${(m.target * 100).toPrecision(3)}%` : `${m.target}`;
    if (reports.length === 1) lines.push(`  ${metric}: ${reached} (target ${target}) ${m.met ? 'met' : 'MISSED'}`);
    else {
      const met = standing.filter((x) => x.m.met).length;
      lines.push(`  ${metric}: widest ${reached} at ${labels[worst.k] ?? `scenario ${worst.k + 1}`} (target ${target}); met in ${met} of ${standing.length}${met < standing.length ? ', MISSED' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** How far a metric is from its target: its half-width over the target (Infinity with no interval, or a relative target and a mean of 0). */
function shortfall(m: PrecisionReport['metrics'][number]): number {
  if (m.halfWidth === 0) return 0;
  if (m.halfWidth === null) return Infinity;
  if (!m.relative) return m.halfWidth / m.target;
  return m.relativeHalfWidth === null ? Infinity : m.relativeHalfWidth / m.target;
}

/** The readable report of `deploysim run`. */
export function formatRun(r: RunResult): string {
  const head = [`${clipName(r.scenario)}${r.description ? `: ${firstSentence(r.description)}` : ''}`, describeRun(r), ''];
  const body = table(['metric (mean ±95% CI half-width, per replication)', clipName(r.scenario)], sections([r]), [r]);
  return `${head.join('\n')}\n${body}\n${readingNote(false, artifactRows([r]).length > 0)}`;
}

/**
 * The side-by-side table of `deploysim compare`; with a baseline (--baseline, its position), also
 * each other scenario's paired differences from it, a star on those whose 95% CI excludes 0.
 */
export function formatCompare(results: RunResult[], baseline: number | null = null, labels: readonly string[] = []): string {
  if (results.length === 0) return '';
  const head = [`Comparing ${results.length} scenarios on common random numbers`, describeRun(results[0]!), ''];
  const name = (k: number) => clipName(labels[k] ?? results[k]!.scenario);
  const body = table(['metric (mean ±95% CI half-width, per replication)', ...results.map((_, k) => name(k))], sections(results), results);
  let diffs = '';
  if (baseline !== null && results.length > 1) {
    const others = results.map((_, k) => k).filter((k) => k !== baseline);
    // The differences in place of the metrics, so that the same rows read them.
    const asResults = others.map((k) => ({ ...results[k]!, metrics: results[k]!.pairedDifferences?.metrics ?? {}, saturationThroughputRps: null }));
    const title = `paired difference from ${name(baseline)} (* the 95% CI excludes 0)`;
    diffs = `\n\n${table([title, ...others.map(name)], sections(results), asResults, true)}`;
  }
  return `${head.join('\n')}\n${body}${diffs}\n${readingNote(true, artifactRows(results).length > 0)}`;
}

/** What each cause (of downtime, failed requests, duplicate runs: sim/metrics/causes.ts) is called in the tables. */
export const CAUSE_LABELS: Record<string, string> = {
  duplicateNodeCheck: 'duplicate-node check',
  coordinationDb: 'coordination database',
  backend: 'backend failure',
  nodeCrash: 'node crash',
  nodePartition: 'node partition',
  nodeDrain: 'node drain',
  containerCrash: 'container crash',
  containerHang: 'container hang',
  jvmPause: 'JVM pause',
  rollout: 'rollout',
  scale: 'scale change',
  capacityPacked: 'capacity: pods packed on a node',
  capacityPending: 'capacity: pod pending',
  startup: 'start-up',
  operator: 'operator deactivation',
  other: 'other',
  overload: 'overload',
  clockSkew: 'clock skew',
  uncoordinated: 'no coordination (every server runs it)',
};

/** Time and messages run against the operator's intended state, where some result has any (registry: local). */
function againstOperatorRows(results: RunResult[], prefix: string, label: string): Row[] {
  if (!results.some((r) => (at(r, `${prefix}.againstOperatorS`)?.mean ?? 0) > 0)) return [];
  return [
    { label: `${label}time against the operator's state`, get: (r) => at(r, `${prefix}.againstOperatorS`), kind: 'duration' },
    { label: `${label}messages against the operator's state`, get: (r) => at(r, `${prefix}.againstOperatorMessages`), kind: 'count' },
  ];
}

/** Rows `<label><cause>` of the `causes` some result has a non-zero value for, in the labels' order. */
function byCauseRows(results: RunResult[], causes: readonly string[], pathOf: (cause: string) => string, label: string, kind: Kind): Row[] {
  return Object.keys(CAUSE_LABELS)
    .filter((cause) => causes.includes(cause) && results.some((r) => (at(r, pathOf(cause))?.mean ?? 0) > 0))
    .map((cause) => ({ label: `${label}${CAUSE_LABELS[cause]}`, get: (r: RunResult) => at(r, pathOf(cause)), kind }));
}

/** `downtime: <cause>` rows of a service, workload or artifact (`prefix`). */
function causeRows(results: RunResult[], prefix: string, label: string): Row[] {
  return byCauseRows(results, ARTIFACT_CAUSES, (cause) => `${prefix}.downtimeByCauseS.${cause}`, label, 'duration');
}

/** `failed from <cause>` rows of the service. */
function failedCauseRows(results: RunResult[], label = 'failed from '): Row[] {
  return byCauseRows(results, REQUEST_CAUSES, (cause) => `service.requests.failedByCause.${cause}`, label, 'count');
}

/** Scheduled tasks' `run twice from <cause>` rows. */
function duplicateCauseRows(results: RunResult[], label: string): Row[] {
  return byCauseRows(results, DUPLICATE_CAUSES, (cause) => `capabilities.scheduledTasks.duplicatesByCause.${cause}`, label, 'count');
}

/** A table's rows as text: a label and a cell per result, each as --detail prints it. */
export interface TextRow {
  label: string;
  cells: string[];
}

/** Rows of the --detail table as text; with `blankZero`, a mean of exactly 0 (none in any replication) as ''. */
function textRows(rows: readonly Row[], results: readonly RunResult[], blankZero = false): TextRow[] {
  return rows.map((row) => ({
    label: row.label,
    cells: results.map((r) => {
      const s = row.get(r);
      return blankZero && s?.mean === 0 ? '' : formatCell(s, row.kind);
    }),
  }));
}

/**
 * What caused the service's downtime, its failed requests and its scheduled tasks' duplicate runs
 * (the --detail rows `downtime from`, `failed from` and `run twice from`): a table each, a row per
 * cause some result has (totals per replication, mean ±95% CI half-width; '' where a result has none).
 */
export function causeTables(results: readonly RunResult[]): Array<{ key: 'downtime' | 'failed' | 'duplicates'; title: string; rows: TextRow[] }> {
  const all = [...results];
  return [
    { key: 'downtime' as const, title: 'service downtime by cause', rows: textRows(causeRows(all, 'service', ''), all, true) },
    { key: 'failed' as const, title: 'failed requests by cause', rows: textRows(failedCauseRows(all, ''), all, true) },
    { key: 'duplicates' as const, title: 'scheduled tasks: duplicate runs by cause', rows: textRows(duplicateCauseRows(all, ''), all, true) },
  ].filter((t) => t.rows.length > 0);
}

/**
 * The worst years (the --detail rows `worst in 10 (p90)` and `worst in 100 (p99)`) of the totals
 * an SLA is judged on: downtime, failed requests, missed and duplicate task runs, cost; each total
 * that some result has, its mean, then its p90 and p99 across the replications.
 */
export function worstYearRows(results: readonly RunResult[]): TextRow[] {
  const totals: Array<[string, string, Kind]> = [
    ['downtime', 'service.downtimeS', 'duration'],
    ['failed requests', 'service.requests.failed', 'count'],
    ['missed task runs', 'capabilities.scheduledTasks.missedExecutions', 'count'],
    ['duplicate task runs', 'capabilities.scheduledTasks.duplicateExecutions', 'count'],
    ["cost (at the scenario's prices)", 'cost.money', 'hours'],
  ];
  const rows = totals.filter(([, path]) => results.some((r) => at(r, path) !== undefined)).flatMap(([label, path, kind]) => withWorst(label, path, kind));
  return textRows(rows, results);
}

function sections(results: RunResult[]): Array<[string, Row[]]> {
  return [
    ['service', [...SERVICE_ROWS.slice(0, 4), ...causeRows(results, 'service', 'downtime from '), ...SERVICE_ROWS.slice(4)]],
    ['requests', results.some((r) => at(r, 'service.requestSuccessRate')) ? [...TRAFFIC_ROWS.slice(0, -1), ...failedCauseRows(results), ...TRAFFIC_ROWS.slice(-1)] : []],
    ['workloads', workloadRows(results)],
    ['rollouts (rolling-update faults)', results.some((r) => at(r, 'rollouts.count')) ? ROLLOUT_ROWS : []],
    ['stateful artifacts', artifactRows(results)],
    ['cost', COST_ROWS],
  ];
}

function readingNote(compare: boolean, withArtifacts: boolean): string {
  const lines = [
    '',
    'service: up while every traffic-serving workload would serve a request (with traffic: its load',
    'balancer has a serving upstream in rotation; without: it has a pod Ready, server running).',
    'workloads: the same per Deployment; one that serves no traffic is up while a server runs.',
    'Downtime, incidents, failed requests and cost are totals per replication (one horizon).',
    'downtime from X: the downtime that X started (the cause stamped on the last pod lost); the causes',
    'sum to the downtime. Pods packed: a node took two or more of them at once while another was up.',
  ];
  lines.push('worst in 10 / in 100: the 90th / 99th percentile of the replications (with one-year ones,', 'the worst year in 10 / in 100), with an order-statistic interval; (n=...) where too few bound it.');
  if (withArtifacts) {
    lines.push(
      'stateful artifacts: running (active, consuming) = time some server runs it (a message processor',
      'not deactivated; an inbound endpoint getting messages); takeover = from the last server losing it',
      'to the next one running it (pooled over replications; p95 interval from order statistics; a gap',
      'still open at the horizon counts up to it, a lower bound);',
      'missed = slots no server ran; duplicate = fires of the same slot, or copies of the same message,',
      'on a second server; backlog and delivery delay are those of the store the artifact consumes.',
    );
  }
  if (compare) {
    lines.push(
      'Every scenario ran on the same random streams, so differences between columns come from the',
      'patterns, not from luck; paired differences with their CIs are in the --json output (and in the',
      'table with --baseline NAME).',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function firstSentence(text: string): string {
  const s = text.trim().split(/(?<=\.)\s/)[0]!;
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/**
 * The warning `deploysim run` prints (once, on stderr) when a scenario runs a stateful artifact on
 * more than one server without coordination: each such artifact, where it runs and the duplicate
 * executions it caused. Null when there is none.
 */
/** Whether competing consumers of this artifact share one ordered stream (and so lose its order). */
function sharesInOrder(a: Scenario['workloads'][number]['artifacts'][number]): boolean {
  if (a.kind === 'message-processor') return true;
  if (a.kind !== 'inbound-endpoint') return false;
  return a.protocol === 'rabbitmq' || (a.protocol === 'jms' && a.destination === 'queue');
}

export function uncoordinatedWarning(scenario: Scenario, result: RunResult): string | null {
  const servers = new Map<string, { uncoordinated: string[]; count: number; task: boolean; ordered: boolean }>();
  for (const w of scenario.workloads) {
    for (const a of w.artifacts) {
      let entry = servers.get(a.name);
      if (entry === undefined) servers.set(a.name, (entry = { uncoordinated: [], count: 0, task: a.kind === 'scheduled-task', ordered: sharesInOrder(a) }));
      if (a.pinnedServers.length > 0) entry.count += Math.min(w.replicas, a.pinnedServers.length);
      else if (w.coordination && a.coordination) entry.count += w.replicas > 0 ? 1 : 0;
      else {
        entry.count += w.replicas;
        if (w.replicas > 1) entry.uncoordinated.push(`${w.replicas} replicas of ${w.name}`);
        else if (w.replicas === 1) entry.uncoordinated.push(`${w.name}`);
      }
    }
  }
  const lines: string[] = [];
  for (const [name, e] of servers) {
    if (e.count < 2 || e.uncoordinated.length === 0) continue;
    const dupes = at(result, `artifacts.${name}.duplicateExecutions`)?.mean ?? null;
    const parallel = e.task ? null : (at(result, `artifacts.${name}.parallelFraction`)?.mean ?? null);
    const what = e.task ? 'duplicate executions' : 'duplicate consumptions';
    let caused = dupes === null ? '' : `: ${grouped(dupes, 0)} ${what} per replication (mean)`;
    if (parallel !== null && parallel > 0) caused += `, two or more consuming ${(parallel * 100).toPrecision(3)}% of the time${e.ordered ? ' (message order lost)' : ''}`;
    lines.push(`  ${name} runs on ${e.uncoordinated.join(' and ')} without coordination${caused}`);
  }
  if (lines.length === 0) return null;
  return (
    `warning: scenario ${clipName(scenario.name)} runs stateful artifacts on more than one server without coordination:\n${lines.join('\n')}\n` +
    '  (give the workload coordination: true, or keep each artifact in a one-replica Deployment)\n'
  );
}

/**
 * Scripted faults that will hit nothing: a `podIndex` beyond every replica count the workload is
 * ever given (its replicas, or a `scale` fault's). Printed once on stderr; the run goes on.
 */
export function idleFaultWarning(scenario: Scenario): string | null {
  const most = new Map<string, number>();
  for (const w of scenario.workloads) most.set(w.name, w.replicas);
  for (const f of scenario.faults) if (f.type === 'scale') most.set(f.workload, Math.max(most.get(f.workload) ?? 0, f.replicas));
  // A rollout runs up to maxSurge pods more.
  for (const w of scenario.workloads) {
    const st = w.strategy;
    if (st.type !== 'RollingUpdate' || !scenario.faults.some((f) => f.type === 'rolling-update' && f.workload === w.name)) continue;
    const n = most.get(w.name) ?? 0;
    most.set(w.name, n + resolveBudget(st.maxSurge, n, true));
  }
  const lines: string[] = [];
  scenario.faults.forEach((f, i) => {
    if (!('podIndex' in f)) return;
    const target = 'nodeOf' in f && f.nodeOf !== undefined ? f.nodeOf : 'workload' in f ? f.workload : undefined;
    if (target === undefined) return;
    const n = most.get(target) ?? 0;
    if (f.podIndex < n) return;
    lines.push(`  faults[${i}] (${f.type}) names pod index ${f.podIndex} of ${target}, which never has more than ${n} pod${n === 1 ? '' : 's'}: it does nothing`);
  });
  if (lines.length === 0) return null;
  return `warning: scenario ${clipName(scenario.name)} has faults that hit nothing:\n${lines.join('\n')}\n`;
}
