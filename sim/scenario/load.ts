import { describeFound, type ScenarioError } from './errors.js';
import { scenarioSpec } from './fields.js';
import { applyOverride, parseOverride, type OverrideInput } from './overrides.js';
import { parseTree, type LNode, type Loc } from './tree.js';
import type { Scenario } from './types.js';
import { formatDuration } from './units.js';
import { validateTree } from './validate.js';

export interface LoadResult {
  /** Present only when there are no errors. */
  scenario?: Scenario;
  /** Every problem found, in document order. */
  errors: ScenarioError[];
}

/**
 * Reads a scenario from YAML or JSON text, applies `--set` overrides, fills defaults and checks
 * everything, collecting all problems. Never throws on bad input.
 *
 * @param file the name used in error locations and for the default scenario name
 * @param overrides `path=value` texts, applied in order
 */
export function loadScenarioText(text: string, file: string, overrides: readonly OverrideInput[] = []): LoadResult {
  const parsed = parseTree(text, file);
  if (parsed.errors.length > 0 && parsed.tree === undefined) return { errors: parsed.errors };
  const errors = [...parsed.errors];
  let tree: LNode | undefined = parsed.tree;
  const rootLoc: Loc = { file, line: 1, col: 1 };
  if (tree !== undefined && tree.t === 'scalar' && tree.v === null) tree = undefined; // empty document
  if (tree !== undefined && tree.t !== 'map') {
    errors.push({ loc: tree.loc, path: '', message: `expected a mapping of scenario fields, got ${describeFound(tree.t === 'scalar' ? tree.v : [])}` });
    return { errors };
  }
  for (const input of overrides) {
    const o = parseOverride(input);
    if ('loc' in o) {
      errors.push(o);
      continue;
    }
    const applied = applyOverride(tree, o);
    if (applied.error) errors.push(applied.error);
    else tree = applied.root;
  }
  const v = validateTree(tree, scenarioSpec, rootLoc);
  errors.push(...v.errors);
  if (errors.length > 0) return { errors: sortErrors(errors) };
  const scenario = v.value as Scenario;
  if (scenario.name === undefined) scenario.name = defaultName(file);
  const cross = crossCheck(scenario, (path) => v.locs.get(path) ?? nearestLoc(v.locs, path) ?? rootLoc);
  if (cross.length > 0) return { errors: sortErrors(cross) };
  return { scenario, errors: [] };
}

function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(ya?ml|json)$/i, '') || 'scenario';
}

function nearestLoc(locs: Map<string, Loc>, path: string): Loc | undefined {
  let p = path;
  while (p.length > 0) {
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
    const loc = locs.get(p);
    if (loc) return loc;
  }
  return undefined;
}

function sortErrors(errors: ScenarioError[]): ScenarioError[] {
  const rank = (e: ScenarioError): [number, number] => ('origin' in e.loc ? [Infinity, 0] : [e.loc.line, e.loc.col]);
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const [la, ca] = rank(a.e);
      const [lb, cb] = rank(b.e);
      return la - lb || ca - cb || a.i - b.i;
    })
    .map((x) => x.e);
}

/** Checks that need more than one field: references between sections, orderings of times. */
function crossCheck(s: Scenario, locOf: (path: string) => Loc): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const fail = (path: string, expected: string, found: string) => errors.push({ loc: locOf(path), path, message: `expected ${expected}, got ${found}` });
  if (s.warmup >= s.horizon) fail('warmup', `a warmup shorter than the horizon (${formatDuration(s.horizon)})`, formatDuration(s.warmup));
  const k = s.kubernetes;
  if (k.podMaxBackoff < k.podInitialBackoff) fail('kubernetes.podMaxBackoff', `a duration >= podInitialBackoff (${formatDuration(k.podInitialBackoff)})`, formatDuration(k.podMaxBackoff));
  const clb = k.kubelet.crashLoopBackOff;
  if (clb.max < clb.initial) fail('kubernetes.kubelet.crashLoopBackOff.max', `a duration >= initial (${formatDuration(clb.initial)})`, formatDuration(clb.max));
  const nodeNames = new Set<string>();
  s.cluster.nodePools.forEach((pool) => {
    for (let i = 1; i <= pool.count; i++) nodeNames.add(`${pool.name}-${i}`);
  });
  const workloads = new Set(s.workloads.map((w) => w.name));
  s.workloads.forEach((w, i) => {
    for (const probe of ['startup', 'liveness'] as const) {
      const p = w.probes[probe];
      if (p && p.successThreshold !== 1) fail(`workloads[${i}].probes.${probe}.successThreshold`, '1 (Kubernetes requires it for startup and liveness probes)', String(p.successThreshold));
    }
  });
  s.faults.forEach((f, i) => {
    const path = `faults[${i}]`;
    if (f.at >= s.horizon) fail(`${path}.at`, `a time before the horizon (${formatDuration(s.horizon)})`, formatDuration(f.at));
    if (f.type === 'node-crash' || f.type === 'node-drain') {
      if ((f.node === undefined) === (f.nodeOf === undefined)) {
        fail(path, 'exactly one of node and nodeOf', f.node === undefined ? 'neither' : 'both');
      } else if (f.node !== undefined && !nodeNames.has(f.node)) {
        fail(`${path}.node`, `a node of the cluster (${[...nodeNames].join(', ')})`, JSON.stringify(f.node));
      } else if (f.nodeOf !== undefined && !workloads.has(f.nodeOf)) {
        fail(`${path}.nodeOf`, `a workload name (${[...workloads].join(', ')})`, JSON.stringify(f.nodeOf));
      }
    } else if (!workloads.has(f.workload)) {
      fail(`${path}.workload`, `a workload name (${[...workloads].join(', ')})`, JSON.stringify(f.workload));
    }
  });
  return errors;
}
