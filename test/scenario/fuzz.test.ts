import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { formatScenarioError, loadScenarioText, serializeScenario, type LoadResult, type OverrideInput, type Scenario } from '../../sim/scenario/index.js';
import { scenarioSpec } from '../../sim/scenario/fields.js';
import type { Spec } from '../../sim/scenario/spec.js';
import { formatDuration } from '../../sim/scenario/units.js';
import { BREAKS, HARMLESS, SPURIOUS_CROSS_ERRORS } from './breaks.js';
import { BUILTINS, load, MINIMAL, RICH } from './helpers.js';

/**
 * Loads without letting an exception escape the property unnoticed: a throw is reported as a
 * failure that names the input. Checks the contract of every result: either a scenario and no
 * errors, or errors and no scenario, every error formatted from the file name or its override.
 */
function loadChecked(text: string, file: string, overrides: readonly OverrideInput[] = []): LoadResult {
  let r: LoadResult;
  try {
    r = loadScenarioText(text, file, overrides);
  } catch (e) {
    throw new Error(`loadScenarioText threw ${(e as Error).name}: ${(e as Error).message}\n--- input ---\n${text}\n--- overrides ---\n${JSON.stringify(overrides)}`);
  }
  if (r.scenario !== undefined) {
    expect(r.errors).toEqual([]);
  } else {
    expect(r.errors.length).toBeGreaterThan(0);
  }
  const origins = overrides.map((o) => (typeof o === 'string' ? `--set ${o}` : o.origin));
  for (const e of r.errors) {
    const message = formatScenarioError(e);
    const fromFile = message.startsWith(`${file}:`) && 'file' in e.loc && e.loc.line >= 1 && e.loc.col >= 1;
    const fromOverride = origins.some((o) => message.startsWith(o));
    expect(fromFile || fromOverride, message).toBe(true);
    expect(e.message.length).toBeGreaterThan(0);
  }
  return r;
}

/** Loads text that must be valid. */
function loadValid(text: string, file = 'gen.yaml', overrides: readonly OverrideInput[] = []): Scenario {
  const r = load(text, file, overrides);
  expect(r.messages, text).toEqual([]);
  return r.scenario!;
}

/** serialize -> YAML -> load again. */
function reload(s: Scenario, file = 'again.yaml'): LoadResult & { messages: string[]; yaml: string } {
  const yaml = stringify(serializeScenario(s));
  return { ...load(yaml, file), yaml };
}

// ---------------------------------------------------------------------------------------------
// Arbitrary text never throws.

type Mutation =
  | { op: 'delete-char' | 'duplicate-char' | 'swap-chars' | 'delete-line' | 'duplicate-line' | 'swap-lines'; at: number; other: number }
  | { op: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('delete-char', 'duplicate-char', 'swap-chars', 'delete-line', 'duplicate-line', 'swap-lines') as fc.Arbitrary<Exclude<Mutation['op'], 'insert'>>,
    at: fc.nat(),
    other: fc.nat(),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(':', '-', ' ', '  ', '\n', '\t', '[', ']', '{', '}', ',', '#', '&a ', '*a', '"', "'", '|', '>', '? ', '!!str ', '---\n', 'none', '~', '1e400', '-1'), fc.string({ maxLength: 4 })),
  }),
);

function mutate(text: string, mutations: Mutation[]): string {
  let chars = text;
  for (const m of mutations) {
    if (m.op.endsWith('-line') || m.op === 'swap-lines') {
      const lines = chars.split('\n');
      const i = m.at % lines.length;
      const j = (m.op === 'swap-lines' ? m.other : m.at) % lines.length;
      if (m.op === 'delete-line') lines.splice(i, 1);
      else if (m.op === 'duplicate-line') lines.splice(i, 0, lines[i]!);
      else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      chars = lines.join('\n');
      continue;
    }
    const i = chars.length === 0 ? 0 : m.at % chars.length;
    switch (m.op) {
      case 'delete-char':
        chars = chars.slice(0, i) + chars.slice(i + 1);
        break;
      case 'duplicate-char':
        chars = chars.slice(0, i) + chars.charAt(i) + chars.slice(i);
        break;
      case 'swap-chars': {
        const j = chars.length === 0 ? 0 : m.other % chars.length;
        const a = [...chars];
        [a[i], a[j]] = [a[j]!, a[i]!];
        chars = a.join('');
        break;
      }
      case 'insert':
        chars = chars.slice(0, i) + m.text + chars.slice(i);
        break;
    }
  }
  return chars;
}

