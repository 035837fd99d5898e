import { describe, expect, it } from 'vitest';
import { ARTIFACT_CAUSES } from '../../sim/metrics/causes.js';
import type { Scenario } from '../../sim/scenario/index.js';
import { builtin } from '../helpers/scenario.js';
import { artifactValue as v, oneArtifact, traced, type Traced } from '../coordination/helpers.js';

/**
 * Operator state and the registry (docs/model.md §10.5): an operator deactivates a message processor
 * or inbound endpoint; the servers running it apply that at once; a server that starts running it
 * later follows the operator only with a shared registry (a local one is lost with its container).
 */

const REGISTRIES = ['local', 'shared'] as const;

const withRegistry = (s: Scenario, registry: 'local' | 'shared'): Scenario => {
  for (const w of s.workloads) w.registry = registry;
  return s;
};

/** Runs the scenario with each registry (seed 2, replication 0). */
const both = (make: () => Scenario): [Traced, Traced] => REGISTRIES.map((reg) => traced(withRegistry(make(), reg), 2, 0)) as [Traced, Traced];

const off = (artifact: string, at = '1h') => `{type: operator-state, at: ${at}, artifact: ${artifact}, state: inactive}`;

/** Downtime by cause sums to the downtime. */
function causesSum(r: Traced, artifact: string): void {
  const sum = ARTIFACT_CAUSES.reduce((a, cause) => a + v(r, artifact, `downtimeByCauseS.${cause}`), 0);
  expect(sum).toBeCloseTo(v(r, artifact, 'downtimeS'), 6);
}

const mp = '{kind: message-processor, name: mp, feedRate: 10/s}';

