import { parse as parseYaml } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { scenarioSpec } from '../../sim/scenario/index.js';
import type { LeafSpec, ObjectSpec, Spec } from '../../sim/scenario/spec.js';
import { BUILTINS, load, MINIMAL, RICH } from './helpers.js';

/** The spec of a field path such as `workloads[].probes.readiness.period`. */
function specAt(path: string): Spec {
  let spec: Spec = scenarioSpec;
  for (const part of path.split('.')) {
    const key = part.replace(/\[\]$/, '');
    spec = (spec as ObjectSpec).fields[key]!;
    expect(spec, path).toBeDefined();
    if (part.endsWith('[]') && spec.kind === 'array') spec = spec.items;
  }
  return spec;
}

const defaultOf = (path: string): unknown => (specAt(path) as LeafSpec).default;

describe('defaults', () => {
  const r = load(MINIMAL, 'scenarios/minimal.yaml');
  const s = r.scenario!;

  it('a minimal scenario loads with no errors', () => {
    expect(r.messages).toEqual([]);
    expect(s).toBeDefined();
  });

  it('names the scenario after its file', () => {
    expect(s.name).toBe('minimal');
    expect(load(MINIMAL, 'dir/other.json').scenario!.name).toBe('other');
  });

  it('fills top-level defaults from fields.ts', () => {
    expect(s.horizon).toBe(defaultOf('horizon'));
    expect(s.horizon).toBe(365 * 86400);
    expect(s.warmup).toBe(600);
    expect(s.seed).toBe(defaultOf('seed'));
    expect(s.replications).toBe(defaultOf('replications'));
    expect(s.replications).toBe(200);
    expect(s.description).toBe('');
    expect(s.limits.maxEventsPerReplication).toBe(defaultOf('limits.maxEventsPerReplication'));
    expect(s.faults).toEqual([]);
  });

  it('fills Kubernetes timings', () => {
    const k = s.kubernetes;
    expect(k.nodeMonitorGracePeriod).toBe(defaultOf('kubernetes.nodeMonitorGracePeriod'));
    expect(k.nodeMonitorGracePeriod).toBe(50);
    expect(k.tolerationSeconds).toBe(300);
    expect(k.nodeEvictionRate).toBe(0.1);
    expect(k.schedulingLatency).toEqual({ dist: 'constant', value: 0.5 });
    expect(k.podInitialBackoff).toBe(1);
    expect(k.podMaxBackoff).toBe(10);
    expect(k.kubelet.exitDetection).toEqual({ dist: 'uniform', min: 0, max: 1 });
    expect(k.kubelet.crashLoopBackOff).toEqual({ initial: 10, max: 300, resetAfter: 600 });
  });

  it('fills one default node pool', () => {
    expect(s.cluster.nodePools).toHaveLength(1);
    const pool = s.cluster.nodePools[0]!;
    expect(pool).toMatchObject({ name: 'worker', count: 3, cpu: 4000, memory: 16384, zones: ['zone-a', 'zone-b', 'zone-c'], imagePrePulled: false });
    expect(pool.failures.crash).toEqual({ timeToFailure: { dist: 'exponential', mean: 16000 * 3600 } });
    expect(pool.failures.repairTime).toEqual({ dist: 'lognormal', median: 3600, p95: 8 * 3600 });
  });

  it('fills every workload field', () => {
    const w = s.workloads[0]!;
    expect(w.name).toBe('mi');
    expect(w.replicas).toBe(defaultOf('workloads[].replicas'));
    expect(w.replicas).toBe(1);
    expect(w.image).toBe(defaultOf('workloads[].image'));
    expect(w.servesTraffic).toBe(true);
    expect(w.resources).toEqual({ requests: { cpu: 500, memory: 512 }, limits: { cpu: 1000 } });
    expect(w.startup.artifacts).toBe(1);
    expect(w.startup.serverStart).toEqual({ dist: 'lognormal', median: 5, p95: 9 });
    expect(w.probes.startup).toEqual({ initialDelay: 5, period: 3, failureThreshold: 40, successThreshold: 1 });
    expect(w.probes.readiness).toEqual({ initialDelay: 60, period: 1, failureThreshold: 3, successThreshold: 1 });
    expect(w.probes.liveness).toEqual({ initialDelay: 0, period: 10, failureThreshold: 3, successThreshold: 1 });
    expect(w.terminationGracePeriod).toBe(30);
    expect(w.scheduling).toEqual({ podAntiAffinity: { required: null, preferred: 'zone', weight: 100 }, topologySpread: [] });
    expect(w.podDisruptionBudget).toBeNull();
    expect(w.failures.crash).toEqual({ timeToFailure: { dist: 'exponential', mean: 14 * 86400 } });
    expect(w.failures.hang).toBeNull();
  });

  it('gives each load its own copy of the defaults', () => {
    const a = load(MINIMAL).scenario!;
    a.workloads[0]!.startup.serverStart = { dist: 'constant', value: 1 };
    a.kubernetes.kubelet.exitDetection = { dist: 'constant', value: 1 };
    a.cluster.nodePools[0]!.zones.push('zone-x');
    const b = load(MINIMAL).scenario!;
    expect(b.workloads[0]!.startup.serverStart).toEqual({ dist: 'lognormal', median: 5, p95: 9 });
    expect(b.kubernetes.kubelet.exitDetection).toEqual({ dist: 'uniform', min: 0, max: 1 });
    expect(b.cluster.nodePools[0]!.zones).toEqual(['zone-a', 'zone-b', 'zone-c']);
  });

  it('an empty document reports the one required field', () => {
    expect(load('', 'e.yaml').messages).toEqual(['e.yaml:1:1 workloads: expected a list, got nothing (the field is required)']);
  });
});

