// Zones as failure domains: a zone outage takes every node of the zone at once; three replicas
// spread over three zones ride it out, the same three packed in one zone go down with it. The node
// lifecycle controller's disruption modes set how fast the lost nodes' pods are evicted: at
// nodeEvictionRate in a healthy cluster, at secondaryNodeEvictionRate (or not at all) in a
// partially disrupted zone, and not at all while every zone is fully disrupted.
import { describe, expect, test } from 'vitest';
import { runReplication } from '../../sim/experiment/index.js';
import { runExperiment, metricAt } from '../../sim/experiment/experiment.js';
import { formatScenarioError, loadScenarioText, type Scenario } from '../../sim/scenario/index.js';

function scenario(text: string): Scenario {
  const loaded = loadScenarioText(text, 'zones.yaml');
  expect(loaded.errors.map(formatScenarioError)).toEqual([]);
  return loaded.scenario!;
}

/** Three nodes, one MI pod on each (required anti-affinity), in `zones`; `faults` scripted. */
function three(zones: string, faults: string[], extra = ''): Scenario {
  return scenario(`
horizon: 6h
warmup: 10m
replications: 4
cluster:
  nodePools: [{name: worker, count: 3, zones: ${zones}, failures: {crash: none}}]
${extra}
workloads:
  - name: mi
    replicas: 3
    failures: {crash: none}
    scheduling: {podAntiAffinity: {required: hostname}}
    traffic: {rate: 50/s}
faults:
${faults.map((f) => `  - ${f}`).join('\n')}
`);
}

describe('zone outage', () => {
  test('three replicas spread over three zones ride out a zone outage; packed in one zone, they go down with it', () => {
    const outage = '{type: zone-outage, at: 1h, zone: zone-a, duration: 1h}';
    const spread = runExperiment(three('[zone-a, zone-b, zone-c]', [outage]), undefined, { saturation: false });
    const packed = runExperiment(three('[zone-a]', [outage]), undefined, { saturation: false });
    const spreadDown = metricAt(spread, 'service.downtimeS')!;
    const packedDown = metricAt(packed, 'service.downtimeS')!;
    expect(spreadDown.mean).toBe(0);
    // Down from the outage until a node is back and its pod Ready again: the hour and a restart.
    expect(packedDown.mean!).toBeGreaterThan(3600);
    expect(packedDown.mean!).toBeLessThan(3600 + 300);
    expect(metricAt(packed, 'service.downtimeByCauseS.nodeCrash')!.mean).toBeCloseTo(packedDown.mean!, 6);
  });

  test('a zone that is not among the pools is an error naming the zones', () => {
    const loaded = loadScenarioText('workloads: [{name: mi}]\nfaults: [{type: zone-outage, at: 1h, zone: zone-x, duration: 1h}]\n', 'z.yaml');
    expect(loaded.errors.map(formatScenarioError)).toEqual(['z.yaml:2:44 faults[0].zone: expected a zone of the node pools (zone-a, zone-b, zone-c), got "zone-x"']);
  });

  test('stochastic zone outages take whole zones: every outage stops all the nodes of one zone at one instant', () => {
    const s = scenario(`
horizon: 365d
warmup: 10m
cluster:
  nodePools: [{name: worker, count: 6, failures: {crash: none}}]
  zoneOutages: {timeBetween: {dist: exponential, mean: 60d}, duration: {dist: constant, value: 1h}}
workloads: [{name: mi, replicas: 1, failures: {crash: none}}]
`);
    const downs: Array<{ t: number; zone: string | null }> = [];
    runReplication(s, 3, 0, {
      onStart(c, bus) {
        bus.on('node.state', (n) => {
          if (!n.up) downs.push({ t: c.sim.nowS, zone: n.zone });
        });
      },
    });
    const crashes = new Map<number, Set<string | null>>();
    const count = new Map<number, number>();
    for (const d of downs) {
      crashes.set(d.t, (crashes.get(d.t) ?? new Set()).add(d.zone));
      count.set(d.t, (count.get(d.t) ?? 0) + 1);
    }
    expect(crashes.size).toBeGreaterThan(3);
    // Each instant: one zone, and both of its nodes (six nodes round robin over three zones).
    for (const [t, zones] of crashes) {
      expect(zones.size, `at ${t}`).toBe(1);
    }
    expect([...count.values()].filter((n) => n >= 2).length).toBeGreaterThan(3);
  });
});

