import { describe, expect, it } from 'vitest';
import { scaleDistSpec, type DistSpec } from '../../sim/engine/distributions.js';
import { compareScenarios, runExperiment, runReplication } from '../../sim/experiment/index.js';
import { scenarioSpec } from '../../sim/scenario/fields.js';
import type { Spec } from '../../sim/scenario/spec.js';
import { DURATION, RATE } from '../../sim/scenario/spec.js';
import type { Scenario } from '../../sim/scenario/types.js';
import { builtin } from '../helpers/scenario.js';

const BUILTINS = ['single-replica', 'multiple-replicas', 'multiple-replicas-coordination', 'isolated-stateful-pods', 'uncoordinated-replicas'];

describe('determinism', () => {
  it.each(BUILTINS)('%s: the same scenario and seed give the same result; another seed another', (name) => {
    const s = builtin(name, ['replications=3', 'horizon=5y']);
    const a = runExperiment(s);
    const b = runExperiment(builtin(name, ['replications=3', 'horizon=5y']));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = runExperiment(builtin(name, ['replications=3', 'horizon=5y', 'seed=2']));
    expect(JSON.stringify(c.metrics)).not.toBe(JSON.stringify(a.metrics));
  });

  it('a replication does not depend on which replications ran before it', () => {
    const s = builtin('multiple-replicas', ['horizon=3y']);
    const alone = runReplication(s, 1, 7);
    for (let i = 0; i < 3; i++) runReplication(s, 1, i);
    expect(runReplication(s, 1, 7)).toEqual(alone);
  });
});

describe('common random numbers across patterns', () => {
  function crashTimes(name: string): number[] {
    const s = builtin(name, ['horizon=40y']);
    const times: number[] = [];
    runReplication(s, 1, 0, {
      onStart(c, bus) {
        bus.on('fault', (f) => {
          if (f.type === 'node-crash' && f.target === 'worker-1') times.push(c.sim.nowS);
        });
      },
    });
    return times;
  }

  it('worker-1 fails at the same times in every pattern, whatever runs on it', () => {
    const reference = crashTimes('multiple-replicas');
    expect(reference.length).toBeGreaterThan(5);
    for (const name of ['single-replica', 'isolated-stateful-pods', 'uncoordinated-replicas']) expect(crashTimes(name)).toEqual(reference);
  });

  it('paired differences of identical scenarios are exactly zero', () => {
    const s = builtin('multiple-replicas', ['replications=5', 'horizon=2y']);
    const [, second] = compareScenarios([s, builtin('multiple-replicas', ['replications=5', 'horizon=2y'])]);
    const diff = (second!.pairedDifferences!.metrics.service as Record<string, { mean: number; min: number; max: number }>).degradedFraction;
    expect(diff.min).toBe(0);
    expect(diff.max).toBe(0);
  });
});

/** Multiplies every duration of a scenario by k (rates divided by k), through the field specs. */
function scaleTime(s: Scenario, k: number): Scenario {
  const walk = (value: unknown, spec: Spec): unknown => {
    if (value === null || value === undefined) return value;
    switch (spec.kind) {
      case 'leaf':
        if (spec.type === DURATION) return (value as number) * k;
        if (spec.type.item === DURATION) return (value as number[]).map((v) => v * k);
        return spec.type === RATE ? (value as number) / k : value;
      case 'dist':
        return scaleDistSpec(value as DistSpec, k);
      case 'object':
        return Object.fromEntries(Object.entries(value as object).map(([key, v]) => [key, spec.fields[key] ? walk(v, spec.fields[key]!) : v]));
      case 'array':
        return (value as unknown[]).map((v) => walk(v, spec.items));
      case 'union': {
        const variant = spec.variants[(value as Record<string, string>)[spec.tag]!]!;
        return { ...(walk(value, variant) as object), [spec.tag]: (value as Record<string, string>)[spec.tag] };
      }
    }
  };
  const scaled = walk(s, scenarioSpec) as Scenario;
  scaled.kubernetes.nodeEvictionRate = s.kubernetes.nodeEvictionRate / k;
  scaled.kubernetes.secondaryNodeEvictionRate = s.kubernetes.secondaryNodeEvictionRate / k;
  return scaled;
}

describe('metamorphic: scaling every duration by k', () => {
  function flatten(node: unknown, prefix = ''): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, value] of Object.entries(node as object)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === 'object' && 'n' in value) {
        if ((value as { mean: number | null }).mean !== null) out.set(path, (value as { mean: number }).mean);
      } else for (const [p, v] of flatten(value, path)) out.set(p, v);
    }
    return out;
  }

  it.each(['single-replica', 'isolated-stateful-pods'])('%s: time metrics scale by k, rates by 1/k, fractions and counts do not change', (name) => {
    const base = builtin(name, ['replications=4', 'horizon=3y']);
    const k = 3;
    const a = flatten(runExperiment(base).metrics);
    const b = flatten(runExperiment(scaleTime(base, k)).metrics);
    expect([...b.keys()]).toEqual([...a.keys()]);
    let scaled = 0;
    for (const [metric, va] of a) {
      const vb = b.get(metric)!;
      const factor = /(downtimeS|mttrS|Hours|money)$|downtimeByCauseS|latencyMs|LatencyMs|takeoverS|durationS|deliveryDelayMs/.test(metric) ? k : /Rps$/.test(metric) ? 1 / k : 1;
      // Latency quantiles come from a histogram with 0.1% buckets; request counts are sums of fluid flows.
      // Delivery delays likewise (1 ms buckets below 2 s, flows recorded in slices).
      const tolerance = /latencyMs|LatencyMs/.test(metric) ? 2e-3 : /deliveryDelayMs/.test(metric) ? 5e-3 : /^service\.requests\.|^artifacts\..*(executions|Executions|backlogMax)$|^capabilities\./.test(metric) ? 1e-6 : 1e-9;
      if (factor !== 1) {
        if (va === 0) expect(vb).toBe(0);
        else {
          expect(Math.abs(vb / va / factor - 1), metric).toBeLessThan(Math.max(tolerance, 1e-6));
          scaled++;
        }
      } else expect(Math.abs(vb - va), metric).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(va)));
    }
    expect(scaled).toBeGreaterThanOrEqual(4);
  });
});
