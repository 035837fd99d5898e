// Downtime by cause: each stretch of downtime goes to what started it (the stamp on the last pod
// lost), and the causes sum to the totals, for the service and every workload, on every built-in.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { metricAt, runExperiment, type RunResult } from '../../sim/experiment/experiment.js';
import { ARTIFACT_CAUSES, CAUSES, DUPLICATE_CAUSES, REQUEST_CAUSES } from '../../sim/metrics/causes.js';
import { formatScenarioError, loadScenarioText } from '../../sim/scenario/index.js';

/** One workload `mi` of `replicas` on `nodes` nodes, nothing failing on its own, and these faults. */
function run(faults: string[], extra: { replicas?: number; nodes?: number; workload?: string; horizon?: string; top?: string } = {}): RunResult {
  const text = [
    ...(extra.top ? [extra.top] : []),
    `horizon: ${extra.horizon ?? '2d'}`,
    'warmup: 10m',
    'replications: 2',
    'cluster:',
    `  nodePools: [{name: worker, count: ${extra.nodes ?? 3}, failures: {crash: none}}]`,
    'workloads:',
    '  - name: mi',
    `    replicas: ${extra.replicas ?? 1}`,
    '    failures: {crash: none}',
    ...(extra.workload ? [extra.workload] : []),
    'faults:',
    ...faults.map((f) => `  - ${f}`),
    '',
  ].join('\n');
  const loaded = loadScenarioText(text, 'causes.yaml');
  expect(loaded.errors.map(formatScenarioError)).toEqual([]);
  return runExperiment(loaded.scenario!, undefined, { saturation: false });
}

/** The causes with downtime, in seconds (mean over the replications). */
function causes(r: RunResult, of = 'service'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cause of CAUSES) {
    const v = metricAt(r, `${of}.downtimeByCauseS.${cause}`)!.mean!;
    if (v > 0) out[cause] = v;
  }
  return out;
}

function expectOnly(r: RunResult, cause: string, of = 'service'): void {
  const total = metricAt(r, `${of}.downtimeS`)!.mean!;
  expect(total, `${of} is down at some point`).toBeGreaterThan(0);
  expect(Object.keys(causes(r, of)), `${of}'s causes`).toEqual([cause]);
  expect(causes(r, of)[cause]).toBeCloseTo(total, 6);
}

