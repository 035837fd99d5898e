import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioFrom } from '../helpers/scenario.js';
import { maxConcurrent, traced } from './helpers.js';

/**
 * Acceptance: under coordination (MI 4.4) with no JVM pause long enough for the heartbeat to age
 * past W, no slot of any scheduled task runs twice, whatever else fails. The heartbeat's age is
 * the pause plus the time since the last beat (up to H), so "no pause longer than W" means pauses
 * of at most W - H here. Database outages and slow periods are included: 4.4 fences instead of
 * duplicating.
 */

const fault = fc.oneof(
  fc.record({ type: fc.constant('node-crash'), node: fc.constantFrom('w-1', 'w-2', 'w-3', 'w-4'), repairAfter: fc.integer({ min: 10, max: 1800 }) }),
  fc.record({ type: fc.constant('node-crash'), runnerOf: fc.constantFrom('t1', 't2'), repairAfter: fc.integer({ min: 10, max: 1800 }) }),
  fc.record({ type: fc.constant('node-drain'), node: fc.constantFrom('w-1', 'w-2', 'w-3', 'w-4'), uncordonAfter: fc.integer({ min: 10, max: 1800 }) }),
  fc.record({ type: fc.constantFrom('pod-crash', 'pod-hang'), workload: fc.constant('mi'), podIndex: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ type: fc.constantFrom('pod-crash', 'pod-hang'), runnerOf: fc.constantFrom('t1', 't2') }),
  fc.record({ type: fc.constant('jvm-pause'), runnerOf: fc.constantFrom('t1', 't2'), duration: fc.double({ min: 0.5, max: 10, noNaN: true }) }),
  fc.record({ type: fc.constant('rolling-update'), workload: fc.constant('mi') }),
  fc.record({ type: fc.constant('scale'), workload: fc.constant('mi'), replicas: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ type: fc.constant('coordination-db-outage'), duration: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ type: fc.constant('coordination-db-slowness'), duration: fc.integer({ min: 1, max: 600 }), queryTime: fc.constantFrom('{dist: constant, value: 2s}', '{dist: uniform, min: 0s, max: 2s}') }),
);

const schedule = fc.array(fc.tuple(fc.integer({ min: 300, max: 7000 }), fault), { minLength: 1, maxLength: 8 });

function yamlOf(faults: Array<[number, Record<string, unknown>]>, resolver: string): string {
  const lines = faults.map(([at, f]) => {
    const fields = Object.entries(f).map(([k, v]) => `${k}: ${typeof v === 'string' && !v.startsWith('{') ? JSON.stringify(v) : String(v)}`);
    return `  - {at: ${at}s, ${fields.join(', ')}}`;
  });
  return `
horizon: 2h30m
warmup: 2m
coordination: {resolver: {type: ${resolver}}}
cluster: {nodePools: [{name: w, count: 4, failures: {crash: {timeToFailure: {dist: exponential, mean: 3h}}, repairTime: {dist: uniform, min: 1m, max: 20m}}}]}
workloads:
  - name: mi
    replicas: 3
    coordination: true
    failures: {crash: {timeToFailure: {dist: exponential, mean: 2h}}}
    artifacts:
      - {kind: scheduled-task, name: t1, interval: 10s}
      - {kind: scheduled-task, name: t2, at: [0s, 20s, 40s], every: 1m}
faults:
${lines.join('\n')}
`;
}

describe('no duplicate execution under healthy coordination (fast-check over fault schedules)', () => {
  it('never runs a task on two servers at once, so no slot executes twice', () => {
    fc.assert(
      // The replication index is part of the input, so a shrunk counterexample replays the same run.
      fc.property(schedule, fc.constantFrom('active-passive', 'round-robin'), fc.integer({ min: 0, max: 10_000 }), (faults, resolver, index) => {
        const s = scenarioFrom(yamlOf(faults, resolver));
        const r = traced(s, 1, index);
        for (const task of ['t1', 't2']) {
          expect(maxConcurrent(r.runners, task)).toBeLessThanOrEqual(1);
          expect(r.values.get(`artifacts.${task}.duplicateExecutions`)).toBe(0);
        }
      }),
      { numRuns: 120, seed: 42 },
    );
  });
});