describe('operator state and the registry', () => {
  it("an operator's deactivation, then a crash of the owner's node: with local the new owner runs it against the operator's state, with shared it does not", () => {
    const run = (registry: string) =>
      traced(
        builtin('multiple-replicas-coordination', [
          `workloads[0].registry=${registry}`,
          'horizon=3h',
          `faults=[${off('orderForwardingProcessor')}, {type: node-crash, at: 2h, runnerOf: orderForwardingProcessor, repairAfter: none}]`,
        ]),
        1,
        0,
      );
    const local = run('local');
    const shared = run('shared');
    const p = 'orderForwardingProcessor';
    // Local: the survivor that takes it over ~18 s after the crash runs it as deployed, active, to
    // the horizon (3581.6 s), and forwards every message fed since the deactivation (5/s x 7200 s).
    expect(v(local, p, 'againstOperatorS')).toBeGreaterThan(3600 - 25);
    expect(v(local, p, 'againstOperatorS')).toBeLessThan(3600 - 10);
    expect(v(local, p, 'againstOperatorS')).toBeCloseTo(3581.63, 2);
    expect(v(local, p, 'againstOperatorMessages')).toBeCloseTo(36000, 3);
    expect(v(local, 'orderForwardingProcessor', 'downtimeByCauseS.operator')).toBeCloseTo(3600 + (3600 - v(local, p, 'againstOperatorS')), 6);
    // Shared: the survivor reads the operator's state and leaves it inactive: nothing against it.
    expect(v(shared, p, 'againstOperatorS')).toBe(0);
    expect(v(shared, p, 'againstOperatorMessages')).toBe(0);
    expect(v(shared, p, 'downtimeS')).toBe(7200);
    expect(v(shared, p, 'downtimeByCauseS.operator')).toBe(7200);
    expect(v(shared, p, 'backlogMax')).toBeCloseTo(36000, 3);
    expect(shared.values.get('capabilities.messageProcessors.againstOperatorS')).toBe(0);
    expect(local.values.get('capabilities.messageProcessors.againstOperatorMessages')).toBeCloseTo(36000, 3);
    for (const r of [local, shared]) causesSum(r, p);
  });

  it('a restarted container loses a local registry: it runs the processor active again; a shared one keeps it inactive', () => {
    // Without coordination every server runs it; the deactivation reaches all three; one restarts.
    const [local, shared] = both(() => oneArtifact(mp, false, [off('mp'), '{type: pod-crash, at: 2h, workload: mi}']));
    expect(v(local, 'mp', 'againstOperatorS')).toBeGreaterThan(3580);
    expect(v(local, 'mp', 'againstOperatorMessages')).toBeGreaterThan(40000);
    expect(v(shared, 'mp', 'againstOperatorS')).toBe(0);
    expect(v(shared, 'mp', 'againstOperatorMessages')).toBe(0);
    expect(v(shared, 'mp', 'downtimeByCauseS.operator')).toBe(7200);
    for (const r of [local, shared]) causesSum(r, 'mp');
  });

  it('a JVM pause keeps the state in the same server; one longer than W hands the processor to a server that runs it as deployed (local)', () => {
    const [short] = both(() => oneArtifact(mp, true, [off('mp'), '{type: jvm-pause, at: 2h, runnerOf: mp, duration: 2s}']));
    expect(v(short, 'mp', 'againstOperatorS')).toBe(0);
    expect(v(short, 'mp', 'downtimeByCauseS.operator')).toBe(7200);
    const [long, longShared] = both(() => oneArtifact(mp, true, [off('mp'), '{type: jvm-pause, at: 2h, runnerOf: mp, duration: 60s}']));
    expect(v(long, 'mp', 'againstOperatorS')).toBeGreaterThan(3570);
    expect(v(longShared, 'mp', 'againstOperatorS')).toBe(0);
  });

  it("a server that takes the processor over after the operator activated it again runs it active, with either registry", () => {
    for (const r of both(() => oneArtifact(mp, true, [off('mp'), '{type: operator-state, at: 90m, artifact: mp, state: active}', '{type: node-crash, at: 2h, runnerOf: mp, repairAfter: none}']))) {
      expect(v(r, 'mp', 'againstOperatorS')).toBe(0);
      expect(v(r, 'mp', 'againstOperatorMessages')).toBe(0);
      expect(v(r, 'mp', 'downtimeByCauseS.operator')).toBe(1800);
      causesSum(r, 'mp');
    }
  });

  it('inbound endpoints: the same; a deactivated MQTT subscription loses what is published meanwhile', () => {
    for (const protocol of ['kafka', 'file', 'jms', 'rabbitmq', 'mqtt']) {
      const [local, shared] = both(() => oneArtifact(`{kind: inbound-endpoint, name: ie, protocol: ${protocol}, messageRate: 10/s}`, true, [off('ie'), '{type: node-crash, at: 2h, runnerOf: ie, repairAfter: none}']));
      expect(v(local, 'ie', 'againstOperatorS'), protocol).toBeGreaterThan(3570);
      expect(v(shared, 'ie', 'againstOperatorS'), protocol).toBe(0);
      expect(v(shared, 'ie', 'againstOperatorMessages'), protocol).toBe(0);
      if (protocol === 'mqtt') {
        // Nobody subscribed from the deactivation to the horizon (shared), or until the takeover (local).
        expect(v(shared, 'ie', 'missedExecutions')).toBeCloseTo(72000, 3);
        expect(v(local, 'ie', 'missedExecutions')).toBeCloseTo(10 * v(local, 'ie', 'downtimeS'), 3);
      } else {
        // Everything that waited since the deactivation, and everything after: 10/s x 7200 s.
        expect(v(local, 'ie', 'againstOperatorMessages'), protocol).toBeCloseTo(72000, 3);
        expect(v(local, 'ie', 'missedExecutions'), protocol).toBe(0);
      }
      for (const r of [local, shared]) causesSum(r, 'ie');
    }
  });

  it('stochastic maintenance: the operator deactivates it every timeBetween for duration; a takeover meanwhile runs it against the operator with local only', () => {
    const [local, shared] = both(() => oneArtifact('{kind: message-processor, name: mp, feedRate: 10/s, maintenance: {timeBetween: 1h, duration: 30m}}', true, ['{type: node-crash, at: 70m, runnerOf: mp, repairAfter: none}']));
    // Inactive over [1h, 1h30m) and [2h30m, 3h); the owner's node crashes at 1h10m.
    expect(local.faults.filter((f) => f.type === 'operator-state').map((f) => f.t)).toEqual([3600, 5400, 9000, 10800]);
    expect(v(shared, 'mp', 'downtimeS')).toBe(3600);
    expect(v(shared, 'mp', 'downtimeByCauseS.operator')).toBe(3600);
    expect(v(shared, 'mp', 'againstOperatorS')).toBe(0);
    // Local: from the takeover (about 17 s after the crash) to the end of the maintenance at 1h30m.
    expect(v(local, 'mp', 'againstOperatorS')).toBeGreaterThan(1200 - 25);
    expect(v(local, 'mp', 'againstOperatorS')).toBeLessThan(1200 - 10);
    expect(v(local, 'mp', 'againstOperatorMessages')).toBeGreaterThan(0);
    for (const r of [local, shared]) causesSum(r, 'mp');
  });
});
