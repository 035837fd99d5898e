// `deploysim import`: Helm values of the MI chart, Kubernetes manifests and MI's deployment.toml
// become a scenario that loads, with each field's source named beside it and a report that
// accounts for every setting read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, test } from 'vitest';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { importFiles } from '../../cli/import.js';
import { pathText, type Seg } from '../../cli/import-source.js';
import { InputError } from '../../cli/scenarios.js';
import { loadScenarioText, type Scenario } from '../../sim/scenario/index.js';

const DIR = join(__dirname, '..', 'fixtures', 'import');
const read = (name: string) => ({ path: name, text: readFileSync(join(DIR, name), 'utf8') });

function run(...names: string[]) {
  const result = importFiles(names.map(read));
  const loaded = loadScenarioText(result.scenario, 'imported.yaml');
  expect(loaded.errors).toEqual([]);
  return { ...result, s: loaded.scenario as Scenario };
}

/** The line of the first line of a fixture matching `re` (1-based). */
function lineOf(name: string, re: RegExp): number {
  const i = read(name).text.split('\n').findIndex((l) => re.test(l));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** Every leaf of a YAML file as path text. */
function yamlLeaves(text: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: Seg[]) => {
    if (isMap(node) && node.items.length > 0) {
      for (const p of node.items) if (isPair(p)) walk(p.value, [...path, String(isScalar(p.key) ? p.key.value : p.key)]);
    } else if (isSeq(node) && node.items.length > 0) node.items.forEach((x, i) => walk(x, [...path, i]));
    else out.push(pathText(path));
  };
  walk(parseDocument(text).contents, []);
  return out;
}

function tomlLeaves(value: unknown, path: Seg[] = []): string[] {
  const isTable = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
  if (isTable(value) && Object.keys(value as object).length > 0) return Object.entries(value as object).flatMap(([k, v]) => tomlLeaves(v, [...path, k]));
  if (Array.isArray(value) && value.length > 0 && value.every(isTable)) return value.flatMap((v, i) => tomlLeaves(v, [...path, i]));
  return [pathText(path)];
}

/** The input keys a report line names for `file` (mapped, overridden and ignored lines). */
function keysOf(report: string[], file: string): string[] {
  const keys: string[] = [];
  for (const line of report) {
    const m = /^(mapped|overridden|ignored) ([^ ]+):(\d+) (.*)$/.exec(line);
    if (m === null || m[2] !== file) continue;
    const rest = m[4]!;
    const text = m[1] === 'ignored' ? rest.slice(0, rest.indexOf(' (')) : rest.slice(0, rest.indexOf(' -> ')).replace(/ \(-D\w+\)$/, '');
    keys.push(...text.split(', '));
  }
  return keys;
}

/** The leaves no report line names (neither the leaf nor a node above it). */
function unaccounted(leaves: string[], keys: string[]): string[] {
  return leaves.filter((leaf) => !keys.some((k) => k === '' || leaf === k || leaf.startsWith(`${k}.`) || leaf.startsWith(`${k}[`)));
}

