import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../sim/scenario/index.js';
import { knobById, KNOBS, readKnobs, writeKnob, type Knob, type KnobId } from '../../viz/data/knobs.js';

const dir = new URL('../../scenarios/', import.meta.url);
const builtins = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => ({ file, text: readFileSync(new URL(file, dir), 'utf8') }));

/** The `--set` override that says what a knob reads (its value, or its default when absent). */
function overrideOf(knob: Knob, shown: string, note: string | undefined): string {
  if (shown === 'none' && knob.offAt !== undefined) return `${knob.offAt}=none`;
  // (The whole switchable mapping: `--set` does not write through a `none`; it holds only timeToFailure.)
  if (knob.form === 'exponential-mean' && note === undefined) return `${knob.offAt}={timeToFailure: {dist: exponential, mean: ${shown}}}`;
  return `${knob.path}=${shown}`;
}

/** The scenario a text resolves to (failing the test on errors). */
function resolved(text: string, overrides: string[] = []) {
  const r = loadScenarioText(text, 'test.yaml', overrides);
  expect(r.errors).toEqual([]);
  return r.scenario!;
}

function written(text: string, id: KnobId, value: string | null): string {
  const w = writeKnob(text, id, value);
  if ('error' in w) throw new Error(w.error);
  return w.text;
}

/** A value to try for each knob: different from every built-in's. */
const SAMPLE: Record<KnobId, string> = {
  replicas: '5',
  nodes: '4',
  nodeCrashMtbf: '100d',
  podCrashMtbf: '7d',
  podHangMtbf: '30d',
  serverStart: '{dist: lognormal, median: 6s, p95: 12s}',
  artifacts: '3',
  artifactDeploy: '2s',
  coordination: 'true',
  miVersion: '4.5',
  heartbeatInterval: '3s',
  heartbeatMaxRetry: '5',
  resolvingPeriod: '1s',
  trafficRate: '300/s',
  lbType: 'cloud',
  lbPolicy: 'ewma',
  seed: '7',
  horizon: '30d',
  replications: '50',
};