/** Every key the schema knows (any depth), plus distribution parameters and tags. */
function specKeys(spec: Spec, out = new Set<string>()): Set<string> {
  if (spec.kind === 'object') for (const [k, f] of Object.entries(spec.fields)) (out.add(k), specKeys(f, out));
  if (spec.kind === 'array') specKeys(spec.items, out);
  if (spec.kind === 'union') for (const v of Object.values(spec.variants)) (out.add(spec.tag), specKeys(v, out));
  return out;
}
const KEYS = [...specKeys(scenarioSpec), 'dist', 'value', 'min', 'max', 'mean', 'sd', 'median', 'p95', 'mu', 'sigma', 'shape', 'scale', 'values', 'weights', 'colour'];
const SCALARS = [
  'none', null, true, 1, 0, -1, 2.5, 1e21, '5s', '1h30m', '500ms', '-5s', '1e400', 'abc', '', 'mi', 'worker-1', 'zone-a', '500m', '16Gi', '1G',
  'constant', 'uniform', 'exponential', 'normal', 'lognormal', 'weibull', 'gamma', 'empirical',
  'node-crash', 'node-drain', 'pod-crash', 'pod-hang', 'scale', 'hostname', 'zone', 'DoNotSchedule',
];

/** Documents shaped like scenarios: keys from the schema, values from a vocabulary of likely scalars. */
function scenarioLike(keys: readonly string[], scalars: readonly unknown[]): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown; map: Record<string, unknown>; list: unknown[] }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom(...scalars), tie('map'), tie('list')),
    map: fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 6 }),
    list: fc.array(tie('value'), { maxLength: 3 }),
  }));
  return fc.dictionary(fc.constantFrom(...keys), value, { minKeys: 1, maxKeys: 8 });
}

type Plain = unknown;
type TreeMutation = { op: 'replace' | 'delete'; pick: number; value: Plain } | { op: 'add'; pick: number; key: string; value: Plain };

const RICH_DOC = parseYaml(RICH) as Plain;

/** Every path to a value in a plain document, the root first. */
function allPaths(v: Plain, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) allPaths(x, [...prefix, k], out);
  return out;
}

function treeMutation(keys: readonly string[], scalars: readonly unknown[]): fc.Arbitrary<TreeMutation> {
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...scalars) },
    { weight: 1, arbitrary: fc.constantFrom<Plain>({}, [], { dist: 'uniform' }, { type: 'scale' }, ['a', 1]) },
  );
  return fc.oneof(
    fc.record({ op: fc.constantFrom('replace' as const, 'delete' as const), pick: fc.nat(), value }),
    fc.record({ op: fc.constant('add' as const), pick: fc.nat(), key: fc.constantFrom(...keys), value }),
  );
}

/** Applies mutations to a copy of a plain document; keys are set as own properties (even __proto__). */
function mutateTree(doc: Plain, mutations: TreeMutation[]): Plain {
  const root = structuredClone(doc) as Record<string, Plain>;
  const setOwn = (o: object, k: string | number, v: Plain) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const m of mutations) {
    const paths = allPaths(root);
    const path = paths[m.pick % paths.length]!;
    let node: any = root;
    for (const k of path) node = node[k];
    if (m.op === 'add') {
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) setOwn(node, m.key, structuredClone(m.value));
      continue;
    }
    if (path.length === 0) continue;
    let parent: any = root;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const last = path[path.length - 1]!;
    if (m.op === 'replace') setOwn(parent, last, structuredClone(m.value));
    else if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  }
  return root;
}