describe('YAML and JSON', () => {
  it.each(BUILTINS)('%s as JSON gives the same scenario', (file, text) => {
    const json = JSON.stringify(parseYaml(text), null, 2);
    const fromYaml = load(text, file);
    const fromJson = load(json, file);
    expect(fromYaml.messages).toEqual([]);
    expect(fromJson.messages).toEqual([]);
    expect(fromJson.scenario).toStrictEqual(fromYaml.scenario);
  });

  it('the rich scenario as JSON gives the same scenario', () => {
    const a = load(RICH, 'rich.yaml');
    const b = load(JSON.stringify(parseYaml(RICH)), 'rich.json');
    expect(a.messages).toEqual([]);
    expect(b.scenario).toStrictEqual(a.scenario);
  });

  it('JSON errors carry JSON line and column', () => {
    const json = '{"workloads": [{"name": "mi", "replicas": -2}],\n "horizon": "abc"}';
    expect(load(json, 'c.json').messages).toEqual([
      'c.json:1:43 workloads[0].replicas: expected an integer between 0 and 1000, got -2',
      'c.json:2:13 horizon: expected a duration such as 90s, 5m, 2h or 30d, got "abc"',
    ]);
  });
});

describe('error reports', () => {
  it('a file with three mistakes gives exactly three errors, in document order, at their line and column', () => {
    const text = ['horizon: 30d', 'warmup: 5q', 'workloads:', '  - name: mi', '    replicas: -2', '    colour: blue', ''].join('\n');
    const r = load(text, 'scenarios/x.yaml');
    expect(r.scenario).toBeUndefined();
    expect(r.messages).toEqual([
      'scenarios/x.yaml:2:9 warmup: expected a duration such as 90s, 5m, 2h or 30d, got "5q"',
      'scenarios/x.yaml:5:15 workloads[0].replicas: expected an integer between 0 and 1000, got -2',
      'scenarios/x.yaml:6:5 workloads[0].colour: expected one of the fields name, replicas, image, servesTraffic, role, resources, startup, probes, terminationGracePeriod, scheduling, autoscaling, podDisruptionBudget, strategy, serving, traffic, coordination, registry, artifacts, failures, got "colour"',
    ]);
    expect(r.errors.map((e) => e.path)).toEqual(['warmup', 'workloads[0].replicas', 'workloads[0].colour']);
  });

  it('errors are sorted by position even when the fields come in another order', () => {
    const text = 'workloads:\n  - {name: mi, replicas: x}\nseed: y\nhorizon: z\n';
    expect(load(text).messages).toEqual([
      's.yaml:2:26 workloads[0].replicas: expected an integer, got "x"',
      's.yaml:3:7 seed: expected an integer, got "y"',
      's.yaml:4:10 horizon: expected a duration such as 90s, 5m, 2h or 30d, got "z"',
    ]);
  });

  it('an unknown key close to a known one gets a hint', () => {
    expect(load('workloads:\n  - name: mi\n    replica: 3\n').messages).toEqual([
      's.yaml:3:5 workloads[0].replica: expected one of the fields name, replicas, image, servesTraffic, role, resources, startup, probes, terminationGracePeriod, scheduling, autoscaling, podDisruptionBudget, strategy, serving, traffic, coordination, registry, artifacts, failures (did you mean replicas?), got "replica"',
    ]);
  });

  it('wrong types say what was found', () => {
    expect(load('workloads: [{name: mi, replicas: 2.5, servesTraffic: "yes", image: [a]}]\n').messages).toEqual([
      's.yaml:1:34 workloads[0].replicas: expected an integer, got 2.5',
      's.yaml:1:54 workloads[0].servesTraffic: expected true or false, got "yes"',
      's.yaml:1:68 workloads[0].image: expected a text, got a list',
    ]);
  });

  it('negative durations are rejected whether written as a number or with a unit', () => {
    expect(load('workloads: [{name: mi, terminationGracePeriod: -5}]').messages).toEqual([
      's.yaml:1:48 workloads[0].terminationGracePeriod: expected a duration >= 0s, got -5',
    ]);
    expect(load('workloads: [{name: mi, terminationGracePeriod: -5s}]').messages).toEqual([
      's.yaml:1:48 workloads[0].terminationGracePeriod: expected a duration >= 0s, got "-5s"',
    ]);
  });

  it('the horizon is capped at a thousand years', () => {
    expect(load('workloads: [{name: mi}]\nhorizon: 1000y\n').messages).toEqual([]);
    expect(load('workloads: [{name: mi}]\nhorizon: 1001y\n').messages).toEqual(['s.yaml:2:10 horizon: expected a duration of at least 1ms and at most 1000y, got "1001y"']);
    expect(load('workloads: [{name: mi}]\nhorizon: 0s\n').messages).toEqual(['s.yaml:2:10 horizon: expected a duration of at least 1ms and at most 1000y, got "0s"']);
  });

  // Regression, fixed (sim/scenario/units.ts parseDuration, see units.test.ts): text that overflows a double is read
  // as Infinity, and only the horizon has an upper bound, so `tolerationSeconds: "1e999"` (or a
  // 400-digit number of seconds) loads as an infinite toleration.
  it('a duration that overflows to Infinity is an error', () => {
    expect(load('workloads: [{name: mi}]\nkubernetes: {tolerationSeconds: "1e999"}\n').errors.map((e) => e.path)).toEqual(['kubernetes.tolerationSeconds']);
    expect(load(`workloads: [{name: mi, terminationGracePeriod: ${'9'.repeat(400)}s}]\n`).errors.map((e) => e.path)).toEqual(['workloads[0].terminationGracePeriod']);
  });

  it('long found values are shortened', () => {
    const r = load(`workloads: [{name: mi}]\nhorizon: ${'x'.repeat(100)}\n`);
    expect(r.messages).toEqual([`s.yaml:2:10 horizon: expected a duration such as 90s, 5m, 2h or 30d, got "${'x'.repeat(57)}..."`]);
  });

  it('YAML syntax errors are reported with their position, not thrown', () => {
    expect(load('horizon: 1d\nhorizon: 2d\nworkloads: [{name: mi}]\n').messages).toEqual(['s.yaml:2:1: YAML syntax error: Map keys must be unique']);
    const r = load('workloads: [{name: mi}\n', 'bad.yaml');
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.messages.every((m) => /^bad\.yaml:\d+:\d+: YAML syntax error: /.test(m))).toBe(true);
  });

  it('a document that is not a mapping is one error', () => {
    expect(load('- a\n- b\n').messages).toEqual(['s.yaml:1:1: expected a mapping of scenario fields, got a list']);
    expect(load('42').messages).toEqual(['s.yaml:1:1: expected a mapping of scenario fields, got 42']);
  });

  it('complex keys are an error', () => {
    expect(load('workloads: [{name: mi}]\n? [a, b]\n: 1\n').messages).toEqual(['s.yaml:2:3: expected a plain key, got a complex key']);
  });

  it('lists and names are checked', () => {
    expect(load('workloads: []\n').messages).toEqual(['s.yaml:1:12 workloads: expected a list of at least 1 item, got 0']);
    expect(load('workloads:\n  - name: mi\n  - name: mi\n').messages).toEqual([
      's.yaml:2:3 workloads: expected workload names that are unique (mi appears twice), got a list that is not',
    ]);
    expect(load('cluster: {nodePools: [{name: a}, {name: a}]}\nworkloads: [{name: mi}]\n').messages).toEqual([
      's.yaml:1:22 cluster.nodePools: expected node pool names that are unique (a appears twice), got a list that is not',
    ]);
    expect(load('workloads: [{name: MI_1}]\n').messages).toEqual([
      's.yaml:1:20 workloads[0].name: expected a name of lower-case letters, digits and dashes, starting and ending with a letter or digit, got "MI_1"',
    ]);
    expect(load('workloads: [{replicas: 2}]\n').messages).toEqual([
      's.yaml:1:13 workloads[0].name: expected a name of lower-case letters, digits and dashes, starting and ending with a letter or digit, got nothing (the field is required)',
    ]);
  });

  // Regression: a bad item of a list is reported at its own index, in readable words.
  it('a bad zone list says which zone is wrong and what a zone must be', () => {
    expect(load('workloads: [{name: mi}]\ncluster: {nodePools: [{zones: [zone-a, Zone B]}]}\n').messages).toEqual([
      's.yaml:2:40 cluster.nodePools[0].zones[1]: expected a name of lower-case letters, digits and dashes, starting and ending with a letter or digit, got "Zone B"',
    ]);
    expect(load('workloads: [{name: mi}]\ncluster: {nodePools: [{zones: zone-a}]}\n').messages).toEqual([
      's.yaml:2:31 cluster.nodePools[0].zones: expected a list of names of lower-case letters, digits and dashes, starting and ending with a letter or digit, got "zone-a"',
    ]);
  });

  // Regression, fixed (sim/scenario/validate.ts, Validator.fields: `if (!(entry.key in spec.fields))`): `in` also sees
  // Object.prototype, so keys such as toString, constructor, hasOwnProperty, valueOf or __proto__ are
  // taken as known fields and then silently dropped instead of reported as unknown.
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])('the unknown key %s is an error like any other', (key) => {
    const top = load(`workloads: [{name: mi}]\n${key}: 1\n`);
    expect(top.errors.map((e) => e.path)).toEqual([key]);
    const nested = load(`workloads: [{name: mi, ${key}: 1}]\n`);
    expect(nested.errors.map((e) => e.path)).toEqual([`workloads[0].${key}`]);
  });
});

