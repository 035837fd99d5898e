// `deploysim advise`: the cheapest candidate meeting every objective with 95% confidence, checked
// against a plain `run` of the scenario it writes; objectives nobody meets get the closest one; bad
// objectives and bounds are clear errors.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { candidates, parseObjective } from '../../cli/advise.js';
import { formatScenarioError, loadScenarioText } from '../../sim/scenario/index.js';
import { deploysim, describeRun, expectExit, expectNoStackTrace, ROOT } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'deploysim-advise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Check {
  objective: string;
  value: number | null;
  bound: number | null;
  verdict: 'met' | 'missed' | 'open';
}
interface Entry {
  label: string;
  placement: string | null;
  replicas: number;
  nodes: number;
  replications: number;
  costPerYear: number;
  meetsAll: boolean;
  objectives: Check[];
}

describe('objectives', () => {
  test('the named ones, percentages, durations and 0', () => {
    expect(parseObjective('availability>=99.99%')).toMatchObject({ metric: 'service.availability', op: '>=', target: 0.9999, perYear: false });
    expect(parseObjective('p99<=200ms')).toMatchObject({ metric: 'service.latencyMs.p99', op: '<=', target: 200 });
    expect(parseObjective('downtime<=5m')).toMatchObject({ metric: 'service.downtimeS', target: 300, perYear: true });
    expect(parseObjective('tasks.duplicates==0')).toMatchObject({ metric: 'capabilities.scheduledTasks.duplicateExecutions', op: '==', target: 0 });
    expect(parseObjective('artifacts.t1.availability>=99.9%')).toMatchObject({ metric: 'artifacts.t1.availability', target: 0.999 });
  });

  test('mistakes are named with what was expected', () => {
    expect(() => parseObjective('uptime>=99%')).toThrow('--slo uptime>=99%: unknown objective "uptime": expected one of success, availability,');
    expect(() => parseObjective('availability>=101%')).toThrow('expected a percentage from 0% to 100% for availability, got 101%');
    expect(() => parseObjective('availability>99%')).toThrow('expected NAME>=VALUE, NAME<=VALUE or NAME==0');
    expect(() => parseObjective('tasks.duplicates==3')).toThrow('== takes 0 only');
    expect(() => parseObjective('p99<=fast')).toThrow('expected a duration such as 200ms or 5m for p99, got fast');
  });
});

describe('candidates', () => {
  test('every placement of the stateful artifacts, replicas and nodes, each a scenario that loads', () => {
    const file = join(ROOT, 'scenarios/multiple-replicas-coordination.yaml');
    const text = readFileSync(file, 'utf8');
    const base = loadScenarioText(text, 'c.yaml').scenario!;
    const all = candidates(text, 'c.yaml', base, { maxNodes: 2, maxReplicas: 2 });
    // Coordinated and one-replica pods: 2 replica counts x 2 node counts; a single replica: 2 node counts.
    expect(all.map((c) => c.label)).toEqual([
      'coordinated, 1 replica, 1 node',
      'coordinated, 1 replica, 2 nodes',
      'coordinated, 2 replicas, 1 node',
      'coordinated, 2 replicas, 2 nodes',
      'stateful in one-replica pods, 1 replica, 1 node',
      'stateful in one-replica pods, 1 replica, 2 nodes',
      'stateful in one-replica pods, 2 replicas, 1 node',
      'stateful in one-replica pods, 2 replicas, 2 nodes',
      'single replica, 1 node',
      'single replica, 2 nodes',
    ]);
    const artifacts = base.workloads[0]!.artifacts.map((a) => a.name).sort();
    for (const c of all) {
      const loaded = loadScenarioText(c.text, c.label);
      expect(loaded.errors.map(formatScenarioError), c.label).toEqual([]);
      const s = loaded.scenario!;
      expect(s.cluster.nodePools[0]!.count).toBe(c.nodes);
      expect(s.workloads[0]!.replicas).toBe(c.replicas);
      // Every artifact still runs somewhere, once.
      expect(s.workloads.flatMap((w) => w.artifacts.map((a) => a.name)).sort(), c.label).toEqual(artifacts);
      if (c.placement === 'one-replica pods') {
        expect(s.workloads).toHaveLength(1 + artifacts.length);
        expect(s.workloads.slice(1).every((w) => w.replicas === 1 && !w.servesTraffic && w.artifacts.length === 1 && !w.coordination)).toBe(true);
        expect(s.workloads[0]!.artifacts).toEqual([]);
      } else {
        expect(s.workloads).toHaveLength(1);
        expect(s.workloads[0]!.coordination).toBe(c.placement === 'coordinated');
      }
    }
  });
});