describe('scenario knobs', () => {
  it('cover the fields architects turn, with their real paths and the choices of their specs', () => {
    expect(KNOBS.map((k) => [k.id, k.path])).toEqual([
      ['replicas', 'workloads[0].replicas'],
      ['nodes', 'cluster.nodePools[0].count'],
      ['nodeCrashMtbf', 'cluster.nodePools[0].failures.crash.timeToFailure'],
      ['podCrashMtbf', 'workloads[0].failures.crash.timeToFailure'],
      ['podHangMtbf', 'workloads[0].failures.hang.timeToFailure'],
      ['serverStart', 'workloads[0].startup.serverStart'],
      ['artifacts', 'workloads[0].startup.artifacts'],
      ['artifactDeploy', 'workloads[0].startup.artifactDeploy'],
      ['coordination', 'workloads[0].coordination'],
      ['miVersion', 'coordination.miVersion'],
      ['heartbeatInterval', 'coordination.heartbeatInterval'],
      ['heartbeatMaxRetry', 'coordination.heartbeatMaxRetry'],
      ['resolvingPeriod', 'coordination.resolvingPeriod'],
      ['trafficRate', 'workloads[0].traffic.rate'],
      ['lbType', 'loadBalancer.type'],
      ['lbPolicy', 'loadBalancer.policy'],
      ['seed', 'seed'],
      ['horizon', 'horizon'],
      ['replications', 'replications'],
    ]);
    expect(knobById('miVersion')!.choices).toEqual(['4.3', '4.4', '4.5', '4.6']);
    expect(knobById('lbType')!.choices).toEqual(['ingress', 'cloud']);
    expect(knobById('lbPolicy')!.choices).toEqual(['round-robin', 'least-connections', 'random', 'power-of-two', 'ewma']);
    expect(knobById('coordination')!.choices).toEqual(['true', 'false']);
    for (const k of KNOBS) expect(k.label && k.hint, k.id).toBeTruthy();
  });

  it('read every built-in scenario: each value, or the default where the field is absent, is what the loader resolves', () => {
    for (const { file, text } of builtins) {
      const knobs = readKnobs(text)!;
      const plain = resolved(text);
      for (const knob of KNOBS) {
        const { value, default: def, note } = knobs[knob.id as KnobId];
        const shown = value ?? def;
        expect(shown, `${file} ${knob.id}`).not.toBe('');
        expect(resolved(text, [overrideOf(knob, shown, note)]), `${file} ${knob.id} = ${shown}`).toEqual(plain);
      }
    }
  });

  it('read the values written in the files, the defaults of the field specs, and say when a field is in a form the knob does not edit', () => {
    const byName = Object.fromEntries(builtins.map((b) => [b.file.replace(/\.yaml$/, ''), readKnobs(b.text)!]));
    const single = byName['single-replica']!;
    expect(single.nodes).toEqual({ value: '1', default: '3' });
    expect(single.replicas).toEqual({ value: '1', default: '1' });
    expect(single.horizon).toEqual({ value: '365d', default: '365d' });
    expect(single.nodeCrashMtbf).toEqual({ value: null, default: '666d16h' });
    expect(single.podCrashMtbf).toEqual({ value: null, default: '14d' });
    expect(single.podHangMtbf).toEqual({ value: null, default: 'none' });
    expect(single.serverStart).toEqual({ value: null, default: '{dist: lognormal, median: 5s, p95: 9s}' });
    expect(single.artifacts).toEqual({ value: '2', default: '1' });
    expect(single.miVersion).toEqual({ value: null, default: '4.6' });
    expect(single.heartbeatInterval).toEqual({ value: null, default: '5s' });
    expect(single.heartbeatMaxRetry).toEqual({ value: null, default: '3' });
    expect(single.resolvingPeriod).toEqual({ value: null, default: '2s' });
    expect(single.lbPolicy).toEqual({ value: null, default: 'round-robin' });
    expect(single.trafficRate.value).toBe('{profile: diurnal, mean: 200/s, amplitude: 0.5, period: 24h, peakAt: 14h}');
    expect(single.trafficRate.note).toMatch(/diurnal profile/);
    expect(byName['multiple-replicas-coordination']!.coordination).toEqual({ value: 'true', default: 'false' });
    const rolling = byName['rolling-update']!;
    expect(rolling.trafficRate).toEqual({ value: '200/s', default: '' }); // required while traffic is given
    // `failures: {crash: none}`: switched off; emptying the knob brings the default back.
    expect(rolling.nodeCrashMtbf).toEqual({ value: 'none', default: '666d16h' });
    expect(rolling.podCrashMtbf).toEqual({ value: 'none', default: '14d' });
  });

  it('write then read: every knob in every built-in reads back what was written, as the loader sees it, and emptying it restores the text', () => {
    for (const { file, text } of builtins) {
      const before = readKnobs(text)!;
      for (const knob of KNOBS) {
        const id = knob.id as KnobId;
        const value = SAMPLE[id];
        const after = written(text, id, value);
        const read = readKnobs(after)!;
        expect(read[id], `${file} ${id}`).toEqual({ value, default: before[id].value === null ? before[id].default : read[id].default });
        // Every other knob reads as before.
        for (const other of KNOBS) if (other.id !== id) expect(read[other.id as KnobId], `${file} ${id} -> ${other.id}`).toEqual(before[other.id as KnobId]);
        expect(resolved(after), `${file} ${id}`).toEqual(resolved(text, [overrideOf(knob, value, undefined)]));
        // A field the file did not have goes again without a trace.
        if (before[id].value === null) expect(written(after, id, ''), `${file} ${id}`).toBe(text);
      }
    }
  });

  it('keep comments, order and formatting: a value written over another changes that line only', () => {
    const text = builtins.find((b) => b.file === 'multiple-replicas.yaml')!.text;
    const lines = text.split('\n');
    const after = written(text, 'replicas', '4').split('\n');
    expect(after.length).toBe(lines.length);
    const changed = lines.flatMap((l, i) => (l === after[i] ? [] : [[l, after[i]]]));
    expect(changed).toEqual([['    replicas: 3', '    replicas: 4']]);
    // A new field: the text around it stays, comments and all, and it lands in its mapping.
    const hang = written(text, 'podHangMtbf', '45d');
    const comments = (t: string) => t.split('\n').filter((l) => l.trim().startsWith('#') || l.includes(' # '));
    expect(comments(hang)).toEqual(comments(text));
    const added = hang.split('\n').filter((l) => !lines.includes(l));
    expect(added).toEqual(['    failures:', '      hang:', '        timeToFailure: {dist: exponential, mean: 45d}']);
    expect(hang.indexOf('podDisruptionBudget: {minAvailable: 2}')).toBeLessThan(hang.indexOf('    failures:'));
    // In a flow mapping it stays a flow mapping, with the comment after it.
    const rolling = builtins.find((b) => b.file === 'rolling-update.yaml')!.text;
    expect(written(rolling, 'nodeCrashMtbf', '200d')).toContain('      failures: {crash: {timeToFailure: {dist: exponential, mean: 200d}}}     # the update is the only disruption here\n');
    expect(written(rolling, 'podHangMtbf', 'none')).toContain('    failures: {crash: none, hang: none}\n');
    // Emptying a knob takes the mappings it leaves empty with it.
    expect(written(rolling, 'podCrashMtbf', '')).not.toContain('    failures: {crash: none}\n');
    expect(written(rolling, 'podCrashMtbf', '')).toContain('      failures: {crash: none}     # the update');
  });

  it('edit a distribution in place when it has the knob’s form, and replace it when not', () => {
    const text = 'workloads:\n  - name: mi\n    failures:\n      crash: {timeToFailure: {dist: exponential, mean: 14d}}  # about twice a month\n';
    expect(written(text, 'podCrashMtbf', '3d')).toBe(text.replace('mean: 14d', 'mean: 3d'));
    const weibull = 'workloads:\n  - name: mi\n    failures:\n      crash:\n        timeToFailure: {dist: weibull, shape: 0.7, scale: 30d}\n';
    const read = readKnobs(weibull)!.podCrashMtbf;
    expect(read.value).toBe('{dist: weibull, shape: 0.7, scale: 30d}');
    expect(read.note).toMatch(/weibull distribution, not exponential/);
    expect(written(weibull, 'podCrashMtbf', '10d')).toBe(weibull.replace('{dist: weibull, shape: 0.7, scale: 30d}', '{dist: exponential, mean: 10d}'));
    // A block mapping written over by a flow one, from the colon on.
    const block = 'workloads:\n  - name: mi\n    traffic:\n      rate:\n        profile: step\n        from: 10/s\n        to: 20/s\n        at: 1h\n      timeout: 5s\n';
    expect(written(block, 'trafficRate', '50/s')).toBe('workloads:\n  - name: mi\n    traffic:\n      rate: 50/s\n      timeout: 5s\n');
    expect(written('workloads: [{name: mi, traffic: {rate: {profile: constant, rate: 5/s}}}]\n', 'trafficRate', '6/s')).toBe(
      'workloads: [{name: mi, traffic: {rate: {profile: constant, rate: 6/s}}}]\n',
    );
  });

  it('create the mappings on the way, and a node pool from the default list, but never a workload', () => {
    const minimal = 'workloads:\n  - name: mi\n';
    const withNodes = written(minimal, 'nodes', '5');
    expect(withNodes).toBe('workloads:\n  - name: mi\ncluster:\n  nodePools:\n    - count: 5\n');
    expect(resolved(withNodes).cluster.nodePools[0]!.count).toBe(5);
    expect(resolved(withNodes).cluster.nodePools[0]!.name).toBe('worker');
    expect(written(minimal, 'miVersion', '4.3')).toBe('workloads:\n  - name: mi\ncoordination:\n  miVersion: 4.3\n');
    expect(written(minimal, 'replicas', '2')).toBe('workloads:\n  - name: mi\n    replicas: 2\n');
    expect(writeKnob('seed: 1\n', 'replicas', '2')).toEqual({ error: expect.stringMatching(/no workloads\[0\]/) });
    expect(writeKnob('workloads: []\n', 'replicas', '2')).toEqual({ error: expect.stringMatching(/no workloads\[0\]/) });
    expect(written('', 'seed', '3')).toBe('seed: 3\n');
    // JSON stays JSON-shaped (flow), and CRLF line ends stay CRLF.
    expect(written('{"workloads": [{"name": "mi"}]}\n', 'replicas', '3')).toBe('{"workloads": [{"name": "mi", replicas: 3}]}\n');
    const crlf = 'seed: 1\r\nworkloads:\r\n  - name: mi\r\n';
    expect(written(crlf, 'podHangMtbf', '9d')).toBe('seed: 1\r\nworkloads:\r\n  - name: mi\r\n    failures:\r\n      hang:\r\n        timeToFailure: {dist: exponential, mean: 9d}\r\n');
    expect(written(written(crlf, 'podHangMtbf', '9d'), 'podHangMtbf', null)).toBe(crlf);
  });

  it('produce text the loader accepts, and leave a wrong value to the loader, which reports it at its line', () => {
    const text = builtins.find((b) => b.file === 'multiple-replicas.yaml')!.text;
    const ok = written(written(written(text, 'heartbeatInterval', '2s'), 'lbType', 'cloud'), 'nodeCrashMtbf', 'none');
    const s = resolved(ok);
    expect(s.coordination.heartbeatInterval).toBe(2);
    expect(s.loadBalancer.type).toBe('cloud');
    expect(s.cluster.nodePools[0]!.failures.crash).toBeNull();

    const bad = written(text, 'replicas', 'three');
    const line = bad.split('\n').indexOf('    replicas: three') + 1;
    expect(line).toBeGreaterThan(0);
    const r = loadScenarioText(bad, 'multiple-replicas.yaml');
    expect(r.scenario).toBeUndefined();
    expect(r.errors).toEqual([{ loc: { file: 'multiple-replicas.yaml', line, col: 15 }, path: 'workloads[0].replicas', message: expect.stringContaining('"three"') }]);

    const negative = written(text, 'heartbeatInterval', '-5s');
    const at = negative.split('\n').indexOf('  heartbeatInterval: -5s') + 1;
    expect(loadScenarioText(negative, 'x.yaml').errors).toEqual([{ loc: { file: 'x.yaml', line: at, col: 22 }, path: 'coordination.heartbeatInterval', message: expect.any(String) }]);
  });

  it('refuse text that is not YAML and values that are not, and unknown knobs', () => {
    expect(readKnobs('workloads: [\n')).toBeNull();
    expect(readKnobs('- a list\n')).toBeNull();
    expect(writeKnob('workloads: [\n', 'seed', '2')).toEqual({ error: expect.stringMatching(/YAML errors/) });
    expect(writeKnob('seed: 1\n', 'seed', '{dist: ')).toEqual({ error: expect.stringMatching(/expected a YAML value/) });
    expect(writeKnob('seed: 1\n', 'nope', '2')).toEqual({ error: 'no knob "nope"' });
    expect(writeKnob('failures: 3\nworkloads: [{name: mi, failures: 3}]\n', 'podHangMtbf', '2d')).toEqual({ error: expect.stringMatching(/workloads\[0\]\.failures is 3, not a mapping/) });
  });
});