describe('--set overrides', () => {
  it('changes the value', () => {
    const r = load(MINIMAL, 's.yaml', ['workloads[0].replicas=3']);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.workloads[0]!.replicas).toBe(3);
  });

  it('overrides a value written in the file, and later overrides win', () => {
    const r = load('seed: 5\nworkloads: [{name: mi, replicas: 2}]\n', 's.yaml', ['seed=6', 'seed=7', 'workloads[0].replicas=4']);
    expect(r.scenario!.seed).toBe(7);
    expect(r.scenario!.workloads[0]!.replicas).toBe(4);
  });

  it('reads values in units', () => {
    const r = load(MINIMAL, 's.yaml', ['horizon=2h', 'warmup=90s', 'workloads[0].resources.requests.cpu=250m', 'workloads[0].resources.requests.memory=1Gi']);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.horizon).toBe(7200);
    expect(r.scenario!.warmup).toBe(90);
    expect(r.scenario!.workloads[0]!.resources).toEqual({ requests: { cpu: 250, memory: 1024 }, limits: { cpu: 1000 } });
  });

  it('creates the mappings on the way to a field the file does not write', () => {
    const r = load(MINIMAL, 's.yaml', ['kubernetes.kubelet.crashLoopBackOff.max=10m', 'workloads[0].podDisruptionBudget.minAvailable=1']);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.kubernetes.kubelet.crashLoopBackOff).toEqual({ initial: 10, max: 600, resetAfter: 600 });
    expect(r.scenario!.workloads[0]!.podDisruptionBudget).toEqual({ minAvailable: 1 });
  });

  it('reports a bad value as --set with the same validation as the file', () => {
    expect(load(MINIMAL, 's.yaml', ['workloads[0].replicas=-2']).messages).toEqual([
      '--set workloads[0].replicas=-2 workloads[0].replicas: expected an integer between 0 and 1000, got -2',
    ]);
  });

  it('reports file errors first, then --set errors', () => {
    expect(load('seed: x\nworkloads: [{name: mi}]\n', 's.yaml', ['workloads[0].replicas=-2']).messages).toEqual([
      's.yaml:1:7 seed: expected an integer, got "x"',
      '--set workloads[0].replicas=-2 workloads[0].replicas: expected an integer between 0 and 1000, got -2',
    ]);
  });

  it('an index past the end of a list is an error; the index just past the end appends', () => {
    expect(load(MINIMAL, 's.yaml', ['workloads[5].replicas=3']).messages).toEqual([
      '--set workloads[5].replicas=3 workloads[5]: expected an index from 0 to 1 (1 appends), got 5',
    ]);
    const appended = load(MINIMAL, 's.yaml', ['workloads[1].name=db', 'workloads[1].replicas=2']);
    expect(appended.messages).toEqual([]);
    expect(appended.scenario!.workloads.map((w) => [w.name, w.replicas])).toEqual([
      ['mi', 1],
      ['db', 2],
    ]);
  });

  it('an unknown field is an error', () => {
    expect(load(MINIMAL, 's.yaml', ['workloads[0].colour=blue']).messages).toEqual([
      '--set workloads[0].colour=blue workloads[0].colour: expected one of the fields name, replicas, image, servesTraffic, role, resources, startup, probes, terminationGracePeriod, scheduling, autoscaling, podDisruptionBudget, strategy, serving, traffic, coordination, registry, artifacts, failures, got "colour"',
    ]);
    expect(load(MINIMAL, 's.yaml', ['horizn=1d']).messages).toEqual([
      '--set horizn=1d horizn: expected one of the fields name, description, horizon, warmup, seed, replications, limits, kubernetes, cluster, workloads, traffic, loadBalancer, coordination, faults, cost, sweep (did you mean horizon?), got "horizn"',
    ]);
  });

  it('malformed overrides are errors', () => {
    expect(load(MINIMAL, 's.yaml', ['seed']).messages).toEqual(['--set seed: expected path=value, e.g. workloads[0].replicas=3, got no "="']);
    expect(load(MINIMAL, 's.yaml', ['=3']).messages).toEqual(['--set =3: expected a field path before "=", e.g. workloads[0].replicas=3, got nothing']);
    expect(load(MINIMAL, 's.yaml', ['.seed=1']).messages).toEqual(['--set .seed=1 .seed: expected a field path such as workloads[0].replicas, got ".seed"']);
    expect(load(MINIMAL, 's.yaml', ['workloads.x=1']).messages).toEqual(['--set workloads.x=1 workloads: expected a mapping to hold x, got a list']);
    expect(load('seed: 1\nworkloads: [{name: mi}]\n', 's.yaml', ['seed[0]=1']).messages).toEqual([
      '--set seed[0]=1 seed: expected a list to index with [0], got the value 1',
    ]);
  });

  it('takes list values', () => {
    const r = load(MINIMAL, 's.yaml', ['cluster.nodePools[0].zones=[a,b]']);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.cluster.nodePools[0]!.zones).toEqual(['a', 'b']);
  });

  it('takes mapping values (a distribution, a whole fault)', () => {
    const r = load(MINIMAL, 's.yaml', ['workloads[0].startup.serverStart={dist: uniform, min: 1s, max: 2s}', 'faults[0]={type: pod-crash, at: 1h, workload: mi}']);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.workloads[0]!.startup.serverStart).toEqual({ dist: 'uniform', min: 1, max: 2 });
    expect(r.scenario!.faults).toEqual([{ type: 'pod-crash', at: 3600, workload: 'mi', podIndex: 0 }]);
  });

  it('`none` switches off nullable fields', () => {
    const r = load(MINIMAL, 's.yaml', [
      'workloads[0].probes.liveness=none',
      'workloads[0].probes.startup=none',
      'workloads[0].failures.crash=none',
      'workloads[0].scheduling.podAntiAffinity.preferred=none',
      'cluster.nodePools[0].failures.crash=none',
    ]);
    expect(r.messages).toEqual([]);
    const w = r.scenario!.workloads[0]!;
    expect(w.probes.liveness).toBeNull();
    expect(w.probes.startup).toBeNull();
    expect(w.probes.readiness).not.toBeNull();
    expect(w.failures.crash).toBeNull();
    expect(w.scheduling.podAntiAffinity.preferred).toBeNull();
    expect(r.scenario!.cluster.nodePools[0]!.failures.crash).toBeNull();
  });

  it('`none` on a field that cannot be switched off is an error', () => {
    expect(load(MINIMAL, 's.yaml', ['horizon=none']).messages).toEqual(['--set horizon=none horizon: expected a duration such as 90s, 5m, 2h or 30d, got "none"']);
    expect(load(MINIMAL, 's.yaml', ['workloads[0].resources=none']).messages).toEqual(['--set workloads[0].resources=none workloads[0].resources: expected a mapping, got "none"']);
  });

  // Regression, fixed (sim/scenario/overrides.ts parseOverride: `parseYaml(valueText)` with yaml's default log
  // level): a --set value with an unknown tag, e.g. `description=!foo x`, makes the yaml library print
  // "[TAG_RESOLVE_FAILED] YAMLWarning: Unresolved tag: !foo" through process.emitWarning, outside the
  // error list (and the value is then taken as the text "x").
  it('a value with an unknown YAML tag prints nothing to the process', () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      load(MINIMAL, 's.yaml', ['description=!foo x']);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('an override with a custom origin is reported under that origin', () => {
    expect(load(MINIMAL, 's.yaml', [{ text: 'seed=x', origin: '--seed x' }]).messages).toEqual(['--seed x seed: expected an integer, got "x"']);
    const ok = load(MINIMAL, 's.yaml', [{ text: 'replications=3', origin: '--replications 3' }]);
    expect(ok.scenario!.replications).toBe(3);
  });

  it('cross-field errors caused by an override point at the override', () => {
    expect(load(MINIMAL, 's.yaml', ['warmup=400d']).messages).toEqual(['--set warmup=400d warmup: expected a warmup shorter than the horizon (365d), got 400d']);
    expect(load(MINIMAL, 's.yaml', [{ text: 'horizon=5m', origin: '--horizon 5m' }, { text: 'warmup=5m', origin: '--warmup 5m' }]).messages).toEqual([
      '--warmup 5m warmup: expected a warmup shorter than the horizon (5m), got 5m',
    ]);
  });
});

