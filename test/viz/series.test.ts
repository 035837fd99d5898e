import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario/index.js';
import { fluidLatencyTemplates, traceReplication, type TraceRecord } from '../../sim/trace/index.js';
import { clusterAt } from '../../viz/data/cluster-state.js';
import { bucketsOf, FAILURE_CAUSES, seriesOf, stepValueAt } from '../../viz/data/series.js';
import { builtin } from '../helpers/scenario.js';

function trace(scenario: Scenario, requests = false): { records: TraceRecord[]; values: Map<string, number> } {
  const records: TraceRecord[] = [];
  const outcome = traceReplication(scenario, scenario.seed, 0, (r) => records.push(r), { requests });
  return { records, values: new Map(outcome.values) };
}

const sum = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0);
const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('time series from a trace', () => {
  const scenario = builtin('single-replica', ['horizon=60d']);
  const { records, values } = trace(scenario);

  it('counts every request of the measured window once: the buckets add up to the replication’s metrics', () => {
    for (const count of [1, 7, 300]) {
      const s = seriesOf(records, scenario.warmup, scenario.horizon, count);
      const width = s.buckets.widthS;
      expect(s.traffic!.source).toBe('fluid');
      close(sum(s.traffic!.arrived) * width, values.get('service.requests.arrived')!);
      close(sum(s.traffic!.succeeded) * width, values.get('service.requests.succeeded')!);
      for (const cause of FAILURE_CAUSES) close(sum(s.traffic!.failed[cause]), values.get(`service.requests.${cause}`)!);
    }
    // The single replica fails requests when its pod or node is down: some bucket shows it.
    const s = seriesOf(records, scenario.warmup, scenario.horizon, 300);
    expect(Math.max(...s.traffic!.failed.noEndpoint)).toBeGreaterThan(0);
  });

  it('gives the fluid latency percentiles over time: over the measured window as one bucket, the replication’s own p50, p95 and p99', () => {
    const templates = fluidLatencyTemplates(scenario, records);
    expect(Object.keys(templates.byWorkload).length).toBeGreaterThan(0);
    const whole = seriesOf(records, scenario.warmup, scenario.horizon, 1, templates);
    expect(whole.latency.available).toBe(true);
    if (!whole.latency.available) return;
    // The same mixture, summed in another order: equal to the bisection's precision (1e-6 of the value).
    for (const q of ['p50', 'p95', 'p99'] as const) close(whole.latency[q][0]!, values.get(`service.latencyMs.${q}`)!, 1e-6);
    // (Successes a crash took back count in the metric, not in the latency mixture: 30 in 1e9 here.)
    close(whole.latency.count[0]!, values.get('service.requests.succeeded')!, 1e-6);
    // Over time: every bucket with successes has ordered percentiles; a bucket when the pod was down
    // (no success in it) has none.
    const s = seriesOf(records, scenario.warmup, scenario.horizon, 300, templates);
    if (!s.latency.available) throw new Error('no latency series');
    let withSuccesses = 0;
    s.latency.p50.forEach((p50, k) => {
      if (s.traffic!.succeeded[k]! > 0) {
        withSuccesses++;
        expect(p50).toBeGreaterThan(0);
        expect(s.latency.available && p50 <= s.latency.p95[k]! && s.latency.p95[k]! <= s.latency.p99[k]!).toBe(true);
      }
    });
    expect(withSuccesses).toBeGreaterThan(250);
    // Without the templates the page says why there is no latency line.
    expect(seriesOf(records, scenario.warmup, scenario.horizon, 10).latency.available).toBe(false);
  });

  it('splits a window into equal buckets and spreads each increment over the ones it spans', () => {
    const b = bucketsOf(100, 400, 3);
    expect(b).toEqual({ fromS: 100, toS: 400, widthS: 100, count: 3 });
    const fake: TraceRecord[] = [{ n: 1, t: 350, kind: 'traffic.fluid', workload: 'w', fromS: 50, toS: 350, arrived: 300, outcomes: { succeeded: 290, timedOut: 10 } }];
    const s = seriesOf(fake, 100, 400, 3);
    expect(s.traffic!.arrived).toEqual([1, 1, 0.5]);
    [10 / 3, 10 / 3, 5 / 3].forEach((x, k) => expect(s.traffic!.failed.timedOut[k]).toBeCloseTo(x, 9));
    // Half of a window: half of the requests.
    const day = 86400;
    const whole = seriesOf(records, 10 * day, 20 * day, 10);
    const first = seriesOf(records, 10 * day, 15 * day, 5);
    close(sum(first.traffic!.arrived), sum(whole.traffic!.arrived.slice(0, 5)), 1e-9);
  });

  it('gives the endpoints in rotation the cluster view shows, as steps over the window', () => {
    const day = 86400;
    const s = seriesOf(records, 0, 60 * day, 10);
    const mi = s.endpoints.find((e) => e.workload === 'mi')!;
    expect(mi.ready[0]![0]).toBe(0);
    expect(mi.ready.at(-1)![0]).toBe(60 * day);
    for (const t of [1000.5, 3 * day + 0.5, ...records.filter((r) => r.kind === 'pod.ready').slice(0, 40).map((r) => r.t + 0.001)]) {
      const state = clusterAt(records, t);
      expect(stepValueAt(mi.ready, t), `at ${t}`).toBe(state.workloads.find((w) => w.name === 'mi')!.endpoints.length);
      const counts = records.filter((r) => r.kind === 'workload.counts' && r.t <= t).at(-1);
      expect(stepValueAt(mi.serving, t)).toBe(counts === undefined ? 0 : counts.serving);
    }
    // A zoomed window starts with the value then.
    const t0 = 2 * day + 0.25;
    const zoomed = seriesOf(records, t0, t0 + 3600, 10).endpoints.find((e) => e.workload === 'mi')!;
    expect(zoomed.ready[0]).toEqual([t0, stepValueAt(mi.ready, t0)]);
  });

  it('draws each message store’s backlog as the model integrated it, cut to the window', () => {
    const s = seriesOf(records, 0, 60 * 86400, 10);
    const processor = s.backlog.find((b) => b.artifact === 'orderForwardingProcessor')!;
    expect(processor.points.length).toBeGreaterThan(2);
    for (const [, v] of processor.points) expect(v).toBeGreaterThanOrEqual(0);
    const flows = records.filter((r) => r.kind === 'artifact.flow' && r.artifact === 'orderForwardingProcessor');
    const biggest = flows.reduce((a, r) => (Number(r.backlogTo) > Number(a.backlogTo) ? r : a));
    expect(processor.points).toContainEqual([biggest.toS, biggest.backlogTo]);
    // Cut to a window: interpolated at its edges.
    const f = flows.find((r) => Number(r.toS) - Number(r.fromS) > 10 && r.backlogFrom !== r.backlogTo)!;
    const mid = (Number(f.fromS) + Number(f.toS)) / 2;
    const cut = seriesOf(records, mid, Number(f.toS) + 1, 4).backlog.find((b) => b.artifact === 'orderForwardingProcessor')!;
    close(cut.points[0]![1], (Number(f.backlogFrom) + Number(f.backlogTo)) / 2, 1e-9);
    expect(cut.points[0]![0]).toBe(mid);
  });

  it('has latencies when the trace holds requests or fluid latencies with their templates, and says why not otherwise', () => {
    const fluid = seriesOf(records, 0, scenario.horizon, 10);
    expect(fluid.latency.available).toBe(false);
    if (!fluid.latency.available) expect(fluid.latency.reason).toMatch(/fluid/);
    const stripped = records.map((r) => (r.kind === 'traffic.fluid' ? { ...r, latency: [] } : r));
    expect(seriesOf(stripped, 0, scenario.horizon, 10, fluidLatencyTemplates(scenario, records)).latency.available).toBe(false);
    const rolling = builtin('rolling-update', ['horizon=40m', 'faults=[]']);
    const plain = trace(rolling);
    const noRequests = seriesOf(plain.records, 0, rolling.horizon, 10);
    expect(noRequests.traffic).toBeNull();
    expect(noRequests.latency.available).toBe(false);
    const withRequests = trace(rolling, true);
    const s = seriesOf(withRequests.records, rolling.warmup, rolling.horizon, 12);
    expect(s.traffic!.source).toBe('requests');
    close(sum(s.traffic!.arrived) * s.buckets.widthS, withRequests.values.get('service.requests.arrived')!, 1e-3);
    expect(s.latency.available).toBe(true);
    if (s.latency.available) {
      // Per bucket, p50 <= p95 <= p99, and the typical median near the replication's.
      for (let k = 0; k < 12; k++) {
        expect(s.latency.p50[k]!).toBeLessThanOrEqual(s.latency.p95[k]!);
        expect(s.latency.p95[k]!).toBeLessThanOrEqual(s.latency.p99[k]!);
      }
      const p50 = [...s.latency.p50].sort((a, b) => a - b)[6]!;
      expect(Math.abs(p50 - withRequests.values.get('service.latencyMs.p50')!) / p50).toBeLessThan(0.1);
    }
  });
});
