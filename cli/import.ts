// `deploysim import FILE...`: turns what users already have into a scenario. It reads the WSO2
// MI Helm chart's values (wso2/helm-mi mi/values.yaml, mi/values_full.yaml), Kubernetes manifests
// (`helm template`, `kubectl get -o yaml`, a List) and MI's deployment.toml, merges them, writes
// the scenario with a `# from FILE:LINE` comment beside each field it set, and reports what it
// mapped, what it chose for want of a value (defaulted) and what it ignored as outside the model.
import { Document, LineCounter, parseAllDocuments, type Scalar } from 'yaml';
import { parse as parseToml, TomlError } from 'smol-toml';
import { formatScenarioError, loadScenarioText, scenarioSpec } from '../sim/scenario/index.js';
import type { Spec } from '../sim/scenario/spec.js';
import { formatCpu, formatMemory, parseCpu, parseMemory } from '../sim/scenario/units.js';
import { HELM_WORKLOAD, mapHelmValues } from './import-helm.js';
import { KNOWN_KINDS, mapManifests } from './import-k8s.js';
import { mapDeploymentToml, MI_TABLES, specAt } from './import-mi.js';
import { Draft, pathText, tomlSource, View, yamlSource, type Assignment, type ReportEntry, type Seg, type Source } from './import-source.js';
import { InputError } from './scenarios.js';

export interface ImportResult {
  /** The scenario, as YAML text with comments. */
  scenario: string;
  /** One line per fact: `mapped ...`, `overridden ...`, `defaulted ...`, `ignored ...`, `note ...`. */
  report: string[];
}

const EXPECTED =
  'expected Helm values of the WSO2 MI chart (YAML with wso2.deployment or wso2.config, as in wso2/helm-mi mi/values.yaml), ' +
  'Kubernetes manifests (YAML documents with apiVersion and kind: Deployment, StatefulSet, Service, Ingress, PodDisruptionBudget, HorizontalPodAutoscaler, or a kind: List of them, as helm template and kubectl get -o yaml print them) ' +
  'or an MI deployment.toml (TOML with MI tables such as [server], [[datasource]], [cluster_config], [task_handling])';

type Input =
  | { kind: 'helm'; sources: Source[] }
  | { kind: 'k8s'; sources: Source[] }
  | { kind: 'toml'; text: string; value: Record<string, unknown> };

const KIND_TEXT = { helm: 'Helm values of the wso2/helm-mi chart', k8s: 'Kubernetes manifests', toml: 'MI deployment.toml' } as const;

/**
 * Reads the inputs (in order: a later file wins where two set the same field) and writes one
 * scenario. Throws an InputError for a file that is none of the kinds read, naming it and what
 * was expected; throws an Error when the scenario it wrote does not load (a bug of the import).
 */
export function importFiles(files: ReadonlyArray<{ path: string; text: string }>): ImportResult {
  if (files.length === 0) throw new InputError(`import: no input files; ${EXPECTED}`);
  const draft = new Draft();
  const kinds: string[] = [];
  const objects: View[] = [];
  files.forEach((f, i) => {
    const text = f.text.startsWith('\uFEFF') ? f.text.slice(1) : f.text;
    const input = classify(f.path, i, text);
    kinds.push(KIND_TEXT[input.kind]);
    if (input.kind === 'helm') {
      const src = input.sources[0]!;
      mapHelmValues(draft, new View(src, [], ''));
      draft.account(src, (path) => ({ label: pathText(path), reason: 'outside the model: not a value of the MI chart the import knows' }));
    } else if (input.kind === 'toml') {
      const src = tomlSource(f.path, i, text, input.value);
      mapDeploymentToml(draft, new View(src, [], ''));
      draft.account(src, (path) => ({ label: pathText(path), reason: 'outside the model: not an MI setting the import knows' }));
    } else {
      for (const src of input.sources) objects.push(...objectViews(src, draft));
    }
  });
  if (objects.length > 0) {
    mapManifests(draft, objects, (v, path, text) => embeddedToml(draft, v, path, text));
  }
  const scenario = merge(draft);
  const yaml = emit(scenario, files.map((f, i) => `${f.path} (${kinds[i]})`));
  const loaded = loadScenarioText(yaml, 'imported.yaml');
  if (loaded.errors.length > 0) {
    throw new Error(`import wrote a scenario that does not load (a bug of the import):\n${loaded.errors.map(formatScenarioError).join('\n')}\n--- the scenario ---\n${yaml}`);
  }
  return { scenario: yaml, report: report(draft, scenario) };
}