describe('cross-field checks', () => {
  it('warmup >= horizon', () => {
    expect(load('horizon: 1h\nwarmup: 2h\nworkloads: [{name: mi}]\n').messages).toEqual(['s.yaml:2:9 warmup: expected a warmup shorter than the horizon (1h), got 2h']);
    expect(load('horizon: 1h\nwarmup: 1h\nworkloads: [{name: mi}]\n').messages).toEqual(['s.yaml:2:9 warmup: expected a warmup shorter than the horizon (1h), got 1h']);
    expect(load('horizon: 1h\nwarmup: 59m\nworkloads: [{name: mi}]\n').messages).toEqual([]);
  });

  it('a fault naming a node that does not exist', () => {
    const text = 'workloads:\n  - name: mi\nfaults:\n  - type: node-crash\n    at: 2h\n    node: worker-7\n';
    expect(load(text).messages).toEqual(['s.yaml:6:11 faults[0].node: expected a node of the cluster (worker-1, worker-2, worker-3), got "worker-7"']);
    expect(load(text.replace('worker-7', 'worker-3')).messages).toEqual([]);
  });

  it('a fault with both node and nodeOf, or neither', () => {
    expect(load('workloads:\n  - name: mi\nfaults:\n  - type: node-drain\n    at: 2h\n    node: worker-1\n    nodeOf: mi\n').messages).toEqual([
      's.yaml:4:5 faults[0]: expected exactly one of node, nodeOf and runnerOf, got node and nodeOf',
    ]);
    expect(load('workloads:\n  - name: mi\nfaults:\n  - {type: node-crash, at: 2h}\n').messages).toEqual(['s.yaml:4:5 faults[0]: expected exactly one of node, nodeOf and runnerOf, got none']);
  });

  it('a fault naming a workload that does not exist', () => {
    expect(load('workloads:\n  - name: mi\nfaults:\n  - {type: node-crash, at: 2h, nodeOf: db}\n').messages).toEqual([
      's.yaml:4:40 faults[0].nodeOf: expected a workload name (mi), got "db"',
    ]);
    expect(load('workloads:\n  - name: mi\nfaults:\n  - {type: pod-crash, at: 2h, workload: db}\n').messages).toEqual([
      's.yaml:4:41 faults[0].workload: expected a workload name (mi), got "db"',
    ]);
  });

  it('an operator-state fault naming an artifact that is not a message processor or inbound endpoint (docs/model.md §10.5)', () => {
    const w = 'workloads:\n  - name: mi\n    artifacts:\n      - {kind: message-processor, name: mp}\n      - {kind: inbound-endpoint, name: ie, protocol: kafka}\n      - {kind: scheduled-task, name: t, interval: 1m}\n';
    expect(load(`${w}faults:\n  - {type: operator-state, at: 1h, artifact: nope, state: inactive}\n`).messages).toEqual([
      's.yaml:8:46 faults[0].artifact: expected a message processor or inbound endpoint of the scenario (mp, ie), got "nope"',
    ]);
    expect(load(`${w}faults:\n  - {type: operator-state, at: 1h, artifact: t, state: inactive}\n`).messages).toEqual([
      's.yaml:8:46 faults[0].artifact: expected a message processor or inbound endpoint of the scenario (mp, ie), got "t"',
    ]);
    expect(load(`${w}faults:\n  - {type: operator-state, at: 1h, artifact: ie, state: paused}\n`).errors.map((e) => e.path)).toEqual(['faults[0].state']);
    expect(load(`${w}    registry: nfs\n`).errors.map((e) => e.path)).toEqual(['workloads[0].registry']);
    const ok = load(`${w}faults:\n  - {type: operator-state, at: 1h, artifact: ie, state: inactive}\n  - {type: operator-state, at: 2h, artifact: mp, state: active}\n`);
    expect(ok.messages).toEqual([]);
    expect(ok.scenario!.workloads[0]!.registry).toBe('local');
  });

  it('a fault after the horizon', () => {
    expect(load('horizon: 1d\nworkloads:\n  - name: mi\nfaults:\n  - {type: pod-crash, at: 2d, workload: mi}\n').messages).toEqual([
      's.yaml:5:27 faults[0].at: expected a time before the horizon (1d), got 2d',
    ]);
  });

  it('successThreshold != 1 on liveness and startup probes (readiness may use any)', () => {
    expect(load('workloads:\n  - name: mi\n    probes:\n      liveness:\n        successThreshold: 2\n').messages).toEqual([
      's.yaml:5:27 workloads[0].probes.liveness.successThreshold: expected 1 (Kubernetes requires it for startup and liveness probes), got 2',
    ]);
    expect(load('workloads:\n  - name: mi\n    probes:\n      startup: {successThreshold: 3}\n').messages).toEqual([
      's.yaml:4:35 workloads[0].probes.startup.successThreshold: expected 1 (Kubernetes requires it for startup and liveness probes), got 3',
    ]);
    expect(load('workloads:\n  - name: mi\n    probes:\n      readiness: {successThreshold: 3}\n').messages).toEqual([]);
  });

  it('backoff caps below their initial delays', () => {
    expect(load('kubernetes: {podInitialBackoff: 20s}\nworkloads:\n  - name: mi\n').messages).toEqual([
      's.yaml:1:13 kubernetes.podMaxBackoff: expected a duration >= podInitialBackoff (20s), got 10s',
    ]);
    expect(load('kubernetes: {kubelet: {crashLoopBackOff: {initial: 10m, max: 1m}}}\nworkloads:\n  - name: mi\n').messages).toEqual([
      's.yaml:1:62 kubernetes.kubelet.crashLoopBackOff.max: expected a duration >= initial (10m), got 1m',
    ]);
  });

  it('uniform max < min', () => {
    expect(load('workloads:\n  - name: mi\n    startup:\n      serverStart: {dist: uniform, min: 5s, max: 1s}\n').messages).toEqual([
      's.yaml:4:20 workloads[0].startup.serverStart: expected max >= min, got min 5s and max 1s',
    ]);
  });

  it('lognormal p95 <= median', () => {
    expect(load('workloads:\n  - name: mi\n    startup:\n      serverStart:\n        dist: lognormal\n        median: 5s\n        p95: 4s\n').messages).toEqual([
      's.yaml:5:9 workloads[0].startup.serverStart: expected p95 > median, got median 5s and p95 4s',
    ]);
    expect(load('workloads: [{name: mi, startup: {serverStart: {dist: lognormal, median: 5s, p95: 5s}}}]').messages).toHaveLength(1);
  });

  it('empirical weights must match the values and have a positive sum', () => {
    const at = (d: string) => load(`workloads:\n  - name: mi\n    startup:\n      serverStart: ${d}\n`).messages;
    expect(at('{dist: empirical, values: [1s, 2s], weights: [1]}')).toEqual(['s.yaml:4:20 workloads[0].startup.serverStart: expected as many weights as values, got 1 weights for 2 values']);
    expect(at('{dist: empirical, values: [1s, 2s], weights: [0, 0]}')).toEqual(['s.yaml:4:20 workloads[0].startup.serverStart: expected weights with a positive sum, got weights summing to 0']);
  });

  it('cross-field checks name the first-found problem of each kind, all at once', () => {
    const text = 'horizon: 1h\nwarmup: 2h\nworkloads: [{name: mi}]\nfaults:\n  - {type: pod-crash, at: 3h, workload: db}\n';
    expect(load(text).errors.map((e) => e.path)).toEqual(['warmup', 'faults[0].at', 'faults[0].workload']);
  });
});

