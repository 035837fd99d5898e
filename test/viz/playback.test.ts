import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../sim/scenario/index.js';
import { traceReplication, type TraceRecord } from '../../sim/trace/index.js';
import { ClusterTracker } from '../../viz/data/cluster-state.js';
import { advanceTime, clampTime, durationText, faultEntry, faultOverrides, faultTarget, metricChanges, sameRecord, sharedPrefix, SPEEDS } from '../../viz/data/playback.js';

/** A built-in scenario from its text, as the page's worker loads it, with overrides. */
function load(name: string, overrides: string[] = []): Scenario {
  const text = readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8');
  const r = loadScenarioText(text, `${name}.yaml`, overrides);
  if (r.scenario === undefined) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

function trace(scenario: Scenario, replication = 0): { records: TraceRecord[]; values: Map<string, number> } {
  const records: TraceRecord[] = [];
  const outcome = traceReplication(scenario, scenario.seed, replication, (r) => records.push(r));
  return { records, values: new Map(outcome.values) };
}

/** The same replication with a node crash added at tS: the K-th fault after the scenario's own. */
function withNodeCrash(name: string, base: string[], tS: number, node: string): { scenario: Scenario; overrides: string[] } {
  const k = load(name, base).faults.length;
  const overrides = [...base, `faults[${k}].type=node-crash`, `faults[${k}].at=${durationText(tS)}`, `faults[${k}].node=${node}`];
  return { scenario: load(name, overrides), overrides };
}

describe('what-if: the same replication with a fault added at t', () => {
  // The node crashed is worker-2 (worker-1 for the single replica's one-node cluster).
  const cases: Array<[string, string[], number[]]> = [
    ['multiple-replicas-coordination', ['horizon=30d'], [3600.5, 9 * 86400 + 0.25, 17.3 * 86400 + 1234.5678]],
    ['single-replica', ['horizon=30d'], [3600.5, 12.5 * 86400 + 0.125]],
    ['uncoordinated-replicas', ['horizon=20d'], [2 * 86400 + 0.5]],
    ['isolated-stateful-pods', ['horizon=20d'], [5 * 86400 + 7.75]],
    ['autoscaling', ['horizon=3d'], [1.5 * 86400 + 0.5]],
    ['rolling-update', [], [3600, 3000.5]],
  ];
  for (const [name, base, times] of cases) {
    const node = name === 'single-replica' ? 'worker-1' : 'worker-2';
    it(`${name}: a node-crash of ${node} added at t leaves every record before t identical`, () => {
      const before = trace(load(name, base));
      for (const tS of times) {
        const { scenario } = withNodeCrash(name, base, tS, node);
        expect(scenario.faults.at(-1)).toMatchObject({ type: 'node-crash', at: tS, node });
        const after = trace(scenario);
        const prefix = sharedPrefix(before.records, after.records, tS);
        expect(prefix.firstDifference, `first difference before ${tS}`).toBeUndefined();
        expect(prefix.identical).toBe(true);
        expect(prefix.compared).toBe(before.records.filter((r) => r.t < tS).length);
        expect(prefix.compared).toBeGreaterThan(0);
        // And the crash happened then (or was not applied because the node was already down).
        expect(faultTarget(after.records, 'node-crash', tS)).toMatch(new RegExp(`^${node}( \\(not applied: already down\\))?$`));
        // Something changed from t on.
        expect(sharedPrefix(before.records, after.records, Infinity).identical).toBe(false);
      }
    });
  }

  it('sees a difference before t when there is one, ignoring the event numbers', () => {
    const { records } = trace(load('multiple-replicas', ['horizon=5d']));
    const shifted = records.map((r) => ({ ...r, n: r.n + 1 }));
    expect(sharedPrefix(records, shifted, Infinity)).toEqual({ identical: true, compared: records.length });
    const changed = records.map((r, i) => (i === 10 ? { ...r, t: r.t + 1e-9 } : r));
    expect(sharedPrefix(records, changed, Infinity).firstDifference).toEqual({ index: 10, before: records[10], after: changed[10] });
    const fields = records.map((r) => (r.kind === 'traffic.fluid' ? { ...r, outcomes: { ...(r.outcomes as Record<string, number>), extra: 1 } } : r));
    const k = records.findIndex((r) => r.kind === 'traffic.fluid');
    expect(sharedPrefix(records, fields, Infinity).firstDifference?.index).toBe(k);
    // Only the records before t count; a shorter list differs where it ends.
    expect(sharedPrefix(records, changed, records[10]!.t).identical).toBe(true);
    expect(sharedPrefix(records, records.slice(0, 5), Infinity).firstDifference).toEqual({ index: 5, before: records[5] });
    expect(sameRecord({ n: 1, t: 2, kind: 'x', a: NaN }, { n: 9, t: 2, kind: 'x', a: NaN })).toBe(true);
    expect(sameRecord({ n: 1, t: 2, kind: 'x', a: 1 }, { n: 1, t: 2, kind: 'x', a: 1, b: null })).toBe(false);
  });

  it('builds fault entries the loader reads back exactly, and a pod-crash hits the pod clicked', () => {
    const name = 'multiple-replicas-coordination';
    const base = ['horizon=10d'];
    const before = trace(load(name, base));
    const tracker = new ClusterTracker(before.records);
    const times = [0.1, 3600.5, 2 * 86400 + 1e-7 + 17, 5.123456789 * 86400];
    for (const tS of times) {
      tracker.advance(tS);
      const state = tracker.state();
      const pods = [...state.unscheduled, ...state.zones.flatMap((z) => z.nodes.flatMap((n) => n.pods))].filter((p) => !p.deleted);
      const clicked = pods.at(-1)!;
      const podIndex = tracker.livePodIndex(clicked.name)!;
      const entries = [
        faultEntry({ type: 'pod-crash', workload: clicked.workload, podIndex }, tS),
        faultEntry({ type: 'node-partition', node: 'worker-1', durationS: 1800.25, from: 'database' }, tS),
        faultEntry({ type: 'coordination-db-outage', durationS: 600 }, tS),
        faultEntry({ type: 'node-crash', node: 'worker-3', repairAfterS: null }, tS),
      ];
      const existing = load(name, base).faults.length;
      const scenario = load(name, [...base, ...faultOverrides(entries, existing)]);
      expect(scenario.faults.slice(existing)).toMatchObject([
        { type: 'pod-crash', at: tS, workload: clicked.workload, podIndex },
        { type: 'node-partition', at: tS, node: 'worker-1', duration: 1800.25, from: 'database' },
        { type: 'coordination-db-outage', at: tS, duration: 600 },
        { type: 'node-crash', at: tS, node: 'worker-3', repairAfter: null },
      ]);
      const after = trace(load(name, [...base, ...faultOverrides([entries[0]!], existing)]));
      expect(sharedPrefix(before.records, after.records, tS).identical).toBe(true);
      const target = faultTarget(after.records, 'pod-crash', tS);
      expect(target === clicked.name || target === `${clicked.name} (not applied: its container is ${clicked.phase})`, `${target} for ${clicked.name}`).toBe(true);
    }
  });

  it('compares the metric values before and after', () => {
    expect(metricChanges([['a', 1], ['b', NaN], ['c', 2]], [['a', 1.5], ['b', 3], ['d', 4]])).toEqual([
      { name: 'a', before: 1, after: 1.5, difference: 0.5 },
      { name: 'b', before: NaN, after: 3, difference: null },
      { name: 'c', before: 2, after: null, difference: null },
      { name: 'd', before: null, after: 4, difference: null },
    ]);
  });

  it('plays at a speed of simulated seconds per wall second, within the horizon', () => {
    expect(SPEEDS[0]).toBe(1);
    expect(SPEEDS.at(-1)).toBe(100_000);
    expect(advanceTime(10, 500, 100, 1000)).toBe(60);
    expect(advanceTime(990, 500, 100, 1000)).toBe(1000);
    expect(advanceTime(10, -5, 100, 1000)).toBe(10);
    expect(clampTime(-1, 50)).toBe(0);
    expect(clampTime(NaN, 50)).toBe(0);
    expect(clampTime(70, 50)).toBe(50);
  });
});