/** When each replacement pod was created (each created after its node's pods were evicted). */
function replacementTimes(s: Scenario, afterS: number): number[] {
  const times: number[] = [];
  runReplication(s, 1, 0, {
    onStart(c, bus) {
      bus.on('pod.created', () => {
        if (c.sim.nowS > afterS) times.push(c.sim.nowS);
      });
    },
  });
  return times;
}

/** Nodes in `zones`, one pod on each; nodes named in `cut` partitioned from the control plane at 1h for 2h. */
function cutOff(count: number, zones: string, cut: string[], kube = ''): Scenario {
  return scenario(`
horizon: 4h
warmup: 10m
kubernetes: {nodeMonitorPeriod: 5s${kube}}
cluster:
  nodePools: [{name: worker, count: ${count}, zones: ${zones}, failures: {crash: none}}]
workloads:
  - name: mi
    replicas: ${count}
    failures: {crash: none}
    scheduling: {podAntiAffinity: {required: hostname}}
faults:
${cut.map((n) => `  - {type: node-partition, at: 1h, node: ${n}, duration: 2h, from: control-plane}`).join('\n')}
`);
}

describe("the node lifecycle controller's disruption modes", () => {
  test('a healthy cluster evicts at nodeEvictionRate: one node every 10 s', () => {
    // Zone a's three nodes cut off (fully disrupted), zone b healthy: the normal rate.
    const times = replacementTimes(cutOff(6, '[zone-a, zone-b]', ['worker-1', 'worker-3', 'worker-5']), 3600);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeCloseTo(10, 6);
    expect(times[2]! - times[1]!).toBeCloseTo(10, 6);
  });

  test('a partially disrupted zone of at most largeClusterSizeThreshold nodes stops evicting; a larger one evicts at secondaryNodeEvictionRate', () => {
    // Zone a: worker-1, 3, 5, 7 (four nodes); three of them cut off: 75% NotReady.
    const cut = ['worker-1', 'worker-3', 'worker-5'];
    expect(replacementTimes(cutOff(8, '[zone-a, zone-b]', cut), 3600)).toEqual([]);
    const large = replacementTimes(cutOff(8, '[zone-a, zone-b]', cut, ', largeClusterSizeThreshold: 3'), 3600);
    expect(large).toHaveLength(3);
    expect(large[1]! - large[0]!).toBeCloseTo(100, 6);
    // Two of four cut off (50%) is under the 0.55 threshold: the normal rate.
    const half = replacementTimes(cutOff(8, '[zone-a, zone-b]', ['worker-1', 'worker-3']), 3600);
    expect(half).toHaveLength(2);
    expect(half[1]! - half[0]!).toBeCloseTo(10, 6);
  });

  test('when every zone is fully disrupted, nothing is evicted; when one comes back, the rest are evicted from then', () => {
    // One zone, all three nodes cut off for 2 hours: no eviction at all.
    expect(replacementTimes(cutOff(3, '[zone-a]', ['worker-1', 'worker-2', 'worker-3']), 3600)).toEqual([]);
    // Two zones, both fully cut off; zone b's node heals at 1h30: zone a's are then tainted and evicted.
    const s = scenario(`
horizon: 4h
warmup: 10m
cluster:
  nodePools: [{name: worker, count: 4, zones: [zone-a, zone-b], failures: {crash: none}}]
workloads:
  - name: mi
    replicas: 4
    failures: {crash: none}
    scheduling: {podAntiAffinity: {required: hostname}}
faults:
  - {type: node-partition, at: 1h, node: worker-1, duration: 2h, from: control-plane}
  - {type: node-partition, at: 1h, node: worker-3, duration: 2h, from: control-plane}
  - {type: node-partition, at: 1h, node: worker-2, duration: 30m, from: control-plane}
  - {type: node-partition, at: 1h, node: worker-4, duration: 30m, from: control-plane}
`);
    const times = replacementTimes(s, 3600);
    expect(times).toHaveLength(2);
    // Tainted after 1h30 (+ a monitor pass), evicted tolerationSeconds (300 s) later, 10 s apart.
    expect(times[0]!).toBeGreaterThanOrEqual(5400 + 300);
    expect(times[0]!).toBeLessThan(5400 + 300 + 20);
    expect(times[1]! - times[0]!).toBeCloseTo(10, 6);
  });
});