describe('distributions', () => {
  const dist = (d: string) => load(`workloads: [{name: mi, startup: {serverStart: ${d}}}]\n`);

  it.each([
    ['7s', { dist: 'constant', value: 7 }],
    ['500ms', { dist: 'constant', value: 0.5 }],
    ['12', { dist: 'constant', value: 12 }],
    ['{dist: constant, value: 5s}', { dist: 'constant', value: 5 }],
    ['{dist: uniform, min: 1s, max: 3s}', { dist: 'uniform', min: 1, max: 3 }],
    ['{dist: uniform, min: 2s, max: 2s}', { dist: 'uniform', min: 2, max: 2 }],
    ['{dist: exponential, mean: 14d}', { dist: 'exponential', mean: 14 * 86400 }],
    ['{dist: normal, mean: 8s, sd: 2s}', { dist: 'normal', mean: 8, sd: 2 }],
    ['{dist: lognormal, median: 5s, p95: 9s}', { dist: 'lognormal', median: 5, p95: 9 }],
    ['{dist: lognormal, mu: 1.6, sigma: 0.36}', { dist: 'lognormal', mu: 1.6, sigma: 0.36 }],
    ['{dist: weibull, shape: 0.7, scale: 30d}', { dist: 'weibull', shape: 0.7, scale: 30 * 86400 }],
    ['{dist: gamma, shape: 2, scale: 3s}', { dist: 'gamma', shape: 2, scale: 3 }],
    ['{dist: empirical, values: [4s, 6s, 9s], weights: [1, 2, 1]}', { dist: 'empirical', values: [4, 6, 9], weights: [1, 2, 1] }],
    ['{dist: empirical, values: [4s, 1m]}', { dist: 'empirical', values: [4, 60] }],
  ])('%s', (text, expected) => {
    const r = dist(text);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.workloads[0]!.startup.serverStart).toStrictEqual(expected);
  });

  it('an unknown kind is an error at .dist', () => {
    expect(dist('{dist: poisson, lambda: 3}').messages).toEqual([
      's.yaml:1:54 workloads[0].startup.serverStart.dist: expected one of constant, uniform, exponential, normal, lognormal, weibull, gamma, empirical, got "poisson"',
    ]);
  });

  it('a missing kind is an error at .dist', () => {
    expect(dist('{mean: 5s}').errors.map((e) => e.path)).toEqual(['workloads[0].startup.serverStart.dist']);
  });

  it('an unknown parameter is an error at that parameter', () => {
    const r = dist('{dist: exponential, mean: 5s, rate: 3}');
    expect(r.messages).toEqual(['s.yaml:1:77 workloads[0].startup.serverStart.rate: expected a parameter of exponential (mean), got "rate"']);
  });

  it('a missing parameter is an error at that parameter', () => {
    expect(dist('{dist: uniform, min: 1s}').messages).toEqual([
      's.yaml:1:47 workloads[0].startup.serverStart.max: expected a duration of 0, or from 0.001ms to 1000y, got nothing (the parameter is required)',
    ]);
  });

  it('mixing the two lognormal forms is an error', () => {
    expect(dist('{dist: lognormal, median: 5s, sigma: 1}').errors.map((e) => e.path)).toEqual([
      'workloads[0].startup.serverStart.p95',
      'workloads[0].startup.serverStart.sigma',
    ]);
  });

  it.each([
    ['{dist: exponential, mean: 0s}', 'mean'],
    ['{dist: uniform, min: -1, max: 1}', 'min'],
    ['{dist: normal, mean: 1s, sd: abc}', 'sd'],
    ['{dist: weibull, shape: 0, scale: 1s}', 'shape'],
    ['{dist: gamma, shape: 1, scale: 0s}', 'scale'],
    ['{dist: lognormal, mu: 1, sigma: -1}', 'sigma'],
    ['{dist: empirical, values: []}', 'values'],
    ['{dist: empirical, values: [1s, -1s]}', 'values[1]'],
    ['{dist: empirical, values: [1s], weights: [-1]}', 'weights[0]'],
    ['{dist: empirical, values: [1s, 2s, 3s], weights: [1, 2, -3]}', 'weights[2]'],
  ])('a bad parameter in %s is one error at .%s', (text, param) => {
    expect(dist(text).errors.map((e) => e.path)).toEqual([`workloads[0].startup.serverStart.${param}`]);
  });

  it('a negative or non-duration constant is an error at the field', () => {
    expect(dist('-1s').errors.map((e) => e.path)).toEqual(['workloads[0].startup.serverStart']);
    expect(dist('[1, 2]').messages).toEqual([
      's.yaml:1:47 workloads[0].startup.serverStart: expected a duration or a distribution {dist: constant|uniform|exponential|normal|lognormal|weibull|gamma|empirical, ...}, got a list',
    ]);
  });

  // Regression, fixed (sim/scenario/validate.ts, Validator.dist: `const params = DIST_PARAMS[kind as string]`): the
  // lookup also finds Object.prototype members, so `dist: constructor` (or toString, valueOf,
  // hasOwnProperty, __proto__) makes `params.find` throw "params.find is not a function" out of
  // loadScenarioText, which must never throw on bad input.
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])('`dist: %s` is an unknown kind, not a crash', (kind) => {
    const r = dist(`{dist: ${kind}, mean: 5s}`);
    expect(r.errors.map((e) => e.path)).toEqual(['workloads[0].startup.serverStart.dist']);
  });

  // Regression, fixed (sim/scenario/validate.ts, Validator.dist: `if (!(key in shapeSet))`): a parameter named like an
  // Object.prototype member (toString, constructor...) is taken as known and silently dropped.
  //
  it('a parameter named toString is an unknown parameter', () => {
    expect(dist('{dist: exponential, mean: 5s, toString: 1}').errors.map((e) => e.path)).toEqual(['workloads[0].startup.serverStart.toString']);
  });
});