describe('arbitrary input never throws', () => {
  it('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        loadChecked(text, 'fuzz.yaml');
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary full-Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        loadChecked(text, 'fuzz.yaml');
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary strings made of YAML punctuation', () => {
    const piece = fc.constantFrom('a', 'b', ':', ': ', '-', '- ', ' ', '\n', '\n  ', '[', ']', '{', '}', ',', '#', '&x ', '*x', '"', "'", '|', '>', '? ', '!', '%', '@', '`', '\t', '---', '...', 'workloads', 'name', 'mi', '1');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        loadChecked(pieces.join(''), 'punct.yaml');
      }),
      { numRuns: 300 },
    );
  });

  it('random mutations of the built-in scenarios', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BUILTINS), fc.array(mutation, { minLength: 1, maxLength: 6 }), ([file, text], ms) => {
        loadChecked(mutate(text, ms), `scenarios/${file}`);
      }),
      { numRuns: 400 },
    );
  });

  it('random mutations of a scenario that writes most fields', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        loadChecked(mutate(RICH, ms), 'rich.yaml');
      }),
      { numRuns: 300 },
    );
  });

  it('documents shaped like scenarios (schema keys, likely values)', () => {
    fc.assert(
      fc.property(scenarioLike(KEYS, SCALARS), (doc) => {
        loadChecked(stringify(doc), 'shaped.yaml');
        loadChecked(JSON.stringify(doc), 'shaped.json');
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary --set overrides', () => {
    const path = fc.oneof(
      fc.constantFrom('workloads[0].replicas', 'workloads[1]', 'faults[0]', 'faults[0].type', 'cluster.nodePools[0].zones', 'seed', 'horizon', 'workloads', 'workloads[0].startup.serverStart'),
      fc.string({ maxLength: 20 }),
    );
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('none', '[a, b]', '{dist: uniform}', '{type: pod-crash, at: 1h, workload: mi}', '-1', '', '[', '*a', '&a 1'));
    // Values such as `!x` make the yaml library print a warning (see load.test.ts); keep the output clean.
    const quiet = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      fc.assert(
        fc.property(fc.array(fc.tuple(path, value).map(([p, v]) => `${p}=${v}`), { maxLength: 4 }), fc.array(fc.string({ maxLength: 15 }), { maxLength: 2 }), (sets, raw) => {
          loadChecked(MINIMAL, 'base.yaml', [...sets, ...raw]);
        }),
        { numRuns: 300 },
      );
    } finally {
      quiet.mockRestore();
    }
  });

  it('structural mutations of a scenario (replace a value, add a key, delete a key) with likely values', () => {
    fc.assert(
      fc.property(fc.array(treeMutation(KEYS, SCALARS), { minLength: 1, maxLength: 3 }), (ms) => {
        const doc = mutateTree(RICH_DOC, ms);
        loadChecked(stringify(doc), 'tree.yaml');
      }),
      { numRuns: 400 },
    );
  });

  // Regression, fixed (sim/scenario/validate.ts, Validator.dist `DIST_PARAMS[kind]` and Validator.union
  // `spec.variants[tag]`): the same mutations with Object.prototype names among the keys and values
  // (constructor, toString, __proto__...) make loadScenarioText throw TypeError, e.g. when `dist:
  // uniform` becomes `dist: constructor` or `type: node-crash` becomes `type: toString`. See
  // load.test.ts for the minimal inputs. Fixed seed, so the run is deterministic.
  it('structural mutations with Object.prototype names among keys and values', () => {
    const proto = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
    fc.assert(
      fc.property(fc.array(treeMutation([...KEYS, ...proto], [...SCALARS, ...proto]), { minLength: 1, maxLength: 3 }), (ms) => {
        loadChecked(stringify(mutateTree(RICH_DOC, ms)), 'tree.yaml');
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  // Regression, fixed (sim/scenario/overrides.ts parseOverride reads the value with yaml's parse, which builds a
  // circular array for `&a [*a]`; tree.ts fromPlain then recurses forever): `--set
  // workloads[0].replicas=&a [*a]` makes loadScenarioText throw "RangeError: Maximum call stack size
  // exceeded".
  it('a --set value with a self-referencing alias is an error, not a stack overflow', () => {
    for (const o of ['workloads[0].replicas=&a [*a]', 'description=&a {b: *a}']) {
      const r = loadChecked(MINIMAL, 'base.yaml', [o]);
      expect(r.errors.length).toBe(1);
    }
  });
});

describe('YAML aliases and nesting', () => {
  it('a billion-laughs document returns an error quickly, without throwing', () => {
    const names = 'abcdefghi';
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < names.length; i++) text += `${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(', ')}]\n`;
    text += 'workloads: [{name: mi}]\n';
    const started = performance.now();
    const r = loadChecked(text, 'lol.yaml');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.scenario).toBeUndefined();
    expect(r.errors.some((e) => /too large/.test(e.message))).toBe(true);
  });

  it('a billion-laughs document inside a valid field returns an error, without throwing', () => {
    const text = 'x0: &x0 [a, a, a, a, a, a, a, a]\n' + Array.from({ length: 8 }, (_, i) => `x${i + 1}: &x${i + 1} [${Array(8).fill(`*x${i}`).join(', ')}]`).join('\n').replace(/^x8:/m, 'description:') + '\nworkloads: [{name: mi}]\n';
    const r = loadChecked(text, 'lol.yaml');
    expect(r.scenario).toBeUndefined();
  });

  it('aliases used as intended (a shared distribution) resolve to the anchored value', () => {
    const text = 'workloads:\n  - name: a\n    startup: {serverStart: &start {dist: uniform, min: 1s, max: 2s}}\n  - name: b\n    startup: {serverStart: *start}\n';
    const s = loadValid(text);
    expect(s.workloads[1]!.startup.serverStart).toEqual({ dist: 'uniform', min: 1, max: 2 });
  });

  it('an undefined alias or a self-referencing alias is an error, not a throw', () => {
    expect(loadChecked('workloads: [{name: mi}]\ndescription: *nope\n', 'a.yaml').errors.length).toBeGreaterThan(0);
    expect(loadChecked('workloads: &w [{name: mi, x: *w}]\n', 'a.yaml').errors.length).toBeGreaterThan(0);
  });

  it('deep nesting is an error, not a stack overflow', () => {
    for (const text of ['['.repeat(5000) + ']'.repeat(5000), '{a: '.repeat(300) + '1' + '}'.repeat(300), Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')]) {
      expect(loadChecked(text, 'deep.yaml').errors.length).toBeGreaterThan(0);
    }
  });

  // Regression, fixed (sim/scenario/tree.ts, parseTree/convert: `node.resolve(doc)`): yaml's Alias.resolve called
  // without a context visits the whole document for every alias, so converting a document is
  // quadratic in its number of aliases. A flat list of 8 000 aliases (about 30 KB) takes three to
  // four seconds (20 000 aliases: over 20 s), far below the value limit (100 000) that is meant to stop alias
  // bombs. Resolve anchors from a map built in one pass instead.
  it('a document with many aliases loads in well under a second (linear, not quadratic)', () => {
    const text = `x: &a 1\ny: [${Array(8000).fill('*a').join(', ')}]\nworkloads: [{name: mi}]\n`;
    const started = performance.now();
    const r = loadChecked(text, 'aliases.yaml');
    expect(r.errors.map((e) => e.path)).toEqual(['x', 'y']);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

// ---------------------------------------------------------------------------------------------
// A valid scenario round-trips.

describe('round trip: load -> serializeScenario -> YAML -> load', () => {
  it.each(BUILTINS)('%s', (file, text) => {
    const s = loadValid(text, `scenarios/${file}`);
    const again = reload(s);
    expect(again.messages, again.yaml).toEqual([]);
    expect(again.scenario).toStrictEqual(s);
  });

  it('a scenario that writes most fields, and the minimal one', () => {
    for (const text of [RICH, MINIMAL]) {
      const s = loadValid(text);
      const again = reload(s);
      expect(again.messages, again.yaml).toEqual([]);
      expect(again.scenario).toStrictEqual(s);
    }
  });

  it('serializing is a fixed point after one load', () => {
    const s = loadValid(RICH);
    const once = serializeScenario(s);
    expect(serializeScenario(reload(s).scenario!)).toStrictEqual(once);
  });

  it('writes scenario-file units', () => {
    const out = serializeScenario(loadValid(RICH)) as any;
    expect(out.horizon).toBe('30d');
    expect(out.warmup).toBe('10m');
    expect(out.cluster.nodePools[0].cpu).toBe('4');
    expect(out.cluster.nodePools[0].memory).toBe('16Gi');
    expect(out.workloads[0].resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1' } });
    expect(out.workloads[0].startup.serverStart).toEqual({ dist: 'lognormal', median: '5s', p95: '9s' });
    expect(out.kubernetes.schedulingLatency).toBe('500ms');
    expect(out.workloads[0].failures.hang).toBe('none');
    expect(out.faults[0]).toEqual({ type: 'node-crash', at: '2h', node: 'worker-1', podIndex: 0, repairAfter: '30m' });
  });

  it('generated scenarios', () => {
    fc.assert(
      fc.property(scenarioArb, (doc) => {
        const text = stringify(doc);
        const s = loadValid(text);
        const again = reload(s);
        expect(again.messages, `${text}\n--- serialized ---\n${again.yaml}`).toEqual([]);
        expect(again.scenario).toStrictEqual(s);
      }),
      { numRuns: 150 },
    );
  });

  it('generated scenarios written as JSON, with overrides', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (doc, wanted, seed) => {
        // Enough replicas for the pods its faults name (a podIndex beyond them is an error).
        const named = (doc.faults as Array<Record<string, unknown>>).filter((f) => f.workload === 'w0' || f.nodeOf === 'w0').map((f) => Number(f.podIndex ?? -1) + 1);
        const replicas = Math.max(wanted, ...named);
        const s = loadValid(JSON.stringify(doc), 'gen.json', [`workloads[0].replicas=${replicas}`, { text: `seed=${seed}`, origin: `--seed ${seed}` }]);
        expect(s.workloads[0]!.replicas).toBe(replicas);
        expect(s.seed).toBe(seed);
        expect(reload(s).scenario).toStrictEqual(s);
      }),
      { numRuns: 50 },
    );
  });

  // Regression, fixed (sim/scenario/units.ts formatDuration / parseDuration, used by serialize.ts for times): a
  // normal distribution may have a negative mean (validate.ts accepts any duration), but it is written
  // as `-5s`, which the loader rejects: "workloads[0].startup.serverStart.mean: expected a duration,
  // got "-5s"".
  it('a normal distribution with a negative mean', () => {
    const s = loadValid('workloads: [{name: mi, startup: {serverStart: {dist: normal, mean: -5, sd: 2s}}}]');
    const again = reload(s);
    expect(again.messages).toEqual([]);
    expect(again.scenario).toStrictEqual(s);
  });

  // Regression, fixed (sim/scenario/units.ts formatMemory rounds to whole KiB): `memory: 1G` (953.67431640625 MiB)
  // comes back as 953.6748046875 MiB; `1.1Gi` likewise.
  it.each(['1G', '1.1Gi', '1000'])('memory written as %s', (memory) => {
    const s = loadValid(`workloads: [{name: mi, resources: {requests: {memory: ${memory}}}}]`);
    expect(reload(s).scenario).toStrictEqual(s);
  });

  // Regression, fixed (sim/scenario/units.ts, see units.test.ts): durations with milliseconds do not come back
  // exactly, whether written as plain seconds (`104.028` -> `1m44.028s` -> 104.02799999999999;
  // `0.013` -> `13ms` -> 0.013000000000000001), as `0.009s`, or as `1001ms` (-> 1.0010000000000001
  // -> `1.001s` -> 1.001).
  it('durations with milliseconds, in every written form', () => {
    for (const d of ['104.028', '0.013', '0.009s', '1001ms', '61.5s', '1m0.5s']) {
      const s = loadValid(`workloads: [{name: mi, terminationGracePeriod: ${d}}]`);
      expect(reload(s).scenario, d).toStrictEqual(s);
    }
  });
});

// ---- a generator of valid scenario documents (scenario-file form) ----

const H = 3600;

/**
 * A duration in [minS, maxS] seconds in one of the written forms: `90s`, 90, `1m30s`, `5m`, or `250ms`
 * below one second. (Milliseconds of one second or more are covered by the round-trip test above: they
 * do not round-trip.)
 */
function durationText(maxS: number, minS = 0): fc.Arbitrary<string | number> {
  const secs = fc.integer({ min: minS, max: maxS });
  const forms: Array<fc.Arbitrary<string | number>> = [secs.map((n) => `${n}s`), secs, secs.map(formatDuration)];
  if (Math.ceil(minS / 60) <= Math.floor(maxS / 60)) forms.push(fc.integer({ min: Math.ceil(minS / 60), max: Math.floor(maxS / 60) }).map((m) => `${m}m`));
  if (minS === 0) forms.push(fc.integer({ min: 0, max: 999 }).map((ms) => `${ms}ms`));
  return fc.oneof(...forms);
}

const positiveDuration = (maxS: number) => durationText(maxS, 1);
const ratio = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => n / 100);

const distArb: fc.Arbitrary<unknown> = fc.oneof(
  durationText(H),
  durationText(H).map((value) => ({ dist: 'constant', value })),
  fc.tuple(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 })).map(([a, b]) => ({ dist: 'uniform', min: `${Math.min(a, b)}s`, max: `${Math.max(a, b)}s` })),
  positiveDuration(400 * 86400).map((mean) => ({ dist: 'exponential', mean })),
  fc.tuple(durationText(600), durationText(60)).map(([mean, sd]) => ({ dist: 'normal', mean, sd })),
  fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 })).map(([m, extra]) => ({ dist: 'lognormal', median: `${m}s`, p95: `${m + extra}s` })),
  fc.tuple(ratio(-500, 500), ratio(0, 300)).map(([mu, sigma]) => ({ dist: 'lognormal', mu, sigma })),
  fc.tuple(ratio(20, 500), positiveDuration(90 * 86400)).map(([shape, scale]) => ({ dist: 'weibull', shape, scale })),
  fc.tuple(ratio(1, 500), positiveDuration(600)).map(([shape, scale]) => ({ dist: 'gamma', shape, scale })),
  fc
    .array(fc.tuple(durationText(600), fc.integer({ min: 0, max: 10 })), { minLength: 1, maxLength: 5 })
    .chain((vw) =>
      fc.boolean().map((weighted) => {
        const values = vw.map(([v]) => v);
        const weights = vw.map(([, w], i) => (i === 0 ? w + 1 : w));
        return weighted ? { dist: 'empirical', values, weights } : { dist: 'empirical', values };
      }),
    ),
);