describe('downtime by cause', () => {
  test('a node crash, a drain and a partition under a single replica are the node\'s', () => {
    expectOnly(run(['{type: node-crash, at: 1h, nodeOf: mi, repairAfter: 2h}']), 'nodeCrash');
    expectOnly(run(['{type: node-drain, at: 1h, nodeOf: mi}']), 'nodeDrain');
    expectOnly(run(['{type: node-partition, at: 1h, nodeOf: mi, duration: 20m, from: control-plane}']), 'nodePartition');
  });

  test('a partition shorter than the grace period leaves no stamp: a later crash is the container\'s', () => {
    expectOnly(run(['{type: node-partition, at: 1h, nodeOf: mi, duration: 20s, from: control-plane}', '{type: pod-crash, at: 2h, workload: mi}']), 'containerCrash');
  });

  test("a container crash, hang and long JVM pause are the container's", () => {
    expectOnly(run(['{type: pod-crash, at: 1h, workload: mi}']), 'containerCrash');
    expectOnly(run(['{type: pod-hang, at: 1h, workload: mi}']), 'containerHang');
    expectOnly(run(['{type: jvm-pause, at: 1h, workload: mi, duration: 5m}']), 'jvmPause');
  });

  test('a Recreate rollout and a scale to zero are the Deployment\'s', () => {
    expectOnly(run(['{type: rolling-update, at: 1h, workload: mi}'], { replicas: 2, workload: '    strategy: {type: Recreate}' }), 'rollout');
    expectOnly(run(['{type: scale, at: 1h, workload: mi, replicas: 0}', '{type: scale, at: 2h, workload: mi, replicas: 1}']), 'scale');
  });

  test('three replicas packed on the node that crashes, with another node up, are capacity (packing)', () => {
    // worker-1 down for 30 minutes: its pods move to worker-2 and stay there once it is back.
    const r = run(['{type: node-crash, at: 1h, node: worker-1, repairAfter: 30m}', '{type: node-crash, at: 3h, node: worker-2, repairAfter: 1h}'], { replicas: 3, nodes: 2 });
    expectOnly(r, 'capacityPacked');
  });

  test('a pod the scheduler can never place is capacity (pending) for the whole run', () => {
    const r = run([], { workload: '    resources: {requests: {cpu: "64"}, limits: {cpu: "64"}}' });
    expectOnly(r, 'capacityPending');
    expect(metricAt(r, 'service.availability')!.mean).toBe(0);
  });

  test("MI 4.4's duplicate-node check keeps the coordinated tasks down; 4.5 waits W and joins instead", { timeout: 60_000 }, () => {
    const text = readFileSync(new URL('../../scenarios/multiple-replicas-coordination.yaml', import.meta.url), 'utf8');
    const at44 = runExperiment(loadScenarioText(text, 'c.yaml', ['replications=20', 'horizon=90d', 'coordination.miVersion=4.4']).scenario!, undefined, { saturation: false });
    const down = metricAt(at44, 'artifacts.recurringOrder_Task.downtimeS')!.mean!;
    const check = metricAt(at44, 'artifacts.recurringOrder_Task.downtimeByCauseS.duplicateNodeCheck')!.mean!;
    expect(check / down).toBeGreaterThan(0.9);
    const at45 = runExperiment(loadScenarioText(text, 'c.yaml', ['replications=20', 'horizon=90d', 'coordination.miVersion=4.5']).scenario!, undefined, { saturation: false });
    // (4.5 still waits up to W after a restart before it joins.)
    const waited = metricAt(at45, 'artifacts.recurringOrder_Task.downtimeByCauseS.duplicateNodeCheck')!.mean!;
    expect(waited).toBeLessThan(60);
    expect(waited).toBeLessThan(check / 1000);
  });

  test('a message processor deactivated by its failing backend is down from the backend', { timeout: 60_000 }, () => {
    const text = readFileSync(new URL('../../scenarios/single-replica.yaml', import.meta.url), 'utf8');
    const r = runExperiment(loadScenarioText(text, 's.yaml', ['replications=20', 'horizon=90d']).scenario!, undefined, { saturation: false });
    const down = metricAt(r, 'artifacts.orderForwardingProcessor.downtimeS')!.mean!;
    // Deactivated until an operator re-activates it (median 30 min): most of its downtime.
    expect(metricAt(r, 'artifacts.orderForwardingProcessor.downtimeByCauseS.backend')!.mean! / down).toBeGreaterThan(0.8);
  });

  test('sum to the totals for the service, every workload and every artifact on every built-in scenario', { timeout: 120_000 }, () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      // (A year's horizon cut to 60 days; the rollout's two hours of requests kept.)
      const long = loadScenarioText(text, file).scenario!.horizon > 60 * 86400;
      const loaded = loadScenarioText(text, file, ['replications=6', ...(long ? ['horizon=60d'] : [])]);
      const r = runExperiment(loaded.scenario!, undefined, { saturation: false });
      const of = ['service', ...Object.keys(r.metrics.workloads ?? {}).map((w) => `workloads.${w}`), ...Object.keys(r.metrics.artifacts ?? {}).map((a) => `artifacts.${a}`)];
      for (const prefix of of) {
        const total = metricAt(r, `${prefix}.downtimeS`)!.mean!;
        const causes = prefix.startsWith('artifacts.') ? ARTIFACT_CAUSES : CAUSES;
        const sum = causes.reduce((a, cause) => a + metricAt(r, `${prefix}.downtimeByCauseS.${cause}`)!.mean!, 0);
        expect(sum, `${file} ${prefix}`).toBeCloseTo(total, 4);
      }
      for (const prefix of [...Object.keys(r.metrics.artifacts ?? {}).map((a) => `artifacts.${a}`), 'capabilities.scheduledTasks']) {
        if (metricAt(r, `${prefix}.duplicatesByCause.other`) === undefined) continue;
        const sum = DUPLICATE_CAUSES.reduce((a, cause) => a + metricAt(r, `${prefix}.duplicatesByCause.${cause}`)!.mean!, 0);
        expect(sum, `${file} ${prefix} duplicates`).toBeCloseTo(metricAt(r, `${prefix}.duplicateExecutions`)!.mean!, 6);
        if (file.startsWith('uncoordinated')) expect(metricAt(r, `${prefix}.duplicatesByCause.uncoordinated`)!.mean!, file).toBeGreaterThan(0);
      }
      const failed = metricAt(r, 'service.requests.failed')?.mean;
      if (failed == null) continue;
      const byCause = REQUEST_CAUSES.reduce((a, cause) => a + metricAt(r, `service.requests.failedByCause.${cause}`)!.mean!, 0);
      expect(byCause, `${file} failed requests`).toBeCloseTo(failed, 4);
      const perWorkload = Object.keys(r.metrics.workloads ?? {}).reduce(
        (a, w) => a + REQUEST_CAUSES.reduce((b, cause) => b + (metricAt(r, `workloads.${w}.failedRequestsByCause.${cause}`)?.mean ?? 0), 0),
        0,
      );
      expect(perWorkload, `${file} failed requests over the workloads`).toBeCloseTo(failed, 4);
    }
  });
});