describe('artifact and failure values that would do nothing or never end', () => {
  const paths = (text: string) => load(text).errors.map((e) => e.path);
  const task = (fields: string) => `workloads: [{name: mi, coordination: true, artifacts: [{kind: scheduled-task, name: t, ${fields}}]}]\n`;
  it('a fixed time before the cycle starts, and every beside an interval', () => {
    expect(paths(task('at: [-2h]'))).toEqual(['workloads[0].artifacts[0].at[0]']);
    expect(paths(task('interval: 1h, every: 2h'))).toEqual(['workloads[0].artifacts[0].every']);
    expect(paths(task('interval: 1h'))).toEqual([]);
  });
  it('a topic destination on a protocol other than JMS', () => {
    const ie = (p: string) => `workloads: [{name: mi, artifacts: [{kind: inbound-endpoint, name: e, protocol: ${p}, destination: topic}]}]\n`;
    expect(load(ie('kafka')).messages).toEqual(['s.yaml:1:100 workloads[0].artifacts[0].destination: expected destination topic only with protocol jms (the other protocols decide by themselves), got topic with protocol kafka']);
    expect(paths(ie('jms'))).toEqual([]);
  });
  it('pinned servers and task nodes that are no pod of the workload (node ids are pod names)', () => {
    expect(paths(task('interval: 1m, pinnedServers: [foo-9]'))).toEqual(['workloads[0].artifacts[0].pinnedServers[0]']);
    expect(paths(task('interval: 1m, pinnedServers: [mi-2]'))).toEqual([]);
    const nodes = (ids: string) => `coordination: {resolver: {type: task-node, taskNodes: [${ids}]}}\n${task('interval: 1m')}`;
    expect(paths(nodes('mi-1, ghost-1'))).toEqual(['coordination.resolver.taskNodes[1]']);
    expect(paths(nodes('mi-1, mi-3'))).toEqual([]);
  });
  it('a time between failures of 0', () => {
    expect(paths('cluster: {nodePools: [{name: w, failures: {partition: {timeBetween: 0s}}}]}\nworkloads: [{name: mi}]\n')).toEqual(['cluster.nodePools[0].failures.partition.timeBetween']);
    expect(paths('workloads: [{name: mi, failures: {crash: {timeToFailure: {dist: uniform, min: 0s, max: 0s}}}}]\n')).toEqual(['workloads[0].failures.crash.timeToFailure']);
  });
});