describe('import: the chart’s values_full.yaml', () => {
  test('replicas, probes, strategy, resources, PDB and coordination match the file (acceptance)', () => {
    const { s } = run('values_full.yaml');
    const values = parseDocument(read('values_full.yaml').text).toJS() as any;
    const d = values.wso2.deployment;
    const w = s.workloads[0]!;
    expect(w.replicas).toBe(d.replicas);
    expect(d.replicas).toBe(3);
    // Every probe field: the three the chart renders for startup, two for readiness, one for
    // liveness come from the file; the rest are Kubernetes' defaults, as in the rendered pod.
    expect(w.probes.startup).toEqual({ initialDelay: d.probes.startup.initialDelaySeconds, period: d.probes.startup.periodSeconds, failureThreshold: d.probes.startup.failureThreshold, successThreshold: 1 });
    expect(w.probes.readiness).toEqual({ initialDelay: d.probes.readiness.initialDelaySeconds, period: d.probes.readiness.periodSeconds, failureThreshold: 3, successThreshold: 1 });
    expect(w.probes.liveness).toEqual({ initialDelay: 0, period: d.probes.liveness.periodSeconds, failureThreshold: 3, successThreshold: 1 });
    expect(w.probes.startup!.initialDelay).toBe(10); // changed from the chart's 5
    expect(w.strategy).toMatchObject({ type: 'RollingUpdate', maxSurge: d.strategy.rollingUpdate.maxSurge, maxUnavailable: d.strategy.rollingUpdate.maxUnavailable });
    expect(w.resources.requests.cpu).toBe(750);
    expect(w.resources.requests.memory).toBe(1024);
    expect(w.resources.limits.cpu).toBe(1500);
    expect(w.podDisruptionBudget).toEqual({ minAvailable: d.pdb.minAvailable });
    expect(w.autoscaling).toBeNull();
    expect(w.coordination).toBe(true);
    expect(s.coordination.heartbeatInterval).toBe(3);
    expect(s.coordination.heartbeatMaxRetry).toBe(4);
    expect(s.coordination.miVersion).toBe('4.4');
    expect(w.image).toBe('registry.example.com/integration/orders-mi:4.4.0');
    expect(w.scheduling.podAntiAffinity).toEqual({ required: null, preferred: 'zone', weight: 100 });
    expect(w.serving.concurrency).toBe(200);
    expect(s.loadBalancer.type).toBe('ingress');
    expect(s.loadBalancer.policy).toBe('ewma');
    expect(s.loadBalancer.readTimeout).toBe(120);
  });

  test('each field it set names its source line; the header names the inputs', () => {
    const { scenario } = run('values_full.yaml');
    expect(scenario).toMatch(/^# Scenario written by `deploysim import` from:\n# {3}values_full\.yaml \(Helm values of the wso2\/helm-mi chart\)/);
    const at = (re: RegExp) => lineOf('values_full.yaml', re);
    expect(scenario).toContain(`replicas: 3 # from values_full.yaml:${at(/^ {4}replicas: 3/)}`);
    expect(scenario).toContain(`minAvailable: 2 # from values_full.yaml:${at(/^ {6}minAvailable: 2/)}`);
    expect(scenario).toContain(`maxSurge: 2 # from values_full.yaml:${at(/maxSurge: 2/)}`);
    expect(scenario).toContain(`initialDelay: 45s # from values_full.yaml:${at(/initialDelaySeconds: 45/)}`);
    expect(scenario).toContain(`coordination: true # from values_full.yaml:${at(/clusterdb/)}`);
    expect(scenario).toContain(`heartbeatInterval: 3s # from values_full.yaml:${at(/JAVA_OPTS/)}`);
    expect(scenario).toMatch(/type: RollingUpdate # default: the chart always renders a RollingUpdate strategy/);
    // Every mapped line of the report has its field in the scenario with the same source.
    const { report } = run('values_full.yaml');
    for (const line of report.filter((l) => l.startsWith('mapped '))) {
      const m = /^mapped (values_full\.yaml:\d+) .* -> (\S+) = /.exec(line)!;
      expect(scenario).toContain(`# from ${m[1]}`);
    }
  });

  test('the report lists what was mapped, defaulted and ignored, and drops nothing', () => {
    const { report } = run('values_full.yaml');
    const at = (re: RegExp) => lineOf('values_full.yaml', re);
    expect(report).toContain(`mapped values_full.yaml:${at(/^ {4}replicas: 3/)} wso2.deployment.replicas -> workloads[0].replicas = 3`);
    expect(report).toContain('defaulted cluster.nodePools[0].count = 3 (no node count in the inputs: the scenario\'s 3 nodes, room for the replicas (3 pods) one per node)');
    expect(report).toContain(`ignored values_full.yaml:${at(/^provider:/)} provider (outside the model: cloud provider)`);
    // A subtree outside the model is one line, with its count.
    expect(report).toContain(`ignored values_full.yaml:${at(/^ {4}userstore:/)} wso2.config.userstore (6 settings; outside the model: user store)`);
    expect(report.some((l) => /^ignored values_full\.yaml:\d+ wso2\.deployment\.resources\.limits\.memory \(outside the model: a memory limit/.test(l))).toBe(true);
    expect(report.some((l) => /^note values_full\.yaml:\d+ wso2\.deployment\.envs\.JAVA_OPTS: the other options in it \(-Dfile\.encoding=UTF-8\)/.test(l))).toBe(true);
    // Lines come in kind order: mapped, defaulted, ignored, notes.
    const kinds = report.map((l) => l.split(' ')[0]);
    expect(kinds).toEqual([...kinds].sort((a, b) => ['mapped', 'overridden', 'defaulted', 'ignored', 'note'].indexOf(a!) - ['mapped', 'overridden', 'defaulted', 'ignored', 'note'].indexOf(b!)));
    // Nothing silently dropped: every leaf of the file is named by a line, or falls under a named subtree.
    expect(unaccounted(yamlLeaves(read('values_full.yaml').text), keysOf(report, 'values_full.yaml'))).toEqual([]);
  });

  test('a values.yaml-style file takes the chart’s defaults for what it leaves out', () => {
    const { s, report, scenario } = run('values.yaml');
    const w = s.workloads[0]!;
    expect(w.replicas).toBe(2);
    expect(w.resources.requests.cpu).toBe(1000);
    expect(w.resources.limits.cpu).toBe(1000);
    expect(w.strategy).toMatchObject({ maxSurge: 1, maxUnavailable: 0 });
    expect(w.probes.startup).toEqual({ initialDelay: 5, period: 3, failureThreshold: 40, successThreshold: 1 });
    expect(w.podDisruptionBudget).toBeNull();
    expect(w.coordination).toBe(false);
    expect(s.coordination.miVersion).toBe('4.5');
    expect(report).toContain("defaulted workloads[0].strategy.maxSurge = 1 (not in values.yaml: the chart's default)");
    expect(scenario).toContain("maxUnavailable: 0 # default: not in values.yaml: the chart's default");
    expect(unaccounted(yamlLeaves(read('values.yaml').text), keysOf(report, 'values.yaml'))).toEqual([]);
  });
});

describe('import: Kubernetes manifests', () => {
  test('multi-document output of helm template, with the ConfigMap’s deployment.toml', () => {
    const { s, report } = run('helm-template.yaml');
    const w = s.workloads[0]!;
    expect(w.name).toBe('wso2mi-orders');
    expect(w.replicas).toBe(4);
    expect(w.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 70 });
    expect(w.podDisruptionBudget).toEqual({ minAvailable: 2 }); // 50% of 4, rounded up
    expect(w.probes.startup).toEqual({ initialDelay: 5, period: 3, failureThreshold: 40, successThreshold: 1 });
    expect(w.strategy).toMatchObject({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
    expect(w.scheduling.podAntiAffinity).toEqual({ required: null, preferred: 'zone', weight: 100 });
    expect(w.coordination).toBe(true);
    expect(s.coordination.resolver).toEqual({ type: 'task-node', taskServerCount: 1, taskNodes: ['wso2mi-orders-1', 'wso2mi-orders-2'] });
    expect(s.coordination.heartbeatInterval).toBe(4);
    expect(s.coordination.memberEventPollPeriod).toBe(0.5);
    expect(s.coordination.miVersion).toBe('4.5');
    expect(s.loadBalancer.type).toBe('ingress');
    expect(s.loadBalancer.tries).toBe(2);
    expect(s.cluster.nodePools[0]!.count).toBe(6);
    // The embedded deployment.toml is located in the manifest file.
    const id = lineOf('helm-template.yaml', /id = "WSO2_COORDINATION_DB"/);
    expect(report).toContain(`mapped helm-template.yaml:${id} ConfigMap/wso2mi-orders-mi-toml data["deployment.toml"]: datasource[0].id -> workloads[0].coordination = true (a WSO2_COORDINATION_DB datasource: the servers join the coordination cluster)`);
    expect(report.some((l) => /^ignored helm-template\.yaml:\d+ HorizontalPodAutoscaler\/wso2mi-orders spec\.metrics\[1\] \(4 settings; outside the model: a memory metric/.test(l))).toBe(true);
  });

  test('a kubectl get -o yaml List: Recreate, required anti-affinity, spread, LoadBalancer Service, maxUnavailable', () => {
    const { s, report } = run('kubectl-list.yaml');
    const w = s.workloads[0]!;
    expect(w.name).toBe('payments-mi');
    expect(w.replicas).toBe(2);
    expect(w.strategy).toMatchObject({ type: 'Recreate', minReadySeconds: 10 });
    expect(w.scheduling.podAntiAffinity).toMatchObject({ required: 'hostname', preferred: null });
    expect(w.scheduling.topologySpread).toEqual([{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }]);
    expect(w.probes.startup).toBeNull();
    expect(w.probes.liveness).toEqual({ initialDelay: 30, period: 20, failureThreshold: 5, successThreshold: 1 });
    expect(w.probes.readiness).toEqual({ initialDelay: 20, period: 5, failureThreshold: 3, successThreshold: 2 });
    expect(w.resources.requests).toEqual({ cpu: 2000, memory: 2048 }); // no requests: Kubernetes takes the limits
    expect(w.resources.limits.cpu).toBe(2000);
    expect(w.terminationGracePeriod).toBe(60);
    expect(w.podDisruptionBudget).toEqual({ minAvailable: 1 });
    expect(w.autoscaling).toBeNull();
    expect(s.loadBalancer.type).toBe('cloud');
    expect(s.kubernetes.tolerationSeconds).toBe(120);
    expect(s.coordination).toMatchObject({ heartbeatInterval: 2, heartbeatMaxRetry: 5, memberEventPollPeriod: 0.75, miVersion: '4.3' });
    expect(report).toContain('defaulted workloads[0].probes.startup = none (no startupProbe in Deployment/payments-mi)');
    expect(report.some((l) => /^ignored kubectl-list\.yaml:\d+ ServiceAccount\/payments-mi \(4 settings; outside the model: a ServiceAccount\)$/.test(l))).toBe(true);
    expect(report.some((l) => /^ignored kubectl-list\.yaml:\d+ Deployment\/payments-mi status \(5 settings;/.test(l))).toBe(true);
    expect(report.some((l) => /^ignored kubectl-list\.yaml:\d+ Deployment\/payments-mi spec\.template\.spec\.containers\[0\]\.livenessProbe\.timeoutSeconds/.test(l))).toBe(true);
  });
});

describe('import: deployment.toml', () => {
  test('resolver, resolving period and frequency, task server count, the coordination datasource', () => {
    const { s, report } = run('deployment.toml');
    expect(s.workloads.map((w) => [w.name, w.coordination])).toEqual([['mi', true]]);
    expect(s.coordination.resolver).toMatchObject({ type: 'round-robin', taskServerCount: 2 });
    expect(s.coordination.resolvingPeriod).toBe(4);
    expect(s.coordination.resolvingFrequency).toBe(3);
    const at = (re: RegExp) => lineOf('deployment.toml', re);
    expect(report).toContain(`mapped deployment.toml:${at(/^resolving_period/)} task_handling.resolving_period -> coordination.resolvingPeriod = 4s`);
    // MI reads the heartbeat settings only as system properties or environment variables.
    expect(report).toContain(`ignored deployment.toml:${at(/^heartBeatInterval/)} cluster_config.heartBeatInterval (MI reads heartBeatInterval only as a -D system property or an environment variable, not from deployment.toml)`);
    expect(s.coordination.heartbeatInterval).toBe(5);
    expect(unaccounted(tomlLeaves(parseToml(read('deployment.toml').text)), keysOf(report, 'deployment.toml'))).toEqual([]);
  });

  test('heartbeat settings from -D options beat environment variables of the same name', () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: mi}
spec:
  template:
    spec:
      containers:
        - name: wso2mi
          image: wso2/wso2mi:4.4.0
          env:
            - {name: heartBeatInterval, value: "9000"}
            - {name: JAVA_OPTS, value: "-DheartBeatInterval=2500 -DscheduledPeriod=250"}
`;
    const r = importFiles([{ path: 'd.yaml', text: manifest }]);
    const s = loadScenarioText(r.scenario, 'x.yaml').scenario!;
    expect(s.coordination.heartbeatInterval).toBe(2.5);
    expect(s.coordination.memberEventPollPeriod).toBe(0.25);
    expect(r.report).toContain('ignored d.yaml:11 Deployment/mi spec.template.spec.containers[0].env[0].name, spec.template.spec.containers[0].env[0].value (the -D heartBeatInterval in JAVA_OPTS wins: MI reads the system property before the environment variable)');
  });
});

describe('import: several inputs', () => {
  test('values.yaml + deployment.toml merge into one scenario', () => {
    const { s, scenario, report } = run('values.yaml', 'deployment.toml');
    const w = s.workloads[0]!;
    expect(s.workloads).toHaveLength(1);
    expect(w.replicas).toBe(2);
    expect(w.coordination).toBe(true); // the chart's values have none; deployment.toml has the datasource
    expect(s.coordination.resolver.type).toBe('round-robin');
    expect(s.coordination.miVersion).toBe('4.5');
    expect(scenario).toContain(`coordination: true # from deployment.toml:${lineOf('deployment.toml', /id = "WSO2_COORDINATION_DB"/)}`);
    expect(scenario).toMatch(/# {3}values\.yaml \(Helm values of the wso2\/helm-mi chart\)\n# {3}deployment\.toml \(MI deployment\.toml\)/);
    expect(report.some((l) => l.startsWith('mapped values.yaml:'))).toBe(true);
    expect(report.some((l) => l.startsWith('mapped deployment.toml:'))).toBe(true);
  });

  test('when two inputs set the same field the later one wins, and the report says which', () => {
    const a = run('helm-template.yaml', 'deployment.toml');
    expect(a.s.coordination.resolver.type).toBe('round-robin');
    const overridden = a.report.filter((l) => l.startsWith('overridden '));
    expect(overridden).toContain(
      `overridden helm-template.yaml:${lineOf('helm-template.yaml', /TaskNodeResolver/)} ConfigMap/wso2mi-orders-mi-toml data["deployment.toml"]: task_handling.resolver_class -> coordination.resolver.type = task-node (deployment.toml:${lineOf('deployment.toml', /^resolver_class/)} task_handling.resolver_class sets coordination.resolver.type = round-robin; the later input wins)`,
    );
    const b = run('deployment.toml', 'helm-template.yaml');
    expect(b.s.coordination.resolver.type).toBe('task-node');
    expect(b.report.some((l) => l.startsWith('overridden deployment.toml:') && l.endsWith('the later input wins)'))).toBe(true);
  });

  test('the Helm values and a manifest describe one workload', () => {
    const { s, report } = run('values.yaml', 'helm-template.yaml');
    expect(s.workloads).toHaveLength(1);
    expect(s.workloads[0]!.name).toBe('wso2mi-orders');
    expect(s.workloads[0]!.replicas).toBe(4); // the later input
    expect(report.some((l) => l.startsWith('overridden values.yaml:') && l.includes('-> workloads[0].replicas = 2'))).toBe(true);
  });

  test('the same inputs give the same scenario and report', () => {
    const one = importFiles([read('values_full.yaml'), read('deployment.toml'), read('kubectl-list.yaml')]);
    const two = importFiles([read('values_full.yaml'), read('deployment.toml'), read('kubectl-list.yaml')]);
    expect(two).toEqual(one);
  });
});

describe('import: files that are none of the kinds', () => {
  const fails = (name: string, text?: string) => {
    try {
      importFiles([text === undefined ? read(name) : { path: name, text }]);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error(`${name} was imported`);
  };

  test('YAML that is neither Helm values nor manifests', () => {
    const msg = fails('not-mi.yaml');
    expect(msg).toMatch(/^not-mi\.yaml: YAML, but neither Helm values of the MI chart .* its top-level keys: name, on, jobs; expected Helm values of the WSO2 MI chart/);
  });

  test('a file that is not YAML (nor TOML)', () => {
    const msg = fails('not-yaml.txt');
    expect(msg).toMatch(/^not-yaml\.txt: neither YAML nor TOML of a kind import reads \(YAML: line \d+: .*; TOML: line \d+: .*\); expected Helm values/);
  });

  test('TOML that is not an MI deployment.toml', () => {
    expect(fails('not-mi.toml')).toMatch(/^not-mi\.toml: TOML, but not an MI deployment\.toml: none of its tables \(\[package\], \[dependencies\]\) is one MI reads; expected/);
  });

  test('an empty file', () => {
    expect(fails('empty.yaml', '# nothing\n\n')).toMatch(/^empty\.yaml: empty; expected Helm values/);
  });
});