describe('candidates of a scenario whose traffic workload is not first', () => {
  test('replicas go to the traffic workload wherever it ends up; another traffic workload keeps its own artifacts', () => {
    const text = [
      'workloads:',
      '  - {name: tasks, replicas: 1, servesTraffic: false, artifacts: [{kind: scheduled-task, name: t1, interval: 1m}]}',
      '  - {name: mi, replicas: 2, traffic: {rate: 10/s}}',
      '  - {name: api, replicas: 2, traffic: {rate: 10/s}, artifacts: [{kind: scheduled-task, name: t2, interval: 1m}]}',
      '',
    ].join('\n');
    const base = loadScenarioText(text, 'x.yaml').scenario!;
    for (const c of candidates(text, 'x.yaml', base, { maxNodes: 1, maxReplicas: 3 })) {
      const s = loadScenarioText(c.text, c.label).scenario!;
      const mi = s.workloads.find((w) => w.name === 'mi')!;
      expect(mi.replicas, c.label).toBe(c.replicas);
      expect(s.workloads.find((w) => w.name === 'api')!.replicas, c.label).toBe(2);
      // t2 stays with api, once; t1 is where the placement puts it.
      expect(s.workloads.flatMap((w) => w.artifacts.filter((a) => a.name === 't2').map(() => w.name)), c.label).toEqual(['api']);
      expect(s.workloads.flatMap((w) => w.artifacts.map((a) => a.name)).filter((n) => n === 't1'), c.label).toEqual(['t1']);
      if (c.placement !== 'one-replica pods') expect(mi.artifacts.map((a) => a.name), c.label).toEqual(['t1']);
    }
  });
});

describe('deploysim advise', { timeout: 600_000 }, () => {
  const small = ['--horizon', '60d', '--replications', '100', '--max-nodes', '3', '--max-replicas', '3'];

  test('the cheapest candidate meeting every objective, confirmed by a plain run of the scenario it writes', async () => {
    const written = join(dir, 'rec.yaml');
    const slo = ['--slo', 'availability>=99.99%', '--slo', 'tasks.running>=99.99%', '--slo', 'tasks.duplicates==0'];
    const r = await deploysim(['advise', 'multiple-replicas-coordination', ...slo, ...small, '--set', 'coordination.miVersion=4.4', '--json', '--write', written]);
    expectExit(r, 0);
    const advice = JSON.parse(r.stdout) as { recommendation: Entry; runnerUp: Entry | null; candidates: Entry[]; screened: number; confirmed: number };
    const rec = advice.recommendation;
    expect(rec, describeRun(r)).not.toBeNull();
    expect(rec.meetsAll).toBe(true);
    expect(rec.objectives.every((c) => c.verdict === 'met')).toBe(true);
    expect(advice.screened).toBe(advice.candidates.length);
    // No candidate that meets every objective on the full count is cheaper.
    for (const c of advice.candidates) if (c.meetsAll && c.replications === rec.replications) expect(c.costPerYear).toBeGreaterThanOrEqual(rec.costPerYear - 1e-9);
    // MI 4.4's coordinated tasks miss tasks.running (the duplicate-node check): never the answer.
    expect(rec.placement).not.toBe('coordinated');
    // The written scenario, run alone with the same flags, gives the same figures.
    const run = await deploysim(['run', written, '--horizon', '60d', '--replications', '100', '--set', 'coordination.miVersion=4.4', '--json']);
    expectExit(run, 0);
    const metrics = (JSON.parse(run.stdout) as { metrics: Record<string, Record<string, { mean: number; ci95: [number, number] }>> }).metrics;
    const availability = metrics.service!.availability!;
    expect(rec.objectives[0]!.bound).toBeCloseTo(availability.ci95[0], 12);
    expect(availability.ci95[0]).toBeGreaterThanOrEqual(0.9999);
    expect((metrics.capabilities as unknown as Record<string, Record<string, { ci95: [number, number] }>>).scheduledTasks!.availability!.ci95[0]).toBeGreaterThanOrEqual(0.9999);
  });

  test('an objective nobody meets within the bounds: a clear answer with the closest candidate', async () => {
    const r = await deploysim(['advise', 'single-replica', '--slo', 'availability>=99.9999%', '--horizon', '30d', '--replications', '40', '--max-nodes', '1', '--max-replicas', '2']);
    expectExit(r, 0);
    expect(r.stdout).toContain('No candidate within the bounds meets every objective with 95% confidence.');
    expect(r.stdout).toMatch(/Closest: .+: cost USD [\d,]+\/y, [\d,]+ node-hours\/y; short on availability>=99\.9999% \(\d+\.\d+%(, not shown with 95% confidence)?\)\./);
    expect(r.stdout).toContain('Widen the bounds (--max-nodes, --max-replicas)');
  });

  test.concurrent.each([
    [['advise', 'single-replica'], "advise: give at least one objective, e.g. --slo 'availability>=99.99%'"],
    [['advise', 'single-replica', '--slo', 'uptime>=1%'], '--slo uptime>=1%: unknown objective "uptime"'],
    [['advise', 'single-replica', '--slo', 'success>=99%', '--max-nodes', '0'], '--max-nodes 0: expected a whole number from 1 to 20'],
    [['advise', 'single-replica', '--slo', 'success>=99%', '--shard', '0/2'], 'advise: --shard is not supported'],
    [['advise', 'no-such', '--slo', 'success>=99%'], 'no-such: no such scenario file or built-in pattern'],
    [['advise', 'single-replica', '--slo', 'service.requests.timedout<=0', '--replications', '5', '--horizon', '1d', '--max-nodes', '1', '--max-replicas', '1'], '--slo service.requests.timedout<=0: no candidate has the metric service.requests.timedout'],
    [['advise', 'single-replica', '--slo', 'success>=99%', '--per-year', '--replications', '20'], 'advise --per-year: the 95% bound of the worst year in 10 needs at least'],
  ])('bad input %j is a one-line error', async (args, message) => {
    const out = join(dir, `never-${args.length}.yaml`);
    const r = await deploysim([...args, '--write', out]);
    expectExit(r, 1);
    expectNoStackTrace(r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
});
