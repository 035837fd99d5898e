import { OUTCOME_NAMES } from '../../sim/model/traffic/outcomes.js';
import { mixtureQuantile, type ServiceTemplate } from '../../sim/model/traffic/service-template.js';
import type { FluidLatencyTemplates, TraceRecord } from '../../sim/trace/index.js';

/**
 * The explorer's time series, from a trace over a time window (no DOM here): throughput and failed
 * requests by cause in time buckets, endpoints in rotation and message backlogs as exact step and
 * piecewise-linear lines, and latency percentiles: from single requests in requests mode (when
 * they are traced), and in fluid mode from each increment's successes by latency, as the mixture
 * of hold-time templates the replication's own latency metrics use (sim/trace fluidLatencyTemplates).
 */

/** The causes of a failed request: every outcome but success (sim/model/traffic/outcomes.ts). */
export const FAILURE_CAUSES = OUTCOME_NAMES.filter((n) => n !== 'succeeded');
export type FailureCause = (typeof FAILURE_CAUSES)[number];

export const CAUSE_LABELS: Record<FailureCause, string> = {
  noEndpoint: 'no endpoint in rotation',
  connectionFailed: 'connection failed',
  rejected: 'rejected (queue full)',
  timedOut: 'timed out',
  lostInCrash: 'lost in a crash',
};

/** A value from `t` on (steps) or at `t` (lines), as [t, value]. */
export type Point = [number, number];

export interface Buckets {
  fromS: number;
  toS: number;
  widthS: number;
  count: number;
}

export interface TrafficSeries {
  /** Requests per second over each bucket, all workloads together. */
  arrived: number[];
  succeeded: number[];
  /** Requests failed in each bucket, by cause (a count, not a rate). */
  failed: Record<FailureCause, number[]>;
  /** Where the numbers come from: `fluid` increments (spread evenly over each increment) or single `requests`. */
  source: 'fluid' | 'requests';
}

export type LatencySeries =
  | { available: true; /** Milliseconds per bucket (NaN where no request ended). */ p50: number[]; p95: number[]; p99: number[]; count: number[] }
  | { available: false; reason: string };

export interface SeriesData {
  buckets: Buckets;
  /** null: the trace has no traffic records (no workload has traffic, or requests mode without requests traced). */
  traffic: TrafficSeries | null;
  /** Per workload: Ready pods (in the load balancer's rotation) and serving ones (Ready and answering), as steps over the window. */
  endpoints: Array<{ workload: string; ready: Point[]; serving: Point[] }>;
  /** Per message store (message processors, inbound endpoints): messages waiting, piecewise linear over the window. */
  backlog: Array<{ artifact: string; points: Point[] }>;
  latency: LatencySeries;
}

/** The bucket boundaries for a window: `count` equal buckets from fromS to toS. */
export function bucketsOf(fromS: number, toS: number, count: number): Buckets {
  const n = Math.max(1, Math.floor(count));
  const span = Math.max(toS - fromS, 1e-9);
  return { fromS, toS: fromS + span, widthS: span / n, count: n };
}

/** Calls `each(k, share)` for the buckets [a, z] overlaps, with the share of [a, z] in each (an instant: its bucket, share 1). */
function overlaps(b: Buckets, a: number, z: number, each: (k: number, share: number) => void): void {
  if (z < b.fromS || a > b.toS) return;
  if (!(z > a)) {
    const k = Math.min(b.count - 1, Math.floor((a - b.fromS) / b.widthS));
    if (k >= 0) each(k, 1);
    return;
  }
  const lo = Math.max(a, b.fromS);
  const hi = Math.min(z, b.toS);
  for (let k = Math.max(0, Math.floor((lo - b.fromS) / b.widthS)); k < b.count; k++) {
    const s = b.fromS + k * b.widthS;
    if (s >= hi) break;
    const overlap = Math.min(s + b.widthS, hi) - Math.max(s, lo);
    if (overlap > 0) each(k, overlap / (z - a));
  }
}

