/**
 * The scenario knobs: the fields architects turn most (replicas, nodes, failure rates, start-up
 * and coordination timings, traffic, the run's seed, horizon and replications), as form controls
 * kept in step with the scenario's YAML text.
 *
 * `readKnobs` reads each knob's value from the text, with the default that applies when the knob
 * is left empty (from the field specs in sim/scenario/fields.ts, the ones `deploysim fields`
 * prints). `writeKnob` sets one field and leaves the rest of the text as it was, byte for byte:
 * comments, key order, flow or block style, quoting and line breaks. The field is located with
 * yaml's `parseDocument` and the change is spliced into the text at the node's source range (a
 * whole-document `doc.toString()` would re-fold long lines and re-space flow mappings); should a
 * splice ever not read back as intended, the change is made with `doc.setIn` / `doc.deleteIn` on
 * the document instead. No DOM: this module runs in Node tests and in the browser.
 */
import { Document, isCollection, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { DistSpec } from '../../sim/engine/distributions.js';
import { scenarioSpec } from '../../sim/scenario/fields.js';
import { formatDist } from '../../sim/scenario/serialize.js';
import type { Spec } from '../../sim/scenario/spec.js';
import { formatDuration } from '../../sim/scenario/units.js';

export type KnobKind = 'integer' | 'duration' | 'rate' | 'choice' | 'text';

/**
 * How the knob's text stands for the field at `path`:
 * - `value`: it is the field's value;
 * - `exponential-mean`: the field is a distribution and the knob is the mean of an exponential one
 *   (a mean time to failure); a field in another form is replaced by `{dist: exponential, mean}`;
 * - `constant-rate`: the field is a traffic rate profile and the knob a constant rate; another
 *   profile (diurnal, step, spike) is replaced by the constant rate.
 */
export type KnobForm = 'value' | 'exponential-mean' | 'constant-rate';

export interface Knob {
  id: string;
  label: string;
  /** The scenario field, as in `--set`: `workloads[0].replicas`. */
  path: string;
  /** Short unit shown after the control: `pods`, `s/m/h/d` (a duration carries its unit), `/s or /min`; empty for a choice. */
  unit: string;
  /** One line of help: what to type. */
  hint: string;
  kind: KnobKind;
  /** For `choice`: the values the field accepts, from its spec. */
  choices?: readonly string[];
  /** Heading the knob is shown under. */
  group: string;
  form: KnobForm;
  /**
   * A mapping on the path that `none` switches off (`workloads[0].failures.hang`): the knob then
   * reads `none`, and typing `none` switches it off.
   */
  offAt?: string;
}

type KnobDef = Omit<Knob, 'choices' | 'form'> & { form?: KnobForm };

const DISTRIBUTION_HINT = 'a duration (constant) or a distribution such as {dist: lognormal, median: 5s, p95: 9s}';

const DEFS = [
  { id: 'replicas', group: 'Size', label: 'Replicas', path: 'workloads[0].replicas', kind: 'integer', unit: 'pods', hint: 'desired pods of the first workload' },
  { id: 'nodes', group: 'Size', label: 'Nodes', path: 'cluster.nodePools[0].count', kind: 'integer', unit: 'nodes', hint: 'worker nodes in the first node pool' },
  {
    id: 'nodeCrashMtbf',
    group: 'Failures',
    label: 'Node crash MTBF',
    path: 'cluster.nodePools[0].failures.crash.timeToFailure',
    kind: 'duration',
    unit: 's/m/h/d',
    hint: 'mean running time between crashes of each node (exponential), e.g. 365d; none: no node crashes',
    form: 'exponential-mean',
    offAt: 'cluster.nodePools[0].failures.crash',
  },
  {
    id: 'podCrashMtbf',
    group: 'Failures',
    label: 'Pod crash MTBF',
    path: 'workloads[0].failures.crash.timeToFailure',
    kind: 'duration',
    unit: 's/m/h/d',
    hint: 'mean running time between container crashes of each pod (exponential), e.g. 14d; none: no crashes',
    form: 'exponential-mean',
    offAt: 'workloads[0].failures.crash',
  },
  {
    id: 'podHangMtbf',
    group: 'Failures',
    label: 'Pod hang MTBF',
    path: 'workloads[0].failures.hang.timeToFailure',
    kind: 'duration',
    unit: 's/m/h/d',
    hint: 'mean running time to a hang of each pod (exponential), e.g. 90d; none: no hangs',
    form: 'exponential-mean',
    offAt: 'workloads[0].failures.hang',
  },
  { id: 'serverStart', group: 'Start-up', label: 'Server start', path: 'workloads[0].startup.serverStart', kind: 'text', unit: 's or {dist}', hint: `MI server start, container start to transports up: ${DISTRIBUTION_HINT}` },
  { id: 'artifacts', group: 'Start-up', label: 'Artifacts deployed', path: 'workloads[0].startup.artifacts', kind: 'integer', unit: 'CApps', hint: 'artifacts deployed at start, one deployment time each' },
  {
    id: 'artifactDeploy',
    group: 'Start-up',
    label: 'Artifact deployment',
    path: 'workloads[0].startup.artifactDeploy',
    kind: 'text',
    unit: 's or {dist}',
    hint: `deployment time of one artifact: ${DISTRIBUTION_HINT}`,
  },
  { id: 'coordination', group: 'Coordination', label: 'Coordination database', path: 'workloads[0].coordination', kind: 'choice', unit: '', hint: 'true: the pods join the coordination cluster (each stateful artifact on one pod)' },
  { id: 'miVersion', group: 'Coordination', label: 'MI version', path: 'coordination.miVersion', kind: 'choice', unit: '', hint: '4.3: no fencing; 4.4: fencing; 4.5: as 4.4, a restarted container waits and joins' },
  { id: 'heartbeatInterval', group: 'Coordination', label: 'Heartbeat interval (H)', path: 'coordination.heartbeatInterval', kind: 'duration', unit: 's/m/h/d', hint: 'how often each server writes its heartbeat, e.g. 5s' },
  { id: 'heartbeatMaxRetry', group: 'Coordination', label: 'Missed heartbeats (R)', path: 'coordination.heartbeatMaxRetry', kind: 'integer', unit: 'heartbeats', hint: 'a member is dead when its heartbeat is older than H x R' },
  { id: 'resolvingPeriod', group: 'Coordination', label: 'Task scheduler interval (P)', path: 'coordination.resolvingPeriod', kind: 'duration', unit: 's/m/h/d', hint: 'how often the leader assigns tasks and servers start theirs, e.g. 2s' },
  {
    id: 'trafficRate',
    group: 'Traffic',
    label: 'Request rate',
    path: 'workloads[0].traffic.rate',
    kind: 'rate',
    unit: '/s or /min',
    hint: 'a constant rate such as 200/s or 12000/min; none: no traffic',
    form: 'constant-rate',
    offAt: 'workloads[0].traffic',
  },
  { id: 'lbType', group: 'Traffic', label: 'Load balancer', path: 'loadBalancer.type', kind: 'choice', unit: '', hint: 'ingress: ingress-nginx in the cluster; cloud: an external load balancer' },
  { id: 'lbPolicy', group: 'Traffic', label: 'Balancing policy', path: 'loadBalancer.policy', kind: 'choice', unit: '', hint: 'how the load balancer chooses a pod' },
  { id: 'seed', group: 'Run', label: 'Seed', path: 'seed', kind: 'integer', unit: '', hint: 'root random seed' },
  { id: 'horizon', group: 'Run', label: 'Horizon', path: 'horizon', kind: 'duration', unit: 's/m/h/d', hint: 'simulated time per replication, e.g. 365d or 2h' },
  { id: 'replications', group: 'Run', label: 'Replications', path: 'replications', kind: 'integer', unit: 'runs', hint: 'independent replications (95% confidence intervals across them)' },
] as const satisfies readonly KnobDef[];

export type KnobId = (typeof DEFS)[number]['id'];

/** Every knob, in the order the form shows them. */
export const KNOBS: readonly Knob[] = DEFS.map((d: KnobDef) => {
  const knob: Knob = { ...d, form: d.form ?? 'value' };
  const spec = fieldSpec(d.path);
  if (d.kind === 'choice') knob.choices = choicesOf(spec);
  return knob;
});

const BY_ID = new Map(KNOBS.map((k) => [k.id, k]));

export function knobById(id: string): Knob | undefined {
  return BY_ID.get(id);
}

/** What a knob shows. */
export interface KnobReading {
  /** The knob's text in the scenario, or null when the field is absent (the default applies). */
  value: string | null;
  /** What the field is when the knob is left empty (`none`: switched off; empty: required). */
  default: string;
  /** When the field is written in a form the knob does not edit (a diurnal profile...): what typing a value does. */
  note?: string;
}

/**
 * Every knob's value and default in a scenario's text, or null when the text is not a YAML
 * mapping (a syntax error: the form then keeps the last values it read).
 */
export function readKnobs(text: string): Record<KnobId, KnobReading> | null {
  const doc = parse(text);
  if (doc === null) return null;
  const out: Partial<Record<KnobId, KnobReading>> = {};
  for (const knob of KNOBS) {
    const reading = readValue(doc, knob);
    // The default is what the field becomes when the knob is emptied (a switched-off mapping that
    // held only this field goes with it).
    const def = defaultIn(reading.value === null ? doc : cleared(text, doc, knob), knob);
    out[knob.id as KnobId] = { ...reading, default: def };
  }
  return out as Record<KnobId, KnobReading>;
}

/**
 * Sets a knob in a scenario's text, keeping the rest of the text as it was. An empty value (or
 * null) removes the field, so its default applies; `none` switches off a knob's mapping where it
 * has one. The value is read as YAML, as `--set` reads it (`3` a number, `5s` a text,
 * `{dist: ...}` a mapping), and is not checked here: the scenario loader reports a wrong value at
 * its line. Errors: the text does not parse, the path crosses a value that is not a mapping, or a
 * list has no such item (a workload is never invented).
 */
export function writeKnob(text: string, id: string, value: string | null): { text: string } | { error: string } {
  const knob = BY_ID.get(id);
  if (knob === undefined) return { error: `no knob ${JSON.stringify(id)}` };
  const doc = parse(text);
  if (doc === null) return { error: 'the scenario has YAML errors: fix them first' };
  const raw = value?.trim() ?? '';
  const segs = segmentsOf(knob.path);
  if (raw === '') return apply(text, doc, planClear(text, doc, knob));
  const parsed = parseValue(raw);
  if ('error' in parsed) return parsed;
  if (knob.offAt !== undefined && parsed.value === 'none') return apply(text, doc, planSet(text, doc, segmentsOf(knob.offAt), 'none'));
  const leaf = lookup(doc, segs);
  if (knob.form === 'exponential-mean') {
    if (isMap(leaf) && scalarAt(leaf, 'dist') === 'exponential') return apply(text, doc, planSet(text, doc, [...segs, 'mean'], parsed.value));
    return apply(text, doc, planSet(text, doc, segs, { dist: 'exponential', mean: parsed.value }));
  }
  if (knob.form === 'constant-rate' && isMap(leaf) && scalarAt(leaf, 'profile') === 'constant') {
    return apply(text, doc, planSet(text, doc, [...segs, 'rate'], parsed.value));
  }
  return apply(text, doc, planSet(text, doc, segs, parsed.value));
}

// ---- paths and specs ----

type Seg = string | number;

/** `workloads[0].replicas` -> ['workloads', 0, 'replicas']. */
export function segmentsOf(path: string): Seg[] {
  const out: Seg[] = [];
  for (const m of path.matchAll(/([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

function pathOf(segs: readonly Seg[]): string {
  let out = '';
  for (const s of segs) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/**
 * The spec of each prefix of a path (the last is the field's). Inside a distribution or a rate
 * profile (`...timeToFailure.mean`) the specs stop: those prefixes have none.
 */
function specChain(segs: readonly Seg[]): Spec[] {
  const out: Spec[] = [];
  let spec: Spec = scenarioSpec;
  for (const seg of segs) {
    const next: Spec | undefined = typeof seg === 'number' ? (spec.kind === 'array' ? spec.items : undefined) : spec.kind === 'object' ? spec.fields[seg] : undefined;
    if (next === undefined) break;
    spec = next;
    out.push(spec);
  }
  return out;
}

/** The spec of a knob's field (a knob's path is always a field of the scenario spec). */
function fieldSpec(path: string): Spec {
  const segs = segmentsOf(path);
  const chain = specChain(segs);
  if (chain.length !== segs.length) throw new Error(`knobs: no scenario field ${path}`);
  return chain[chain.length - 1]!;
}

function choicesOf(spec: Spec): string[] {
  if (spec.kind !== 'leaf') throw new Error('knobs: a choice must be a leaf field');
  if (spec.type.name === 'boolean') return ['true', 'false'];
  const choices = spec.type.name.split(' | ');
  for (const c of choices) if (spec.type.parse(c) === undefined) throw new Error(`knobs: ${c} is not a value of ${spec.type.name}`);
  return choices;
}

/** A field's default as text: `none` when off, empty when required. */
function leafDefault(spec: Spec, knob: Knob): string {
  const def = (spec as { default?: unknown }).default;
  if (def === undefined) return '';
  if (def === null) return 'none';
  switch (spec.kind) {
    case 'leaf':
      return flowText(spec.type.format(def));
    case 'dist': {
      const d = def as DistSpec;
      if (knob.form === 'exponential-mean' && d.dist === 'exponential') return formatDuration(d.mean);
      return flowText(formatDist(d));
    }
    default:
      return flowText(def);
  }
}

// ---- reading ----

function parse(text: string): Document.Parsed | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  if (doc.contents !== null && !isMap(doc.contents)) return null;
  return doc;
}

type Found = Node | null | undefined;

/** The child of a collection at a segment: undefined when absent, null for `key:` with nothing. */
function child(node: Found, seg: Seg): Found {
  if (typeof seg === 'number') return isSeq(node) ? (node.items[seg] as Found) : undefined;
  if (!isMap(node)) return undefined;
  const pair = pairOf(node, seg);
  return pair === undefined ? undefined : ((pair.value as Found) ?? null);
}

function pairOf(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return (map.items as Array<Pair<Node, Node | null>>).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function lookup(doc: Document, segs: readonly Seg[]): Found {
  let node: Found = doc.contents as Found;
  for (const seg of segs) {
    node = child(node, seg);
    if (node === undefined || node === null) return node;
  }
  return node;
}

function scalarAt(map: YAMLMap, key: string): unknown {
  const v = pairOf(map, key)?.value;
  return isScalar(v) ? v.value : undefined;
}

/** `none`, `~` or nothing: a mapping switched off. */
function isOff(node: Found): boolean {
  return node === null || (isScalar(node) && (node.value === null || node.value === 'none'));
}

function scalarText(node: Found): string {
  if (node === null || node === undefined) return 'none';
  if (isScalar(node)) return node.value === null ? 'none' : flowText(node.value);
  return flowText(node.toJSON());
}

/** A value in one line of YAML: `5s`, `{dist: exponential, mean: 14d}`. */
function flowText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return render(value, 'flow');
}

function readValue(doc: Document, knob: Knob): { value: string | null; note?: string } {
  const segs = segmentsOf(knob.path);
  let node: Found = doc.contents as Found;
  for (let i = 0; i < segs.length; i++) {
    node = child(node, segs[i]!);
    if (node === undefined) return { value: null };
    const last = i === segs.length - 1;
    if (!last && !isCollection(node)) {
      const here = pathOf(segs.slice(0, i + 1));
      if (isOff(node) && here === knob.offAt) return { value: 'none' };
      return { value: scalarText(node), note: `${here} is ${scalarText(node)}, not a mapping: a value here replaces it` };
    }
  }
  if (knob.form === 'exponential-mean') {
    if (isMap(node) && scalarAt(node, 'dist') === 'exponential') {
      const mean = child(node, 'mean');
      if (isScalar(mean)) return { value: scalarText(mean) };
    }
    const what = isMap(node) ? `a ${String(scalarAt(node, 'dist') ?? 'mapping')} distribution` : 'a constant';
    return { value: scalarText(node), note: `${what}, not exponential: a value here makes it exponential with that mean` };
  }
  if (knob.form === 'constant-rate' && isMap(node)) {
    const profile = scalarAt(node, 'profile');
    const rate = child(node, 'rate');
    if (profile === 'constant' && isScalar(rate)) return { value: scalarText(rate) };
    return { value: scalarText(node), note: `a ${String(profile ?? 'rate')} profile: a rate here replaces it with a constant rate` };
  }
  return { value: scalarText(node) };
}

/** What the knob's field resolves to in this document when it is absent from it. */
function defaultIn(doc: Document, knob: Knob): string {
  const segs = segmentsOf(knob.path);
  const chain = specChain(segs);
  const field = fieldSpec(knob.path);
  let node: Found = doc.contents as Found;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    const spec = chain[i]!;
    if (node === undefined) {
      // An absent list takes its default items; an absent mapping its fields' defaults, or none.
      if (typeof seg === 'number') {
        const list = chain[i - 1];
        if (list?.kind !== 'array' || (list.default?.length ?? 0) <= seg) return '';
      } else if (spec.kind === 'object' && spec.default === null) return 'none';
      continue;
    }
    const next = child(node, seg);
    if (next === undefined) {
      if (typeof seg === 'number') return ''; // the list is written without this item
      if (spec.kind === 'object' && spec.default === null) return 'none';
      node = undefined;
      continue;
    }
    if (!isCollection(next)) return isOff(next) && spec.nullable ? 'none' : leafDefault(field, knob);
    node = next;
  }
  return leafDefault(field, knob);
}

// ---- writing ----

/** A knob value read as YAML the way `--set` reads it; text that is not YAML stays text. */
function parseValue(raw: string): { value: unknown } | { error: string } {
  if (/[\r\n]/.test(raw)) return { error: 'expected a value on one line' };
  const d = parseDocument(raw);
  if (d.errors.length === 0 && d.contents !== null) return { value: d.toJS() };
  if (/^[[{"'*&!|>%@`]/.test(raw)) return { error: `expected a YAML value, got ${JSON.stringify(raw)}${d.errors[0] ? ` (${d.errors[0].message.split('\n')[0]})` : ''}` };
  return { value: raw };
}

/** One change to the text, and the same change in document terms (to check it, and to fall back on). */
type Plan =
  | { kind: 'none' }
  | { kind: 'error'; error: string }
  | { kind: 'set'; from: number; to: number; insert: string; path: Seg[]; value: unknown }
  | { kind: 'delete'; from: number; to: number; insert: string; path: Seg[] };

function apply(text: string, doc: Document.Parsed, plan: Plan): { text: string } | { error: string } {
  if (plan.kind === 'error') return { error: plan.error };
  if (plan.kind === 'none') return { text };
  const spliced = text.slice(0, plan.from) + plan.insert + text.slice(plan.to);
  if (reads(spliced, plan)) return { text: spliced };
  // The splice did not read back as intended: make the change on the document and print it whole.
  const fallback = doc.clone();
  try {
    if (plan.kind === 'set') fallback.setIn(plan.path, flowNode(plan.value));
    else fallback.deleteIn(plan.path);
  } catch {
    return { error: `could not write ${pathOf(plan.path)}: fix the YAML around it` };
  }
  const whole = fallback.toString({ lineWidth: 0, flowCollectionPadding: false });
  return reads(whole, plan) ? { text: whole } : { error: `could not write ${pathOf(plan.path)}` };
}

/** The document without the knob's field (as writing an empty value leaves it). */
function cleared(text: string, doc: Document.Parsed, knob: Knob): Document {
  const plan = planClear(text, doc, knob);
  if (plan.kind !== 'delete') return doc;
  const after = parse(text.slice(0, plan.from) + plan.insert + text.slice(plan.to));
  if (after !== null && lookup(after, plan.path) === undefined) return after;
  const fallback = doc.clone();
  fallback.deleteIn(plan.path);
  return fallback;
}

/** Whether text has the plan's change: its path holds the value, or is gone. */
function reads(text: string, plan: Extract<Plan, { path: Seg[] }>): boolean {
  const doc = parse(text);
  if (doc === null) return false;
  const found = lookup(doc, plan.path);
  if (plan.kind === 'delete') return found === undefined;
  if (found === undefined) return false;
  const js = found === null ? null : found.toJSON();
  return JSON.stringify(js) === JSON.stringify(plan.value);
}

/** Sets the field at `segs`, creating the mappings on the way (and a list's default items). */
function planSet(text: string, doc: Document.Parsed, segs: Seg[], value: unknown): Plan {
  const root = doc.contents as Found;
  if (root === null || root === undefined) {
    const tree = subtree(segs, flowNode(value), specChain(segs), 0);
    if ('error' in tree) return { kind: 'error', error: tree.error };
    const lead = text === '' || text.endsWith('\n') ? '' : eolOf(text);
    return { kind: 'set', from: text.length, to: text.length, insert: lead + indentLines(render(tree.value, 'block'), '', eolOf(text)) + eolOf(text), path: segs, value };
  }
  const chain = specChain(segs);
  const leaf = flowNode(value);
  let node: Node = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const here = pathOf(segs.slice(0, i + 1));
    const last = i === segs.length - 1;
    if (typeof seg === 'number') {
      if (!isSeq(node)) return { kind: 'error', error: `${pathOf(segs.slice(0, i))} is not a list: fix it in the YAML` };
      const item = node.items[seg] as Found;
      if (item === undefined) return { kind: 'error', error: `the scenario has no ${here}: add it in the YAML first` };
      if (last || !isMap(item)) return { kind: 'error', error: `${here} is not a mapping: fix it in the YAML` };
      node = item;
      continue;
    }
    if (!isMap(node)) return { kind: 'error', error: `${pathOf(segs.slice(0, i))} is not a mapping: fix it in the YAML` };
    const pair = pairOf(node, seg);
    if (pair === undefined) {
      const rest = subtree(segs, leaf, chain, i + 1);
      if ('error' in rest) return { kind: 'error', error: rest.error };
      return { kind: 'set', ...insertPair(text, node, seg, rest.value), path: segs, value };
    }
    const next = pair.value as Found;
    if (last) return { kind: 'set', ...replaceValue(text, pair, value), path: segs, value };
    if (isCollection(next)) {
      node = next;
      continue;
    }
    // A switched-off mapping (`crash: none`) on the way: the rest replaces it.
    if (!isOff(next)) return { kind: 'error', error: `${here} is ${scalarText(next)}, not a mapping: fix it in the YAML` };
    const rest = subtree(segs, leaf, chain, i + 1);
    if ('error' in rest) return { kind: 'error', error: rest.error };
    return { kind: 'set', ...replaceValue(text, pair, rest.value), path: segs, value };
  }
  return { kind: 'error', error: `cannot write ${pathOf(segs)}` };
}

/** The value to write at segs[from - 1]: the rest of the path as nested mappings around `value`. */
function subtree(segs: readonly Seg[], value: unknown, chain: ReadonlyArray<Spec | undefined>, from: number): { value: unknown } | { error: string } {
  let out = value;
  for (let i = segs.length - 1; i >= from; i--) {
    const seg = segs[i]!;
    if (typeof seg === 'number') {
      // Only a list with default items may be written from nothing (nodePools: [{}]), never workloads.
      const list = chain[i - 1];
      const defaults = list?.kind === 'array' ? list.default : undefined;
      if (defaults === undefined || seg >= defaults.length || !isEmptyObject(defaults[seg])) {
        return { error: `the scenario has no ${pathOf(segs.slice(0, i + 1))}: add it in the YAML first` };
      }
      const items: unknown[] = defaults.map((d) => structuredClone(d));
      items[seg] = out;
      out = items;
    } else out = { [seg]: out };
  }
  return { value: out };
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** YAML for a value: `flow` on one line (`{dist: exponential, mean: 14d}`), or `block` (mappings and lists on their own lines). */
function render(value: unknown, style: 'flow' | 'block'): string {
  const doc = new Document(value);
  if (style === 'flow' && isCollection(doc.contents)) doc.contents.flow = true;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/\n$/, '');
}

/** A value to write: a mapping or list as a flow-style node (it stays on one line inside block mappings). */
function flowNode(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? new Document().createNode(value, { flow: true }) : value;
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function indentLines(block: string, indent: string, eol: string): string {
  return block
    .split('\n')
    .map((l) => indent + l)
    .join(eol);
}

/** Start of the line holding `pos`. */
function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** End of the line holding `pos` (before its line break). */
function lineEnd(text: string, pos: number): number {
  let end = text.indexOf('\n', pos);
  if (end < 0) return text.length;
  if (text[end - 1] === '\r') end--;
  return end;
}

/** Where a node's own text ends: a block collection ends with its last item (not the comments after it). */
function contentEnd(text: string, node: Found, pair?: Pair<Node, Node | null>): number {
  if (node === null || node === undefined || node.range === null || node.range === undefined) {
    const key = pair?.key as Node | undefined;
    return key?.range ? trimEnd(text, key.range[1]) + 1 : 0; // `key:` with nothing after it
  }
  if (isCollection(node) && !node.flow && node.items.length > 0) {
    const lastItem = node.items[node.items.length - 1];
    if (isPair(lastItem)) return contentEnd(text, lastItem.value as Found, lastItem as Pair<Node, Node | null>);
    return contentEnd(text, lastItem as Found);
  }
  return trimEnd(text, node.range[1]);
}

/** `pos` moved back over trailing line breaks and spaces. */
function trimEnd(text: string, pos: number): number {
  let end = pos;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return end;
}

function keyStart(pair: Pair<Node, Node | null>): number {
  return pair.key.range![0];
}

/** Adds `key: value` to a mapping: before its closing brace (flow) or on new lines after its last entry (block). */
function insertPair(text: string, map: YAMLMap, key: string, value: unknown): { from: number; to: number; insert: string } {
  const pairs = map.items as Array<Pair<Node, Node | null>>;
  if (map.flow) {
    const entry = `${key}: ${render(value, 'flow')}`;
    if (pairs.length === 0) {
      const open = text.indexOf('{', map.range![0]) + 1;
      return { from: open, to: open, insert: entry };
    }
    const last = pairs[pairs.length - 1]!;
    const end = contentEnd(text, last.value as Found, last);
    return { from: end, to: end, insert: `, ${entry}` };
  }
  const first = pairs[0]!;
  const indent = ' '.repeat(keyStart(first) - lineStart(text, keyStart(first)));
  const last = pairs[pairs.length - 1]!;
  const at = lineEnd(text, contentEnd(text, last.value as Found, last));
  const eol = eolOf(text);
  return { from: at, to: at, insert: eol + indentLines(render({ [key]: value }, 'block'), indent, eol) };
}

/** Replaces a pair's value by `value` in flow style (a block collection becomes one line). */
function replaceValue(text: string, pair: Pair<Node, Node | null>, value: unknown): { from: number; to: number; insert: string } {
  const node = pair.value as Found;
  const flow = render(value, 'flow');
  if (node !== null && node !== undefined && node.range && (!isCollection(node) || node.flow)) {
    const [from, end] = node.range;
    // An empty value (`key:`) needs the space after the colon.
    return from === end ? { from, to: from, insert: ` ${flow}` } : { from, to: Math.max(from, trimEnd(text, end)), insert: flow };
  }
  // `key:` with nothing, or a block collection: from just after the colon.
  const colon = text.indexOf(':', pair.key.range![1]);
  const end = contentEnd(text, node, pair);
  return { from: colon + 1, to: Math.max(colon + 1, end), insert: ` ${flow}` };
}

/** Removes the knob's field (or the `none` that switches its mapping off), and the mappings left empty by it. */
function planClear(text: string, doc: Document.Parsed, knob: Knob): Plan {
  const segs = segmentsOf(knob.path);
  const offDepth = knob.offAt === undefined ? Infinity : segmentsOf(knob.offAt).length;
  type Level = { container: Node; pair?: Pair<Node, Node | null> };
  const levels: Level[] = [];
  let node: Found = doc.contents as Found;
  let target = -1;
  for (let i = 0; i < segs.length && isCollection(node); i++) {
    const seg = segs[i]!;
    const container: Node = node;
    if (typeof seg === 'number') {
      levels.push({ container });
      node = isSeq(container) ? (container.items[seg] as Found) : undefined;
      continue;
    }
    const pair = isMap(container) ? pairOf(container, seg) : undefined;
    if (pair === undefined) break;
    levels.push({ container, pair });
    node = pair.value as Found;
    if (i === segs.length - 1 || (i + 1 >= offDepth && !isCollection(node))) {
      target = i;
      break;
    }
  }
  if (target < 0) return { kind: 'none' };
  // A mapping whose only entry goes goes too (not a list item, not the document).
  while (target > 0) {
    const { container } = levels[target]!;
    const parent = levels[target - 1]!;
    if (!isMap(container) || container.items.length !== 1 || parent.pair === undefined) break;
    target--;
  }
  const { container, pair } = levels[target]!;
  return { kind: 'delete', ...removePair(text, container as YAMLMap, pair!), path: segs.slice(0, target + 1) };
}

function removePair(text: string, map: YAMLMap, pair: Pair<Node, Node | null>): { from: number; to: number; insert: string } {
  const pairs = map.items as Array<Pair<Node, Node | null>>;
  const index = pairs.indexOf(pair);
  const start = keyStart(pair);
  const end = contentEnd(text, pair.value as Found, pair);
  if (map.flow) {
    if (index > 0) {
      const prev = pairs[index - 1]!;
      return { from: contentEnd(text, prev.value as Found, prev), to: end, insert: '' };
    }
    if (pairs.length > 1) return { from: start, to: keyStart(pairs[1]!), insert: '' };
    return { from: start, to: end, insert: '' };
  }
  const ls = lineStart(text, start);
  if (/^[ \t]*$/.test(text.slice(ls, start))) {
    // The entry's own lines, with the line break that ends them.
    const le = lineEnd(text, end);
    const after = text.startsWith('\r\n', le) ? le + 2 : text.startsWith('\n', le) ? le + 1 : le;
    return { from: ls, to: after, insert: '' };
  }
  // The first entry of a list item (`- key: value`): the next entry moves up after the dash.
  if (index + 1 < pairs.length) return { from: start, to: keyStart(pairs[index + 1]!), insert: '' };
  return { from: start, to: end, insert: '{}' };
}