/** Times between events (a mean above 0, as the loader requires of them). */
const positiveDistArb: fc.Arbitrary<unknown> = fc.oneof(
  positiveDuration(400 * 86400),
  positiveDuration(400 * 86400).map((mean) => ({ dist: 'exponential', mean })),
  fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 })).map(([m, extra]) => ({ dist: 'lognormal', median: `${m}s`, p95: `${m + extra}s` })),
  fc.tuple(ratio(20, 500), positiveDuration(90 * 86400)).map(([shape, scale]) => ({ dist: 'weibull', shape, scale })),
);

const zonesArb = fc.subarray(['zone-a', 'zone-b', 'zone-c', 'eu-west-1a'], { minLength: 1 });
const cpuArb = fc.oneof(fc.integer({ min: 1, max: 64_000 }).map((m) => `${m}m`), fc.integer({ min: 1, max: 64 }).map(String), fc.integer({ min: 1, max: 64 }));
const memoryArb = fc.oneof(fc.integer({ min: 1, max: 1 << 20 }).map((m) => `${m}Mi`), fc.integer({ min: 1, max: 1024 }).map((g) => `${g}Gi`), fc.integer({ min: 1, max: 1 << 20 }).map((k) => `${k}Ki`));

const probeArb = fc.oneof(
  fc.constant('none'),
  fc.record({ initialDelay: durationText(300), period: positiveDuration(60), failureThreshold: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: [] }),
);