/** Adds `amount`, spread evenly over [a, z], to the buckets it overlaps (an instant: to its bucket). */
function spread(target: number[], b: Buckets, a: number, z: number, amount: number): void {
  if (amount !== 0) overlaps(b, a, z, (k, share) => (target[k]! += amount * share));
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** A step line cut to [fromS, toS]: the value at fromS, every change inside, the value held to toS. */
function clipSteps(changes: readonly Point[], fromS: number, toS: number): Point[] {
  const out: Point[] = [];
  let current = 0;
  for (const [t, v] of changes) {
    if (t <= fromS) current = v;
    else if (t < toS) {
      if (out.length === 0) out.push([fromS, current]);
      out.push([t, v]);
    } else break;
  }
  if (out.length === 0) out.push([fromS, current]);
  out.push([toS, out.at(-1)![1]]);
  return out;
}

/** End-to-end latency components of one bucket: [template, shift (s), weight], one per template and shift. */
type Mixture = Map<string, [ServiceTemplate, number, number]>;

/**
 * The series of a trace over [fromS, toS] in `count` buckets. Fluid increments are spread evenly
 * over their span (the model announces an increment when a flow changes, so a failure burst is its
 * own increment; a long quiet increment shows its mean rate). Fluid latencies need the templates
 * of the trace's workloads and stretches; without them the series says it has none.
 */
export function seriesOf(records: readonly TraceRecord[], fromS: number, toS: number, count = 200, templates: FluidLatencyTemplates | null = null): SeriesData {
  const b = bucketsOf(fromS, toS, count);
  const zeros = () => new Array<number>(b.count).fill(0);
  const arrived = zeros();
  const succeeded = zeros();
  const failed = Object.fromEntries(FAILURE_CAUSES.map((c) => [c, zeros()])) as Record<FailureCause, number[]>;
  let fluid = false;
  let requests = false;
  const latencies: number[][] = Array.from({ length: b.count }, () => []);
  const mixtures: Mixture[] = Array.from({ length: b.count }, () => new Map());
  let fluidLatency = false;
  /** Templates by workload, then stretch. */
  const templateOf = new Map(Object.entries(templates?.byWorkload ?? {}).map(([w, list]) => [w, new Map(list)]));
  const podWorkload = new Map<string, string>();
  const ready = new Map<string, Set<string>>();
  const readySteps = new Map<string, Point[]>();
  const servingSteps = new Map<string, Point[]>();
  const backlogFlow = new Map<string, Point[]>();
  const backlogState = new Map<string, Point[]>();
  const inWindow = (t: number) => t >= b.fromS && t <= b.toS;
  const bucketOf = (t: number) => Math.min(b.count - 1, Math.floor((t - b.fromS) / b.widthS));
  const steps = (map: Map<string, Point[]>, key: string, t: number, v: number) => {
    let list = map.get(key);
    if (list === undefined) map.set(key, (list = []));
    const last = list.at(-1);
    if (last !== undefined && last[0] === t) last[1] = v;
    else if (last === undefined || last[1] !== v) list.push([t, v]);
  };
  for (const r of records) {
    switch (r.kind) {
      case 'traffic.fluid': {
        fluid = true;
        const a = Number(r.fromS);
        const z = Number(r.toS);
        if (z < b.fromS || a > b.toS) break;
        spread(arrived, b, a, z, Number(r.arrived));
        const outcomes = r.outcomes as Record<string, number>;
        spread(succeeded, b, a, z, outcomes.succeeded ?? 0);
        for (const c of FAILURE_CAUSES) spread(failed[c], b, a, z, outcomes[c] ?? 0);
        const byStretch = templateOf.get(String(r.workload));
        if (templates === null || byStretch === undefined || !Array.isArray(r.latency)) break;
        for (const [stretch, frontS, waitS, weight] of r.latency as number[][]) {
          const template = byStretch.get(stretch!);
          if (template === undefined || !(weight! > 0)) continue;
          fluidLatency = true;
          const shift = templates.overheadS + frontS! + waitS!;
          const key = `${String(r.workload)} ${stretch} ${shift}`;
          overlaps(b, a, z, (k, share) => {
            const entry = mixtures[k]!.get(key);
            if (entry === undefined) mixtures[k]!.set(key, [template, shift, weight! * share]);
            else entry[2] += weight! * share;
          });
        }
        break;
      }
      case 'request.arrived':
        requests = true;
        if (inWindow(r.t)) arrived[bucketOf(r.t)]! += 1;
        break;
      case 'request.done': {
        requests = true;
        if (!inWindow(r.t)) break;
        const k = bucketOf(r.t);
        const outcome = String(r.outcome);
        if (outcome === 'succeeded') {
          succeeded[k]! += 1;
          if (typeof r.latencyS === 'number') latencies[k]!.push(r.latencyS * 1000);
        } else if (outcome in failed) failed[outcome as FailureCause][k]! += 1;
        break;
      }
      case 'pod.created':
        podWorkload.set(String(r.pod), String(r.workload));
        if (!ready.has(String(r.workload))) {
          ready.set(String(r.workload), new Set());
          steps(readySteps, String(r.workload), r.t, 0);
        }
        break;
      case 'pod.ready': {
        const w = podWorkload.get(String(r.pod));
        if (w === undefined) break;
        const set = ready.get(w)!;
        if (r.ready === true) set.add(String(r.pod));
        else set.delete(String(r.pod));
        steps(readySteps, w, r.t, set.size);
        break;
      }
      case 'workload.counts':
        steps(servingSteps, String(r.workload), r.t, Number(r.serving));
        break;
      case 'artifact.flow': {
        const name = String(r.artifact);
        let list = backlogFlow.get(name);
        if (list === undefined) backlogFlow.set(name, (list = []));
        const a = Number(r.fromS);
        const z = Number(r.toS);
        const last = list.at(-1);
        if (last === undefined || last[0] !== a || last[1] !== Number(r.backlogFrom)) list.push([a, Number(r.backlogFrom)]);
        list.push([z, Number(r.backlogTo)]);
        break;
      }
      case 'processor.state':
        steps(backlogState, String(r.artifact), r.t, Number(r.backlog));
        break;
    }
  }
  const traffic: TrafficSeries | null = fluid || requests
    ? { arrived: arrived.map((x) => x / b.widthS), succeeded: succeeded.map((x) => x / b.widthS), failed, source: fluid ? 'fluid' : 'requests' }
    : null;
  const workloads = [...new Set([...readySteps.keys(), ...servingSteps.keys()])];
  const endpoints = workloads.map((workload) => ({
    workload,
    ready: clipSteps(readySteps.get(workload) ?? [], b.fromS, b.toS),
    serving: clipSteps(servingSteps.get(workload) ?? [], b.fromS, b.toS),
  }));
  const backlog = [...backlogFlow.entries()].map(([artifact, points]) => ({ artifact, points: clipLine(points, b.fromS, b.toS) }));
  for (const [artifact, points] of backlogState) {
    if (!backlogFlow.has(artifact)) backlog.push({ artifact, points: clipSteps(points, b.fromS, b.toS) });
  }
  let latency: LatencySeries;
  if (requests && latencies.some((l) => l.length > 0)) {
    const sorted = latencies.map((l) => [...l].sort((x, y) => x - y));
    latency = { available: true, p50: sorted.map((l) => quantile(l, 0.5)), p95: sorted.map((l) => quantile(l, 0.95)), p99: sorted.map((l) => quantile(l, 0.99)), count: sorted.map((l) => l.length) };
  } else if (fluidLatency) {
    // Milliseconds, as the latency metrics are; NaN where no request succeeded.
    const components = mixtures.map((m) => [...m.values()]);
    const at = (q: number) => components.map((c) => (c.length === 0 ? NaN : mixtureQuantile(c, q) * 1000));
    const count = components.map((c) => c.reduce((sum, [, , w]) => sum + w, 0));
    latency = { available: true, p50: at(0.5), p95: at(0.95), p99: at(0.99), count };
  } else {
    latency = {
      available: false,
      reason: fluid
        ? 'No latencies over time: this trace’s flows (traffic.mode fluid) carry none, or no request succeeded in the window.'
        : 'The trace holds no single requests (requests are traced only on request), so it has no latencies over time.',
    };
  }
  return { buckets: b, traffic, endpoints, backlog, latency };
}

/** A piecewise-linear line cut to [fromS, toS], interpolated at the edges. */
function clipLine(points: readonly Point[], fromS: number, toS: number): Point[] {
  const out: Point[] = [];
  const at = (p: Point, q: Point, t: number): number => (q[0] === p[0] ? q[1] : p[1] + ((q[1] - p[1]) * (t - p[0])) / (q[0] - p[0]));
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const prev = points[i - 1];
    if (p[0] < fromS) continue;
    if (out.length === 0 && prev !== undefined && prev[0] < fromS) out.push([fromS, at(prev, p, fromS)]);
    if (p[0] > toS) {
      if (prev !== undefined && prev[0] <= toS) out.push([toS, at(prev, p, toS)]);
      break;
    }
    out.push(p);
  }
  return out;
}

/** The value of a step line at t (the last change at or before t). */
export function stepValueAt(points: readonly Point[], t: number): number | null {
  let v: number | null = null;
  for (const [x, y] of points) {
    if (x > t) break;
    v = y;
  }
  return v;
}
