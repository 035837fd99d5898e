// The assumptions block under every table: each failure process a scenario switches on, with its
// mean times, per scenario where they differ, and the processes left off.
import { describe, expect, test } from 'vitest';
import { formatAssumptions, processesOn } from '../../cli/assumptions.js';
import { loadScenarioText, type Scenario } from '../../sim/scenario/index.js';

function scenario(text: string): Scenario {
  const r = loadScenarioText(text, 's.yaml');
  if (r.scenario === undefined) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

const BASE = 'workloads:\n  - name: mi\n';

describe('assumptions', () => {
  test('name each process that is on with its mean times, and list the rest as off', () => {
    const s = scenario(`${BASE}    failures:\n      jvmPause: {timeToFailure: 30d, duration: 40s}\n      crash: none\n`);
    expect(processesOn(s)).toEqual([
      ['node crash', 'each node every 666d16h on average, repaired in 2h13m'],
      ['JVM pause', 'each pod every 30d, for 40s'],
    ]);
    expect(formatAssumptions([s], ['s'])).toBe(
      [
        'Failure processes on (mean times):',
        '  node crash: each node every 666d16h on average, repaired in 2h13m',
        '  JVM pause: each pod every 30d, for 40s',
        'Off (not simulated): node partition, zone outage, clock skew, container crash, container hang.',
        '',
      ].join('\n'),
    );
    const zoned = scenario(`cluster:\n  zoneOutages: {timeBetween: 1000d, duration: 2h, mode: partition}\n${BASE}`);
    expect(processesOn(zoned)).toContainEqual(['zone outage', 'each zone every 1000d, for 2h (every node of it cut off)']);
  });

  test('say where scenarios differ, count scripted faults, and leave out what cannot happen', () => {
    const a = scenario(`${BASE}    coordination: true\ncoordination:\n  database:\n    failures:\n      outage: {timeBetween: 90d, duration: 2m}\nfaults:\n  - {type: node-crash, at: 1d, node: worker-1}\n`);
    const b = scenario(`${BASE}    failures:\n      crash: {timeToFailure: 7d}\n`);
    const text = formatAssumptions([a, b], ['coordinated', 'plain']);
    expect(text).toContain('  container crash: each pod every 14d on average (in coordinated); each pod every 7d on average (in\n    plain)\n');
    // The database's outages apply only where a workload uses it: on in one, and nowhere said to be off.
    expect(text).toContain('  coordination-database outage: every 90d, for 2m\n');
    expect(text).toContain('  scripted faults: coordinated: 1 node-crash\n');
    expect(text).toMatch(/Off \(not simulated\): node partition, zone outage, clock skew, container hang, JVM pause,\n  coordination-database slowness\.\n$/);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  test("list an operator's maintenance when it is on, and never as off (docs/model.md §10.5)", () => {
    const on = scenario(`${BASE}    registry: shared\n    artifacts:\n      - {kind: message-processor, name: mp, maintenance: {timeBetween: 30d, duration: 1h}}\n`);
    expect(processesOn(on)).toContainEqual(['operator maintenance', 'mp: every 30d, deactivated for 1h (registry shared)']);
    const off = scenario(`${BASE}    artifacts:\n      - {kind: message-processor, name: mp}\n`);
    expect(formatAssumptions([off], ['s'])).not.toContain('maintenance');
  });

  test('with nothing on, say so', () => {
    const s = scenario(`${BASE}    failures: {crash: none}\ncluster:\n  nodePools:\n    - failures: {crash: none}\n`);
    expect(formatAssumptions([s], ['s']).split('\n')[0]).toBe('Failure processes on: none.');
  });
});