/** What a file is, by its content: Helm values, manifests, or an MI deployment.toml; else an InputError. */
function classify(file: string, index: number, text: string): Input {
  if (text.trim() === '' || text.split(/\r?\n/).every((l) => /^\s*(#.*)?$/.test(l))) throw new InputError(`${file}: empty; ${EXPECTED}`);
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: true });
  const yamlDocs = Array.isArray(docs) ? docs : [];
  const yamlError = yamlDocs.flatMap((d) => d.errors)[0];
  const roots = yamlDocs.map((d) => (yamlError === undefined ? d.toJS({ maxAliasCount: 1000 }) : undefined));
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (yamlError === undefined && roots.some(isMap)) {
    const helm = roots.findIndex((r) => isMap(r) && isMap(r.wso2) && ('deployment' in r.wso2 || 'config' in r.wso2));
    if (helm >= 0) {
      if (roots.filter((r) => r !== null && r !== undefined).length > 1) throw new InputError(`${file}: Helm values in a file of several YAML documents; give the values file alone`);
      return { kind: 'helm', sources: [yamlSource(file, index, yamlDocs[helm]!, counter)] };
    }
    const object = (r: unknown) => isMap(r) && typeof r.apiVersion === 'string' && typeof r.kind === 'string';
    if (roots.some(object)) return { kind: 'k8s', sources: yamlDocs.filter((_, i) => roots[i] !== null && roots[i] !== undefined).map((d) => yamlSource(file, index, d, counter)) };
    const keys = roots.filter(isMap).flatMap((r) => Object.keys(r));
    throw new InputError(`${file}: YAML, but neither Helm values of the MI chart (no wso2.deployment or wso2.config) nor Kubernetes manifests (no document with apiVersion and kind); its top-level keys: ${[...new Set(keys)].slice(0, 8).join(', ')}; ${EXPECTED}`);
  }
  let value: Record<string, unknown>;
  try {
    value = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const toml = e instanceof TomlError ? `line ${e.line}: ${e.message.split('\n')[0]}` : (e as Error).message;
    const yaml = yamlError !== undefined ? `YAML: line ${counter.linePos(yamlError.pos[0]).line}: ${yamlError.message.split('\n')[0]}` : 'YAML: not a mapping (plain text)';
    throw new InputError(`${file}: neither YAML nor TOML of a kind import reads (${yaml}; TOML: ${toml}); ${EXPECTED}`);
  }
  const tables = Object.keys(value);
  if (!tables.some((t) => MI_TABLES.has(t))) {
    throw new InputError(`${file}: TOML, but not an MI deployment.toml: none of its tables (${tables.slice(0, 8).map((t) => `[${t}]`).join(', ') || 'none'}) is one MI reads; ${EXPECTED}`);
  }
  return { kind: 'toml', text, value };
}

/** The Kubernetes objects of one YAML document (a List's items one by one); other documents are ignored whole. */
function objectViews(src: Source, draft: Draft): View[] {
  const root = src.get([]) as Record<string, unknown> | null;
  const label = (r: Record<string, unknown>) => `${String(r.kind)}/${String((r.metadata as Record<string, unknown> | undefined)?.name ?? '')} `;
  const top = new View(src, [], '');
  const views: View[] = [];
  const isObject = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && typeof (r as Record<string, unknown>).kind === 'string' && typeof (r as Record<string, unknown>).apiVersion === 'string';
  if (isObject(root) && String(root.kind).endsWith('List') && Array.isArray(root.items)) {
    root.items.forEach((item, i) => {
      if (isObject(item)) {
        const v = new View(src, ['items', i], label(item));
        views.push(v);
        if (!KNOWN_KINDS.has(String(item.kind))) v.ignore([], `outside the model: a ${String(item.kind)}`);
      } else top.ignore(['items', i], 'not a Kubernetes object (no apiVersion and kind)');
    });
    for (const key of Object.keys(root)) if (key !== 'items') top.ignore([key], `the ${String(root.kind)} itself: its items are read one by one`);
  } else if (isObject(root)) {
    views.push(new View(src, [], label(root)));
  } else {
    top.ignore([], 'not a Kubernetes object (no apiVersion and kind)');
  }
  draft.account(src, (path) => {
    const v = views.filter((x) => x.base.every((s, i) => path[i] === s)).sort((a, b) => b.base.length - a.base.length)[0];
    const rel = v === undefined ? path : path.slice(v.base.length);
    return { label: v === undefined ? pathText(path) : v.text(rel), reason: 'outside the model' };
  });
  return views;
}

/** A ConfigMap's deployment.toml: read as one, with its lines counted in the manifest file. */
function embeddedToml(draft: Draft, v: View, path: Seg[], text: string): boolean {
  let value: Record<string, unknown>;
  try {
    value = parseToml(text) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (!Object.keys(value).some((t) => MI_TABLES.has(t))) return false;
  // A block scalar (`deployment.toml: |`) starts on the line after its key.
  const src = tomlSource(v.src.file, v.src.fileIndex, text, value, v.line(path), `${v.text(path)}: `);
  mapDeploymentToml(draft, new View(src, [], ''));
  draft.account(src, (p) => ({ label: pathText(p), reason: 'outside the model: not an MI setting the import knows' }));
  return true;
}

// ---- merging ----

interface Resolved {
  /** Absolute scenario path. */
  path: Seg[];
  a: Assignment;
}

interface Merged {
  winners: Resolved[];
  overridden: Array<{ loser: Resolved; winner: Resolved }>;
  same: Array<{ dup: Resolved; kept: Resolved }>;
  invalid: Array<{ r: Resolved; expected: string }>;
  workloadNames: string[];
}

const isExplicit = (a: Assignment) => a.origin !== undefined;

function overlaps(a: readonly Seg[], b: readonly Seg[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `a` (later in the list) beats `b`: a value read beats a default; of two read values the later input. */
function beats(a: Resolved, b: Resolved): boolean {
  if (isExplicit(a.a) !== isExplicit(b.a)) return isExplicit(a.a);
  if (isExplicit(a.a)) return a.a.origin!.fileIndex !== b.a.origin!.fileIndex ? a.a.origin!.fileIndex > b.a.origin!.fileIndex : a.a.seq > b.a.seq;
  return a.a.seq > b.a.seq;
}

/** Why a value does not fit its field, or undefined. */
function invalidFor(path: readonly Seg[], value: unknown): string | undefined {
  const spec = specAt(path);
  if (spec === undefined) return 'a field the scenario does not have';
  if (value === 'none' && 'nullable' in spec && spec.nullable) return undefined;
  if (spec.kind !== 'leaf') return undefined;
  const parsed = spec.type.parse(value);
  if (parsed === undefined) return spec.type.expected;
  const problem = spec.check?.(parsed);
  return problem === undefined ? undefined : `${spec.type.expected} ${problem}`;
}

function merge(draft: Draft): Merged & { draft: Draft } {
  // Workload slots: Deployments and StatefulSets of the manifests in order; the chart's
  // Deployment is the first of them when there are manifests too, else its own.
  const k8s = draft.workloads.filter((w) => w.from === 'k8s');
  const helm = draft.workloads.find((w) => w.key === HELM_WORKLOAD);
  const index = new Map<string, number>();
  k8s.forEach((w, i) => index.set(w.key, i));
  const names = k8s.map((w) => w.name);
  if (helm !== undefined) {
    if (k8s.length > 0) {
      index.set(HELM_WORKLOAD, 0);
      draft.note(-1, 0, `the Helm values describe the chart's one Deployment: taken as ${names[0]}, the first Deployment or StatefulSet of the manifests`);
    } else {
      index.set(HELM_WORKLOAD, 0);
      names.push('mi');
      draft.def(HELM_WORKLOAD, ['name'], 'mi', "the Helm values name no release (the chart's Deployment is <prefix>-<release>)");
    }
  }
  if (names.length === 0) {
    names.push('mi');
    index.set('default', 0);
    draft.def('default', ['name'], 'mi', 'no Deployment in the inputs: one MI workload with the scenario’s defaults');
  }
  const resolved: Resolved[] = [];
  for (const a of draft.assignments) {
    if (a.workload === null) resolved.push({ path: a.path, a });
    else if (a.workload === '*') names.forEach((_, i) => resolved.push({ path: ['workloads', i, ...a.path], a }));
    else {
      const i = index.get(a.workload);
      if (i !== undefined) resolved.push({ path: ['workloads', i, ...a.path], a });
    }
  }
  const winners: Resolved[] = [];
  const overridden: Merged['overridden'] = [];
  const same: Merged['same'] = [];
  const invalid: Merged['invalid'] = [];
  for (const r of resolved) {
    const problem = invalidFor(r.path, r.a.value);
    if (problem !== undefined) {
      if (isExplicit(r.a)) invalid.push({ r, expected: problem });
      continue;
    }
    const rivals = winners.filter((w) => overlaps(w.path, r.path));
    if (rivals.length === 0) {
      winners.push(r);
      continue;
    }
    const equal = rivals.length === 1 && rivals[0]!.path.length === r.path.length && JSON.stringify(rivals[0]!.a.value) === JSON.stringify(r.a.value);
    if (equal && isExplicit(r.a) && isExplicit(rivals[0]!.a)) {
      same.push({ dup: r, kept: rivals[0]! });
      continue;
    }
    if (rivals.every((w) => beats(r, w))) {
      for (const w of rivals) {
        winners.splice(winners.indexOf(w), 1);
        if (isExplicit(w.a)) overridden.push({ loser: w, winner: r });
      }
      winners.push(r);
    } else if (isExplicit(r.a)) {
      overridden.push({ loser: r, winner: rivals.find((w) => !beats(r, w))! });
    }
  }
  const merged = { winners, overridden, same, invalid, workloadNames: names, draft };
  addDerivedDefaults(merged);
  return merged;
}

function valueAt(m: Merged, path: readonly Seg[]): unknown {
  const w = m.winners.find((x) => x.path.length === path.length && overlaps(x.path, path));
  if (w !== undefined) return w.a.value;
  const parent = m.winners.find((x) => x.path.length < path.length && overlaps(x.path, path));
  return parent?.a.value === 'none' ? null : undefined;
}

/** Defaults the import chooses from the whole: the nodes, the front, MI's coordination timings, no traffic or artifacts. */
function addDerivedDefaults(m: Merged & { draft: Draft }): void {
  let seq = 1e9;
  const def = (path: Seg[], value: unknown, why: string) => {
    if (m.winners.some((w) => overlaps(w.path, path))) return;
    m.winners.push({ path, a: { workload: null, path, value, why, seq: seq++ } });
  };
  const pods = m.workloadNames.map((_, i) => {
    const replicas = Number(valueAt(m, ['workloads', i, 'replicas']) ?? 1);
    const off = valueAt(m, ['workloads', i, 'autoscaling']);
    const hpa = off === 'none' || off === null ? undefined : valueAt(m, ['workloads', i, 'autoscaling', 'maxReplicas']);
    const peak = hpa === undefined ? replicas : Math.max(replicas, Number(hpa));
    const cpu = parseCpu(valueAt(m, ['workloads', i, 'resources', 'requests', 'cpu']) ?? '500m') ?? 500;
    const mem = parseMemory(valueAt(m, ['workloads', i, 'resources', 'requests', 'memory']) ?? '512Mi') ?? 512;
    return { peak, cpu, mem, autoscaled: hpa !== undefined };
  });
  const nodeCpu = Math.max(4000, Math.ceil(Math.max(...pods.map((p) => p.cpu)) / 1000) * 1000);
  const nodeMem = Math.max(16 * 1024, Math.ceil(Math.max(...pods.map((p) => p.mem)) / 1024) * 1024);
  const byCpu = Math.ceil(pods.reduce((s, p) => s + p.peak * p.cpu, 0) / nodeCpu);
  const byMem = Math.ceil(pods.reduce((s, p) => s + p.peak * p.mem, 0) / nodeMem);
  const peak = Math.max(...pods.map((p) => p.peak));
  const count = Math.min(1000, Math.max(3, peak, byCpu, byMem));
  const pool: Seg[] = ['cluster', 'nodePools', 0];
  const pods1 = `${peak} pod${peak === 1 ? '' : 's'}${pods.some((p) => p.autoscaled) ? ' at the autoscaler’s maximum' : ''}`;
  const countWhy =
    count === 3 && peak <= 3 && byCpu <= 3 && byMem <= 3
      ? `no node count in the inputs: the scenario's 3 nodes, room for the replicas (${pods1}) one per node`
      : count === peak
        ? `no node count in the inputs: the replicas (${pods1}), one per node as the zone anti-affinity prefers`
        : `no node count in the inputs: enough nodes of ${formatCpu(nodeCpu)} CPU and ${formatMemory(nodeMem)} for every pod's requests at the most replicas`;
  def([...pool, 'name'], 'worker', "no node pool in the inputs: the scenario's default");
  def([...pool, 'count'], count, countWhy);
  def([...pool, 'cpu'], formatCpu(nodeCpu), nodeCpu === 4000 ? "no node size in the inputs: the scenario's default" : 'no node size in the inputs: the largest pod CPU request, rounded up to whole cores');
  def([...pool, 'memory'], formatMemory(nodeMem), nodeMem === 16 * 1024 ? "no node size in the inputs: the scenario's default" : 'no node size in the inputs: the largest pod memory request, rounded up to whole GiB');
  def([...pool, 'zones'], ['zone-a', 'zone-b', 'zone-c'], "no zones in the inputs: the scenario's default three");
  m.workloadNames.forEach((_, i) => {
    def(['workloads', i, 'traffic'], 'none', 'no request rate in the inputs: add workloads[].traffic to simulate requests');
    def(['workloads', i, 'artifacts'], [], 'the inputs list no artifacts (scheduled tasks, message processors, inbound endpoints live in the CApps): add them to see coordination at work');
  });
  def(['loadBalancer', 'type'], 'ingress', "no Ingress, Gateway or LoadBalancer Service in the inputs: the scenario's default");
  const coordinated = m.workloadNames.some((_, i) => valueAt(m, ['workloads', i, 'coordination']) === true);
  def(['coordination', 'miVersion'], '4.4', "no MI version in the inputs (image tag or BuildVersion): the scenario's default");
  if (coordinated) {
    const mi = 'not in the inputs: MI’s default';
    def(['coordination', 'heartbeatInterval'], '5s', mi);
    def(['coordination', 'heartbeatMaxRetry'], 3, mi);
    def(['coordination', 'memberEventPollPeriod'], '1s', mi);
    def(['coordination', 'resolvingPeriod'], '2s', mi);
    def(['coordination', 'resolvingFrequency'], 5, mi);
    def(['coordination', 'resolver', 'type'], 'active-passive', 'no [task_handling] resolver_class in the inputs: MI’s default ActivePassiveResolver');
  }
}

// ---- writing ----

/** A plain object tree in the schema's field order. */
function ordered(value: unknown, spec: Spec | undefined): unknown {
  if (Array.isArray(value)) return value.map((x) => ordered(x, spec?.kind === 'array' ? spec.items : undefined));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = spec?.kind === 'object' ? Object.keys(spec.fields) : [];
  const out: Record<string, unknown> = {};
  for (const k of [...keys.filter((k) => k in obj), ...Object.keys(obj).filter((k) => !keys.includes(k))]) out[k] = ordered(obj[k], spec?.kind === 'object' ? spec.fields[k] : undefined);
  return out;
}

function emit(m: Merged, inputs: string[]): string {
  const root: Record<string, unknown> = {};
  const sorted = [...m.winners].sort((a, b) => comparePaths(a.path, b.path));
  for (const w of sorted) {
    let node: Record<string | number, unknown> = root;
    w.path.forEach((seg, i) => {
      if (i === w.path.length - 1) {
        node[seg] = w.a.value;
        return;
      }
      if (node[seg] === undefined || node[seg] === null || typeof node[seg] !== 'object') node[seg] = typeof w.path[i + 1] === 'number' ? [] : {};
      node = node[seg] as Record<string | number, unknown>;
    });
  }
  root.description = `Imported by deploysim import from ${inputs.map((i) => i.replace(/ \(.*\)$/, '')).join(', ')}.`;
  const doc = new Document(ordered(root, scenarioSpec));
  for (const w of m.winners) {
    const node = doc.getIn(w.path, true) as Scalar | { flow?: boolean; comment?: string | null } | undefined;
    if (node === undefined || node === null) continue;
    if (Array.isArray(w.a.value)) (node as { flow?: boolean }).flow = true;
    node.comment = w.a.origin !== undefined ? ` from ${w.a.origin.file}:${w.a.origin.line}` : ` default: ${w.a.why}`;
  }
  doc.commentBefore = [
    ' Scenario written by `deploysim import` from:',
    ...inputs.map((i) => `   ${i}`),
    ' "from FILE:LINE" says where a field was read; "default:" why it was chosen for want of one.',
    ' Every other field has the scenario’s default (`deploysim fields` lists them). Fields whose',
    ' sources do not say (traffic, artifacts, failure rates) are yours to fill in.',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** Orders paths as the schema orders fields (list items by index). */
function comparePaths(a: readonly Seg[], b: readonly Seg[]): number {
  let spec: Spec | undefined = scenarioSpec;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) {
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      const keys = spec?.kind === 'object' ? Object.keys(spec.fields) : [];
      return keys.indexOf(String(x)) - keys.indexOf(String(y)) || String(x).localeCompare(String(y));
    }
    spec = spec?.kind === 'object' ? spec.fields[String(x)] : spec?.kind === 'array' ? spec.items : undefined;
  }
  return a.length - b.length;
}

// ---- the report ----

function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v === null) return 'none';
  return String(v);
}

function report(draft: Draft, m: Merged): string[] {
  const entries: ReportEntry[] = [...draft.entries];
  const mappedText = (r: Resolved) => `${r.a.origin!.file}:${r.a.origin!.line} ${r.a.origin!.key} -> ${pathText(r.path)} = ${show(r.a.value)}`;
  for (const w of m.winners) {
    if (!isExplicit(w.a)) continue;
    entries.push({ kind: 'mapped', fileIndex: w.a.origin!.fileIndex, line: w.a.origin!.line, text: `${mappedText(w)}${w.a.note === undefined ? '' : ` (${w.a.note})`}` });
  }
  for (const { dup, kept } of m.same) {
    entries.push({ kind: 'mapped', fileIndex: dup.a.origin!.fileIndex, line: dup.a.origin!.line, text: `${mappedText(dup)} (the same as ${kept.a.origin!.file}:${kept.a.origin!.line})` });
  }
  for (const { loser, winner } of m.overridden) {
    const why = isExplicit(winner.a) ? (winner.a.origin!.fileIndex === loser.a.origin!.fileIndex ? 'the later setting in the file wins' : 'the later input wins') : 'it wins';
    const by = isExplicit(winner.a) ? `${winner.a.origin!.file}:${winner.a.origin!.line} ${winner.a.origin!.key}` : 'a default';
    entries.push({ kind: 'overridden', fileIndex: loser.a.origin!.fileIndex, line: loser.a.origin!.line, text: `${mappedText(loser)} (${by} sets ${pathText(winner.path)} = ${show(winner.a.value)}; ${why})` });
  }
  for (const { r, expected } of m.invalid) {
    entries.push({ kind: 'ignored', fileIndex: r.a.origin!.fileIndex, line: r.a.origin!.line, text: `${r.a.origin!.file}:${r.a.origin!.line} ${r.a.origin!.key} (${show(r.a.value)} for ${pathText(r.path)}: expected ${expected})` });
  }
  const defaults = m.winners.filter((w) => !isExplicit(w.a)).sort((a, b) => comparePaths(a.path, b.path));
  for (const d of defaults) entries.push({ kind: 'defaulted', fileIndex: -1, line: 0, text: `${pathText(d.path)} = ${show(d.a.value)} (${d.a.why})` });
  entries.push({ kind: 'defaulted', fileIndex: -1, line: 0, text: "every other field = the scenario's default (horizon, replications, failure rates, timings: `deploysim fields` lists them)" });
  for (const { source, unclaimed } of draft.sources) entries.push(...source.ignoredEntries(unclaimed));
  const rank = { mapped: 0, overridden: 1, defaulted: 2, ignored: 3, note: 4 } as const;
  const keyed = entries.map((e, i) => ({ e, i }));
  keyed.sort((x, y) => {
    const a = x.e;
    const b = y.e;
    if (rank[a.kind] !== rank[b.kind]) return rank[a.kind] - rank[b.kind];
    if (a.kind === 'defaulted') return x.i - y.i;
    return a.fileIndex - b.fileIndex || a.line - b.line || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  });
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { e } of keyed) {
    const line = `${e.kind} ${e.text}`;
    if (!seen.has(line)) out.push(line);
    seen.add(line);
  }
  return out;
}