describe('signed distributions (a clock offset)', () => {
  const skew = (offset: string) => `cluster: {nodePools: [{name: w, failures: {clockSkew: {offset: ${offset}}}}]}\nworkloads: [{name: mi}]\n`;
  it('take negative durations, constant, uniform or empirical', () => {
    for (const offset of ['-20s', '{dist: uniform, min: -30s, max: 10s}', '{dist: empirical, values: [-5s, 5s]}']) expect(load(skew(offset)).messages, offset).toEqual([]);
    expect(load(skew('-20s')).scenario!.cluster.nodePools[0]!.failures.clockSkew!.offset).toEqual({ dist: 'constant', value: -20 });
  });
  it('reject the kinds that cannot keep a sign, naming the ones that can', () => {
    expect(load(skew('{dist: exponential, mean: 10s}')).messages).toEqual([
      's.yaml:1:71 cluster.nodePools[0].failures.clockSkew.offset.dist: expected one of constant, uniform, empirical, got "exponential"',
    ]);
  });
  it('stay unsigned everywhere else', () => {
    expect(load('workloads: [{name: mi, startup: {serverStart: -5s}}]\n').errors.map((e) => e.path)).toEqual(['workloads[0].startup.serverStart']);
  });
});

describe('faults', () => {
  it('every fault type loads with its defaults', () => {
    const r = load(RICH, 'rich.yaml');
    expect(r.messages).toEqual([]);
    expect(r.scenario!.faults).toStrictEqual([
      { type: 'node-crash', at: 7200, node: 'worker-1', podIndex: 0, repairAfter: 1800 },
      { type: 'node-drain', at: 10800, nodeOf: 'mi', podIndex: 1, uncordonAfter: 3600 },
      { type: 'pod-crash', at: 14400, workload: 'task', podIndex: 0 },
      { type: 'pod-hang', at: 18000, workload: 'mi', podIndex: 2 },
      { type: 'scale', at: 21600, workload: 'mi', replicas: 5 },
    ]);
  });

  it('repairAfter is optional and nullable; uncordonAfter defaults to none', () => {
    const r = load('workloads: [{name: mi}]\nfaults:\n  - {type: node-crash, at: 1h, node: worker-1}\n  - {type: node-crash, at: 1h, node: worker-2, repairAfter: none}\n  - {type: node-drain, at: 1h, node: worker-3}\n');
    expect(r.messages).toEqual([]);
    const [a, b, c] = r.scenario!.faults as Array<Record<string, unknown>>;
    expect('repairAfter' in a!).toBe(false);
    expect(b!.repairAfter).toBeNull();
    expect(c!.uncordonAfter).toBeNull();
  });

  it('an unknown type, a missing type and a field of another type are errors', () => {
    expect(load('workloads: [{name: mi}]\nfaults: [{type: explode, at: 1h}]\n').messages).toEqual([
      's.yaml:2:17 faults[0].type: expected one of node-crash, node-partition, zone-outage, clock-skew, node-drain, pod-crash, pod-hang, jvm-pause, backend-failure, operator-state, coordination-db-outage, coordination-db-slowness, scale, rolling-update, got "explode"',
    ]);
    expect(load('workloads: [{name: mi}]\nfaults: [{at: 1h}]\n').errors.map((e) => e.path)).toEqual(['faults[0].type']);
    expect(load('workloads: [{name: mi}]\nfaults: [{type: scale, at: 1h, workload: mi, replicas: 2, node: worker-1}]\n').errors.map((e) => e.path)).toEqual(['faults[0].node']);
  });

  // Regression, fixed (sim/scenario/validate.ts, Validator.union: `spec.variants[tag]`): a fault type named like an
  // Object.prototype member finds a function instead of a variant, and Validator.fields then throws
  // ("Cannot use 'in' operator to search for 'at' in undefined" / "Cannot convert undefined or null to
  // object") out of loadScenarioText, from a file or from --set.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('`type: %s` is an unknown fault type, not a crash', (type) => {
    const r = load(`workloads: [{name: mi}]\nfaults: [{type: ${type}, at: 1h}]\n`);
    expect(r.errors.map((e) => e.path)).toEqual(['faults[0].type']);
    const o = load(MINIMAL, 's.yaml', [`faults[0]={type: ${type}, at: 1h}`]);
    expect(o.errors.map((e) => e.path)).toEqual(['faults[0].type']);
  });
});

describe('built-in scenarios', () => {
  it('there are built-in scenarios', () => {
    expect(BUILTINS.length).toBeGreaterThanOrEqual(5);
  });

  it.each(BUILTINS)('%s loads with no errors', (file, text) => {
    const r = load(text, `scenarios/${file}`);
    expect(r.messages).toEqual([]);
    expect(r.scenario!.name).toBe(file.replace(/\.yaml$/, ''));
    expect(r.scenario!.workloads.length).toBeGreaterThan(0);
  });
});
