// Findings: each on a scenario built to trigger it, from the measured metric, naming it, its size
// and the setting that changes it; none where nothing stands out.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatFindings } from '../../cli/findings.js';
import { runExperiment } from '../../sim/experiment/experiment.js';
import { formatScenarioError, loadScenarioText, type OverrideInput } from '../../sim/scenario/index.js';

function findings(builtin: string, overrides: OverrideInput[]): string {
  const source = readFileSync(new URL(`../../scenarios/${builtin}.yaml`, import.meta.url), 'utf8');
  const loaded = loadScenarioText(source, `${builtin}.yaml`, ['replications=40', ...overrides]);
  expect(loaded.errors.map(formatScenarioError)).toEqual([]);
  const r = runExperiment(loaded.scenario!, undefined, { saturation: false });
  const text = formatFindings([r], [loaded.scenario!], ['s']);
  for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  // One finding per line, its wrapped continuation lines joined.
  return text.replace(/\n {2}/g, ' ');
}

describe('findings', { timeout: 120_000 }, () => {
  test('packing after a node loss: three replicas on two nodes', () => {
    const text = findings('multiple-replicas', ['cluster.nodePools[0].count=2']);
    expect(text).toMatch(/^Findings \(largest first\):\n- s: pods packed onto one node after a node loss cause [\d.]+ (s|min)\/y of downtime \(100\.0% of it; service\.downtimeByCauseS\.capacityPacked\)\. Spread them: workloads\[0\]\.scheduling\.topologySpread/);
  });

  test('a pod pending for the run: required anti-affinity with fewer nodes than replicas', () => {
    const text = findings('multiple-replicas', ['cluster.nodePools[0].count=2', 'workloads[0].scheduling.podAntiAffinity.required=hostname', 'horizon=30d']);
    expect(text).toContain('- s: a pod of mi waits for a node 100.0% of the time (workloads.mi.pendingFraction): the scheduler');
    expect(text).toContain('workloads[0].scheduling.podAntiAffinity.required=hostname needs a node per replica.');
  });

  test('overload: a single pod offered more than it serves at the daily peak', () => {
    const text = findings('single-replica', ['workloads[0].traffic.rate={profile: diurnal, mean: 1500/s, amplitude: 0.5}', 'horizon=10d']);
    expect(text).toMatch(/- s: offered more requests than its pods can serve 2\d% of the time \(service\.overloadFraction\), [\d,]+ failed requests\/y/);
    expect(text).toContain('more replicas (workloads[0].replicas)');
  });

  test('requests a cloud load balancer drops while availability shows 100%', () => {
    const text = findings('multiple-replicas', ['loadBalancer.type=cloud', 'horizon=60d']);
    expect(text).toMatch(/- s: [\d,]+ requests\/y fail while the service counts as up, which availability does not show \(connection failed [\d,]+, /);
    expect(text).toContain('the cloud load balancer does not retry and drops a dead target only after its health checks: loadBalancer.healthCheck');
  });

  test('the same finding in two scenarios is one line naming both; a packing of a fraction of a second is none', () => {
    const source = readFileSync(new URL('../../scenarios/multiple-replicas.yaml', import.meta.url), 'utf8');
    const loaded = loadScenarioText(source, 'multiple-replicas.yaml', ['replications=40', 'cluster.nodePools[0].count=2']);
    const r = runExperiment(loaded.scenario!, undefined, { saturation: false });
    const text = formatFindings([r, r], [loaded.scenario!, loaded.scenario!], ['a', 'b']);
    const lines = text.split('\n').filter((l) => l.startsWith('- '));
    expect(lines[0]).toMatch(/^- a, b: pods packed onto one node/);
    expect(lines.every((l) => l.startsWith('- a, b: '))).toBe(true);
    // Three spread replicas on three nodes: packing happens (two pods share a node after a loss) but costs well under 10 s a year.
    expect(findings('multiple-replicas', [])).toBe('');
  });

  test("MI 4.4's duplicate-node check keeping coordinated artifacts from running, and none with 4.5 or 4.6", () => {
    const text = findings('multiple-replicas-coordination', ['horizon=90d', 'coordination.miVersion=4.4']);
    expect(text).toMatch(/- s: the duplicate-node check keeps \d+ artifacts \(\w+ the most\) from running [\d.]+ d\/y \(\d+\.?\d*% of its downtime; artifacts\.\w+\.downtimeByCauseS\.duplicateNodeCheck\): tasks run \d+(\.\d+)?% of the time\./);
    expect(text).toContain('coordination.miVersion=4.6 (the current release) waits W and joins.');
    expect(findings('multiple-replicas-coordination', ['horizon=90d', 'coordination.miVersion=4.5'])).not.toContain('duplicate-node check');
    // The built-ins' default, 4.6, as 4.5.
    expect(findings('multiple-replicas-coordination', ['horizon=90d'])).not.toContain('duplicate-node check');
  });

  test('tasks run twice after JVM pauses longer than W', () => {
    const pauses = 'workloads[0].failures.jvmPause={timeToFailure: {dist: exponential, mean: 30d}, duration: {dist: lognormal, median: 10s, p95: 40s}}';
    const text = findings('multiple-replicas-coordination', ['horizon=90d', 'coordination.miVersion=4.5', pauses]);
    expect(text).toMatch(/- s: JVM pauses longer than W \(15\.0 s\) make tasks run twice [\d,]+ times\/y \(\d+(\.\d+)?% of the duplicates; capabilities\.scheduledTasks\.duplicatesByCause\.jvmPause\)/);
    expect(text).toContain('coordination.heartbeatInterval x heartbeatMaxRetry');
    // Without pauses: no such finding.
    expect(findings('multiple-replicas-coordination', ['horizon=90d', 'coordination.miVersion=4.5'])).not.toContain('JVM pauses');
  });

  test('none where nothing stands out', () => {
    expect(findings('multiple-replicas', ['horizon=60d'])).toBe('');
  });
});