describe('duplicate task runs by cause', () => {
  test('uncoordinated replicas run every task on each: their duplicates are that, pauses or not', { timeout: 60_000 }, () => {
    const text = readFileSync(new URL('../../scenarios/uncoordinated-replicas.yaml', import.meta.url), 'utf8');
    const pauses = 'workloads[0].failures.jvmPause={timeToFailure: {dist: exponential, mean: 30d}, duration: {dist: constant, value: 5s}}';
    const r = runExperiment(loadScenarioText(text, 'u.yaml', ['replications=10', 'horizon=30d', pauses]).scenario!, undefined, { saturation: false });
    const all = metricAt(r, 'capabilities.scheduledTasks.duplicateExecutions')!.mean!;
    expect(all).toBeGreaterThan(0);
    expect(metricAt(r, 'capabilities.scheduledTasks.duplicatesByCause.uncoordinated')!.mean).toBe(all);
  });
});

describe('failed requests by cause', () => {
  const traffic = (rate: string) => `    traffic: {rate: ${rate}, timeout: 30s}`;

  /** The causes with failed requests (mean over the replications), and the total. */
  function failed(r: RunResult): { total: number; causes: Record<string, number> } {
    const out: Record<string, number> = {};
    for (const cause of REQUEST_CAUSES) {
      const v = metricAt(r, `service.requests.failedByCause.${cause}`)!.mean!;
      if (v > 0) out[cause] = v;
    }
    return { total: metricAt(r, 'service.requests.failed')!.mean!, causes: out };
  }

  function expectOnlyFailed(r: RunResult, cause: string): void {
    const f = failed(r);
    expect(f.total, 'some requests fail').toBeGreaterThan(0);
    expect(Object.keys(f.causes)).toEqual([cause]);
    expect(f.causes[cause]).toBeCloseTo(f.total, 6);
  }

  for (const mode of ['fluid', 'requests']) {
    test(`${mode} mode: a crash, a node crash and a hang fail requests of their own cause`, { timeout: 60_000 }, () => {
      const o = { horizon: '3h', workload: traffic('20/s'), top: `traffic: {mode: ${mode}}` };
      expectOnlyFailed(run(['{type: pod-crash, at: 1h, workload: mi}'], o), 'containerCrash');
      expectOnlyFailed(run(['{type: node-crash, at: 1h, nodeOf: mi, repairAfter: 10m}'], o), 'nodeCrash');
      expectOnlyFailed(run(['{type: pod-hang, at: 1h, workload: mi}'], { ...o, replicas: 2 }), 'containerHang');
      expectOnlyFailed(run(['{type: jvm-pause, at: 1h, workload: mi, duration: 2m}'], { ...o, replicas: 2 }), 'jvmPause');
    });
  }

  test('more requests than the pods can serve fail from overload', { timeout: 60_000 }, () => {
    const r = run([], { horizon: '2h', workload: traffic('5000/s') });
    expectOnlyFailed(r, 'overload');
    // A crash in a long overload: its own requests are the crash's, the rest of the days' timeouts
    // stay overload's (the fluid mode integrates such a stretch in one long interval).
    const crashed = failed(run(['{type: pod-crash, at: 1h, workload: mi}'], { horizon: '3d', workload: traffic('5000/s') }));
    expect(crashed.causes.containerCrash).toBeGreaterThan(0);
    expect(crashed.causes.overload! / crashed.total).toBeGreaterThan(0.99);
    // A short JVM pause in a long overload takes its own requests, not the stretch before it.
    const paused = failed(run(['{type: jvm-pause, at: 2d, workload: mi, duration: 10s}'], { horizon: '3d', workload: traffic('5000/s') }));
    expect(paused.causes.jvmPause).toBeGreaterThan(0);
    expect(paused.causes.overload! / paused.total).toBeGreaterThan(0.99);
  });

  test("fluid mode: a pause shorter than readiness's reaction, and a node crash under a short client timeout, are theirs", { timeout: 60_000 }, () => {
    // Requests sent to the paused pod (it stays in rotation through 3 s) time out: the pause's.
    const paused = failed(run(['{type: jvm-pause, at: 1h, workload: mi, duration: 3s}'], { horizon: '3h', replicas: 2, workload: '    traffic: {rate: 200/s, timeout: 2s}' }));
    expect(Object.keys(paused.causes)).toEqual(['jvmPause']);
    // Requests that lose connect timeouts on the dead node's pod before reaching the other, then time out.
    const crashed = failed(run(['{type: node-crash, at: 1h, nodeOf: mi, repairAfter: 10m}'], { horizon: '3h', replicas: 2, workload: '    traffic: {rate: 200/s, timeout: 4s}' }));
    expect(crashed.causes.nodeCrash! / crashed.total).toBeGreaterThan(0.99);
  });
});