const poolArb = fc.record(
  {
    count: fc.integer({ min: 0, max: 20 }),
    cpu: cpuArb,
    memory: memoryArb,
    zones: zonesArb,
    imagePrePulled: fc.boolean(),
    failures: fc.record({ crash: fc.oneof(fc.constant('none'), positiveDistArb.map((timeToFailure) => ({ timeToFailure }))), repairTime: distArb }, { requiredKeys: [] }),
  },
  { requiredKeys: ['count'] },
);

const workloadArb = fc.record(
  {
    replicas: fc.integer({ min: 0, max: 1000 }),
    image: fc.string({ maxLength: 30 }),
    servesTraffic: fc.boolean(),
    // The limit, when given, is at least any request (Kubernetes requires limit >= request).
    resources: fc.record({ requests: fc.record({ cpu: cpuArb, memory: memoryArb }, { requiredKeys: [] }), limits: fc.record({ cpu: fc.constantFrom('none', '64', 64) }) }, { requiredKeys: ['limits'] }),
    startup: fc.record({ imagePull: distArb, serverStart: distArb, artifacts: fc.integer({ min: 0, max: 500 }), artifactDeploy: distArb, shutdown: distArb }, { requiredKeys: [] }),
    probes: fc.record({ startup: probeArb, readiness: probeArb, liveness: probeArb }, { requiredKeys: [] }),
    terminationGracePeriod: durationText(600),
    scheduling: fc.record(
      {
        podAntiAffinity: fc.record({ required: fc.constantFrom('none', 'hostname', 'zone'), preferred: fc.constantFrom('none', 'hostname', 'zone'), weight: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] }),
        topologySpread: fc.array(fc.record({ topologyKey: fc.constantFrom('hostname', 'zone'), maxSkew: fc.integer({ min: 1, max: 5 }), whenUnsatisfiable: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway') }, { requiredKeys: ['topologyKey'] }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    autoscaling: fc.oneof(
      fc.constant('none'),
      fc.integer({ min: 1, max: 50 }).chain((min) => fc.record({ minReplicas: fc.constant(min), maxReplicas: fc.integer({ min, max: 100 }), targetCPUUtilization: fc.integer({ min: 1, max: 200 }) })),
    ),
    podDisruptionBudget: fc.oneof(fc.constant('none'), fc.record({ minAvailable: fc.integer({ min: 0, max: 10 }) })),
    failures: fc.record(
      { crash: fc.oneof(fc.constant('none'), positiveDistArb.map((timeToFailure) => ({ timeToFailure }))), hang: fc.oneof(fc.constant('none'), positiveDistArb.map((timeToFailure) => ({ timeToFailure }))) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['replicas'] },
);

/** Raw fault choices, resolved against the generated pools and workloads. */
const faultSeedArb = fc.record({
  type: fc.constantFrom('node-crash', 'node-drain', 'pod-crash', 'pod-hang', 'scale'),
  atFraction: fc.double({ min: 0, max: 0.999, noNaN: true }),
  pick: fc.nat(),
  podIndex: fc.integer({ min: 0, max: 5 }),
  byWorkload: fc.boolean(),
  after: fc.oneof(fc.constant(undefined), fc.constant('none'), durationText(86400)),
  replicas: fc.integer({ min: 0, max: 1000 }),
});

const scenarioArb = fc
  .record({
    horizonDays: fc.integer({ min: 1, max: 400 }),
    warmupMinutes: fc.integer({ min: 0, max: 600 }),
    seed: fc.integer({ min: 0, max: 2 ** 40 }),
    replications: fc.integer({ min: 1, max: 200 }),
    description: fc.string({ maxLength: 40 }),
    tolerationSeconds: durationText(600),
    schedulingLatency: distArb,
    pools: fc.array(poolArb, { minLength: 1, maxLength: 3 }),
    workloads: fc.array(workloadArb, { minLength: 1, maxLength: 3 }),
    faults: fc.array(faultSeedArb, { maxLength: 5 }),
  })
  .map((g) => {
    const horizonS = g.horizonDays * 86400;
    const pools = g.pools.map((p, i) => ({ name: `pool-${i}`, ...p }));
    const workloads = g.workloads.map((w, i) => ({ name: `w${i}`, ...w }));
    const nodes = pools.flatMap((p) => Array.from({ length: p.count }, (_, k) => `${p.name}-${k + 1}`));
    // A fault aimed at a pod must name one the workload has (a podIndex below its replicas).
    const withPods = workloads.filter((w) => (w.replicas ?? 1) > 0);
    const faults = g.faults.map((f) => {
      const at = `${Math.floor(f.atFraction * horizonS)}s`;
      const workload = workloads[f.pick % workloads.length]!.name;
      const podTarget = withPods.length === 0 ? null : withPods[f.pick % withPods.length]!;
      const podIndex = podTarget === null ? 0 : f.podIndex % (podTarget.replicas ?? 1);
      if (f.type === 'node-crash' || f.type === 'node-drain') {
        if ((f.byWorkload || nodes.length === 0) && podTarget === null) return { type: 'scale', at, workload, replicas: f.replicas };
        const target = f.byWorkload || nodes.length === 0 ? { nodeOf: podTarget!.name, podIndex } : { node: nodes[f.pick % nodes.length]! };
        const after = f.after === undefined ? {} : f.type === 'node-crash' ? { repairAfter: f.after } : { uncordonAfter: f.after };
        return { type: f.type, at, ...target, ...after };
      }
      if (f.type === 'scale' || podTarget === null) return { type: 'scale', at, workload, replicas: f.replicas };
      return { type: f.type, at, workload: podTarget.name, podIndex };
    });
    return {
      horizon: `${g.horizonDays}d`,
      warmup: `${g.warmupMinutes}m`,
      seed: g.seed,
      replications: g.replications,
      description: g.description,
      kubernetes: { tolerationSeconds: g.tolerationSeconds, schedulingLatency: g.schedulingLatency },
      cluster: { nodePools: pools },
      workloads,
      faults,
    };
  });

// ---------------------------------------------------------------------------------------------
// Breaking one field gives one error at that field's path.

describe('breaking one field gives exactly one error, at that field', () => {
  it('RICH itself is valid', () => {
    loadValid(RICH);
  });

  it('a bad value for one field, among valid overrides of others', () => {
    const breakArb = fc.constantFrom(...BREAKS.filter(([p]) => !SPURIOUS_CROSS_ERRORS.includes(p))).chain(([path, bad]) => bad.map((value) => ({ path, value })));
    const harmlessArb = fc.subarray(HARMLESS, { maxLength: 3 }).chain((chosen) => (chosen.length === 0 ? fc.constant([] as string[]) : fc.tuple(...chosen.map(([p, v]) => v.map((x) => `${p}=${x}`)))));
    fc.assert(
      fc.property(breakArb, harmlessArb, fc.boolean(), ({ path, value }, harmless, breakFirst) => {
        const others = harmless.filter((o) => !o.startsWith(`${path}=`));
        const broken = `${path}=${value}`;
        const r = loadChecked(RICH, 'rich.yaml', breakFirst ? [broken, ...others] : [...others, broken]);
        // A bad item of a list field is reported at its index, e.g. zones[0].
        expect(
          r.errors.map((e) => [e.path.replace(/\[\d+\]$/, (m) => (e.path.slice(0, -m.length) === path ? '' : m)), formatScenarioError(e)]),
          broken,
        ).toEqual([[path, expect.stringMatching(new RegExp(`^--set ${escape(broken)} ${escape(path)}(\\[\\d+\\])?: expected .+, got .+`))]]);
      }),
      { numRuns: 400 },
    );
  });

  it.each(BREAKS.filter(([p]) => !SPURIOUS_CROSS_ERRORS.includes(p)).map(([path]) => path))('%s (one bad value)', (path) => {
    const [, bad] = BREAKS.find(([p]) => p === path)!;
    const [value] = fc.sample(bad, { numRuns: 1, seed: 1 });
    const r = loadChecked(RICH, 'rich.yaml', [`${path}=${value}`]);
    expect(r.errors.map((e) => e.path.replace(/\[\d+\]$/, (m) => (e.path.slice(0, -m.length) === path ? '' : m)))).toEqual([path]);
  });

  // Regression: a field other sections refer to (a node pool's name, a workload's name, a fault's
  // nodeOf) that fails validation must not also trigger the cross-field checks that need it.
  it.each(SPURIOUS_CROSS_ERRORS)('%s: no second error from the cross-field checks', (path) => {
    const [, bad] = BREAKS.find(([p]) => p === path)!;
    for (const value of new Set(fc.sample(bad, { numRuns: 20, seed: 1 }))) {
      const r = loadChecked(RICH, 'rich.yaml', [`${path}=${value}`]);
      expect(r.errors.map((e) => e.path), `${path}=${value}`).toEqual([path]);
    }
  });

  // Regression: negative resource requests are errors (numbers and text alike).
  it.each(['workloads[0].resources.requests.cpu=-1', 'workloads[0].resources.requests.memory=-1', 'workloads[0].resources.requests.memory=-1048576', 'workloads[0].resources.limits.cpu=0'])('%s is an error', (o) => {
    const r = loadChecked(RICH, 'rich.yaml', [o]);
    expect(r.errors.map((e) => e.path)).toEqual([o.slice(0, o.indexOf('='))]);
  });

  it('the same breaks written in the file point at the line and column of the bad value', () => {
    const cases: Array<[string, string, string, string]> = [
      ['    replicas: 3\n', '    replicas: -1\n', '-1', 'workloads[0].replicas'],
      ['horizon: 30d\n', 'horizon: abc\n', 'abc', 'horizon'],
      ['  tolerationSeconds: 300s\n', '  tolerationSeconds: -5s\n', '-5s', 'kubernetes.tolerationSeconds'],
      ['      cpu: "4"\n', '      cpu: lots\n', 'lots', 'cluster.nodePools[0].cpu'],
      ['readiness: {initialDelay: 60s, period: 1s,', 'readiness: {initialDelay: 60s, period: 0s,', '0s,', 'workloads[0].probes.readiness.period'],
      ['{type: node-crash, at: 2h,', '{type: node-crash, at: xyz,', 'xyz', 'faults[0].at'],
    ];
    for (const [from, to, bad, path] of cases) {
      expect(RICH.includes(from), from).toBe(true);
      const text = RICH.replace(from, to);
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes(to.trim())) + 1;
      const col = lines[line - 1]!.indexOf(to.trim()) + to.trim().lastIndexOf(bad) + 1;
      const r = loadChecked(text, 'rich.yaml');
      expect(r.errors.map(formatScenarioError)).toEqual([expect.stringMatching(new RegExp(`^rich\\.yaml:${line}:${col} ${escape(path)}: expected .+, got .+$`))]);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
