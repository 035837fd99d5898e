import { describeFound, type ScenarioError } from './errors.js';
import { scenarioSpec } from './fields.js';
import { applyOverride, parseOverride, pathText, type Override, type OverrideInput } from './overrides.js';
import { parseTree, type LNode, type Loc } from './tree.js';
import type { Scenario } from './types.js';
import { formatDuration } from './units.js';
import { validateTree } from './validate.js';

export interface LoadResult {
  /** Present only when there are no errors. */
  scenario?: Scenario;
  /** Every problem found, in document order. */
  errors: ScenarioError[];
  /** With a scenario: where each field path was written (an override's fields at its origin). */
  locs?: ReadonlyMap<string, Loc>;
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
  const root = scenarioRoot(parsed.tree, parsed.errors);
  if (!('tree' in root)) return { errors: root.errors };
  const applied = applyOverrides(root.tree, overrides);
  const checked = checkScenario(applied.tree, file);
  // The file's own tree, checked again only when an error in the file may be an override's doing.
  const fileErrors = () => {
    const again = scenarioRoot(parseTree(text, file).tree, []);
    return 'tree' in again ? checkScenario(again.tree, file).errors : [];
  };
  const errors = [...parsed.errors, ...applied.errors, ...blameOverrides(checked.errors, applied.overrides, fileErrors)];
  if (errors.length > 0) return { errors: sortErrors(errors) };
  const scenario = checked.scenario;
  if (scenario.name === undefined) scenario.name = defaultName(file);
  resolveProtocolDefaults(scenario as Scenario);
  return { scenario: scenario as Scenario, errors: [], locs: checked.locs };
}

/** The document's mapping of scenario fields (undefined for an empty document), or the errors that leave none. */
function scenarioRoot(tree: LNode | undefined, errors: ScenarioError[]): { tree: LNode | undefined } | { errors: ScenarioError[] } {
  if (errors.length > 0 && tree === undefined) return { errors };
  if (tree === undefined || (tree.t === 'scalar' && tree.v === null)) return { tree: undefined }; // empty document
  if (tree.t === 'map') return { tree };
  return { errors: [...errors, { loc: tree.loc, path: '', message: `expected a mapping of scenario fields, got ${describeFound(tree.t === 'scalar' ? tree.v : [])}` }] };
}

/** Grafts the `--set` overrides onto the tree in order; those that could not be read or placed are errors. */
function applyOverrides(root: LNode | undefined, inputs: readonly OverrideInput[]): { tree: LNode | undefined; overrides: Override[]; errors: ScenarioError[] } {
  let tree = root;
  const overrides: Override[] = [];
  const errors: ScenarioError[] = [];
  for (const input of inputs) {
    const o = parseOverride(input);
    if (Array.isArray(o)) {
      errors.push(...o);
      continue;
    }
    const applied = applyOverride(tree, o);
    if (applied.error) errors.push(applied.error);
    else {
      tree = applied.root;
      overrides.push(o);
    }
  }
  return { tree, overrides, errors };
}

/** Validates a tree against the scenario spec, then the checks across fields; every problem at once. */
function checkScenario(tree: LNode | undefined, file: string): { scenario: Partial<Scenario>; errors: ScenarioError[]; locs: Map<string, Loc> } {
  const rootLoc: Loc = { file, line: 1, col: 1 };
  const v = validateTree(tree, scenarioSpec, rootLoc);
  // Checks across fields run on whatever validated, so every problem is reported in one go.
  const scenario = v.value as Partial<Scenario>;
  const failed = new Set(v.errors.map((e) => e.path));
  const cross = crossCheck(scenario, (path) => v.locs.get(path) ?? nearestLoc(v.locs, path) ?? rootLoc, (path) => v.locs.has(path), (path) => [...failed].some((f) => within(f, path)));
  return { scenario, errors: [...v.errors, ...cross], locs: v.locs };
}

/**
 * Errors located in the file that an override brought about are reported at the override (the
 * last one whose field is the error's, inside it or around it): a distribution whose p95 a
 * `--set` put below the file's median, a list whose names it made collide. An error the file has
 * without the overrides stays where it is.
 *
 * @param fileErrors the errors of the file without any override (called only when needed)
 */
function blameOverrides(errors: ScenarioError[], overrides: readonly Override[], fileErrors: () => ScenarioError[]): ScenarioError[] {
  const culprit = (e: ScenarioError): Override | undefined => {
    if ('origin' in e.loc || e.path === '') return undefined;
    for (let i = overrides.length - 1; i >= 0; i--) if (nested(pathText(overrides[i]!.keys), e.path)) return overrides[i];
    return undefined;
  };
  if (!errors.some((e) => culprit(e) !== undefined)) return errors;
  const key = (e: ScenarioError) => `${e.path}\n${e.message}`;
  const before = new Set(fileErrors().map(key));
  return errors.map((e) => {
    const o = culprit(e);
    return o === undefined || before.has(key(e)) ? e : { ...e, loc: { origin: o.origin } };
  });
}

/** Whether one field path is the other or inside it. */
export function nested(a: string, b: string): boolean {
  return within(a, b) || within(b, a);
}

/** Whether field path `inner` is `outer` or inside it (`a.b[0]` is within `a.b`). */
export function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/** Fields whose default depends on another field are filled in here, so the resolved scenario shows them. */
function resolveProtocolDefaults(s: Scenario): void {
  for (const w of s.workloads) {
    for (const a of w.artifacts) {
      // docs/model.md §10.4; sources.md A7 "Kafka consumer failure detection" (45 s) and "RabbitMQ broker-side detection" (60 s).
      if (a.kind === 'inbound-endpoint' && a.brokerDetection === undefined) a.brokerDetection = a.protocol === 'kafka' ? 45 : a.protocol === 'rabbitmq' ? 60 : null;
    }
  }
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

/**
 * Checks that need more than one field: references between sections, orderings of times. Runs on
 * a partly valid scenario too (fields that failed validation are missing and their checks skipped).
 */
/** Millicores as a Kubernetes quantity (500m, 2). */
function formatCpu(millicores: number): string {
  return Number.isInteger(millicores / 1000) ? String(millicores / 1000) : `${millicores}m`;
}

function crossCheck(
  s: Partial<Scenario>,
  locOf: (path: string) => Loc,
  written: (path: string) => boolean,
  broken: (path: string) => boolean,
): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const fail = (path: string, expected: string, found: string) => errors.push({ loc: locOf(path), path, message: `expected ${expected}, got ${found}` });
  const horizon = s.horizon;
  if (horizon !== undefined && s.warmup !== undefined && s.warmup >= horizon) {
    fail('warmup', `a warmup shorter than the horizon (${formatDuration(horizon)})`, formatDuration(s.warmup));
  }
  const k = s.kubernetes;
  if (k?.podMaxBackoff !== undefined && k.podInitialBackoff !== undefined && k.podMaxBackoff < k.podInitialBackoff) {
    fail('kubernetes.podMaxBackoff', `a duration >= podInitialBackoff (${formatDuration(k.podInitialBackoff)})`, formatDuration(k.podMaxBackoff));
  }
  if (k?.nodeLeaseRenewInterval !== undefined && k.nodeMonitorGracePeriod !== undefined && !(k.nodeLeaseRenewInterval < k.nodeMonitorGracePeriod)) {
    // A kubelet renewing its lease less often than the grace period would have its healthy node
    // marked Unknown between renewals (Kubernetes has the grace period span several renewals).
    const why = 'a healthy node that renews its lease less often than the grace period is marked Unknown between renewals';
    if (written('kubernetes.nodeLeaseRenewInterval') || !written('kubernetes.nodeMonitorGracePeriod')) {
      fail('kubernetes.nodeLeaseRenewInterval', `a duration shorter than nodeMonitorGracePeriod (${formatDuration(k.nodeMonitorGracePeriod)}): ${why}`, formatDuration(k.nodeLeaseRenewInterval));
    } else {
      fail('kubernetes.nodeMonitorGracePeriod', `a duration longer than nodeLeaseRenewInterval (${formatDuration(k.nodeLeaseRenewInterval)}): ${why}`, formatDuration(k.nodeMonitorGracePeriod));
    }
  }
  const clb = k?.kubelet?.crashLoopBackOff;
  if (clb?.max !== undefined && clb.initial !== undefined && clb.max < clb.initial) {
    fail('kubernetes.kubelet.crashLoopBackOff.max', `a duration >= initial (${formatDuration(clb.initial)})`, formatDuration(clb.max));
  }
  (s.workloads ?? []).forEach((w, i) => {
    const hpa = w?.autoscaling;
    if (hpa && hpa.minReplicas !== undefined && hpa.maxReplicas !== undefined && hpa.maxReplicas < hpa.minReplicas) {
      fail(`workloads[${i}].autoscaling.maxReplicas`, `a count >= minReplicas (${hpa.minReplicas})`, String(hpa.maxReplicas));
    }
    const r = w?.resources;
    const limit = r?.limits?.cpu;
    const request = r?.requests?.cpu;
    if (typeof limit === 'number' && typeof request === 'number' && limit < request) {
      // Kubernetes rejects such a pod: "must be greater than or equal to cpu request".
      fail(`workloads[${i}].resources.limits.cpu`, `a CPU limit >= the CPU request (${formatCpu(request)}), as Kubernetes requires`, formatCpu(limit));
    }
  });
  checkTotals(s, fail);
  // References are checked only against sections that validated completely, so one mistake gives one error.
  const pools = s.cluster?.nodePools ?? [];
  const nodesKnown = s.cluster !== undefined && !broken('cluster');
  const nodeNames: string[] = [];
  for (const pool of pools) if (pool?.name !== undefined && pool.count !== undefined) for (let i = 1; i <= pool.count; i++) nodeNames.push(`${pool.name}-${i}`);
  const workloads = s.workloads ?? [];
  const workloadsKnown = s.workloads !== undefined && !workloads.some((w, i) => w?.name === undefined || broken(`workloads[${i}].name`));
  const workloadNames = workloads.map((w) => w?.name).filter((n): n is string => n !== undefined);
  const artifactsKnown = workloadsKnown && !workloads.some((_w, i) => broken(`workloads[${i}].artifacts`));
  const processorNames = [...new Set(workloads.flatMap((w) => (w?.artifacts ?? []).filter((a) => a?.kind === 'message-processor').map((a) => a.name)).filter((n): n is string => n !== undefined))];
  const artifactNames = [...new Set(workloads.flatMap((w) => (w?.artifacts ?? []).map((a) => a?.name)).filter((n): n is string => n !== undefined))];
  // Artifacts an operator can deactivate and activate (docs/model.md §10.5).
  const consumerNames = [...new Set(workloads.flatMap((w) => (w?.artifacts ?? []).filter((a) => a?.kind === 'message-processor' || a?.kind === 'inbound-endpoint').map((a) => a.name)).filter((n): n is string => n !== undefined))];
  let controllers = 0;
  workloads.forEach((w, i) => {
    if (w?.role !== 'ingress-controller') return;
    if (++controllers > 1) fail(`workloads[${i}].role`, 'at most one workload with role ingress-controller (one ingress controller Deployment)', 'a second one');
    else if (s.loadBalancer?.type === 'cloud') fail(`workloads[${i}].role`, 'mi, or loadBalancer.type ingress (a cloud load balancer has no ingress controller pods)', 'ingress-controller');
    if (w.traffic != null) fail(`workloads[${i}].traffic`, 'none for the ingress controller (requests pass through it to the MI workloads)', 'a traffic section');
    if ((w.artifacts ?? []).length > 0) fail(`workloads[${i}].artifacts`, 'none for the ingress controller', `${w.artifacts!.length} artifact(s)`);
    if (w.coordination === true) fail(`workloads[${i}].coordination`, 'false for the ingress controller', 'true');
  });
  workloads.forEach((w, i) => {
    const st = w?.strategy;
    if (st?.type === 'RollingUpdate' && (st.maxSurge === 0 || st.maxSurge === '0%') && (st.maxUnavailable === 0 || st.maxUnavailable === '0%')) {
      fail(`workloads[${i}].strategy.maxUnavailable`, 'a value above 0 when maxSurge is 0 (Kubernetes rejects both at 0)', String(st.maxUnavailable));
    }
    for (const probe of ['startup', 'liveness'] as const) {
      const p = w?.probes?.[probe];
      if (p && p.successThreshold !== undefined && p.successThreshold !== 1) {
        fail(`workloads[${i}].probes.${probe}.successThreshold`, '1 (Kubernetes requires it for startup and liveness probes)', String(p.successThreshold));
      }
    }
  });
  (s.faults ?? []).forEach((f, i) => {
    if (!f) return;
    const path = `faults[${i}]`;
    if (f.at !== undefined && horizon !== undefined && f.at >= horizon) fail(`${path}.at`, `a time before the horizon (${formatDuration(horizon)})`, formatDuration(f.at));
    if (f.type === 'node-crash' || f.type === 'node-drain' || f.type === 'node-partition' || f.type === 'clock-skew') {
      const given = ['node', 'nodeOf', 'runnerOf'].filter((k) => written(`${path}.${k}`));
      if (given.length !== 1) {
        fail(path, 'exactly one of node, nodeOf and runnerOf', given.length === 0 ? 'none' : given.join(' and '));
      } else if (f.runnerOf !== undefined && artifactsKnown && !artifactNames.includes(f.runnerOf)) {
        fail(`${path}.runnerOf`, `an artifact name (${artifactNames.join(', ') || 'the scenario has none'})`, JSON.stringify(f.runnerOf));
      } else if (f.node !== undefined && nodesKnown && !nodeNames.includes(f.node)) {
        fail(`${path}.node`, `a node of the cluster (${nodeNames.join(', ')})`, JSON.stringify(f.node));
      } else if (f.nodeOf !== undefined && workloadsKnown && !workloadNames.includes(f.nodeOf)) {
        fail(`${path}.nodeOf`, `a workload name (${workloadNames.join(', ')})`, JSON.stringify(f.nodeOf));
      }
    } else if (f.type === 'pod-crash' || f.type === 'pod-hang' || f.type === 'jvm-pause') {
      const given = ['workload', 'runnerOf'].filter((k) => written(`${path}.${k}`));
      if (given.length !== 1) fail(path, 'exactly one of workload and runnerOf', given.length === 0 ? 'neither' : 'both');
      else if (f.runnerOf !== undefined && artifactsKnown && !artifactNames.includes(f.runnerOf)) {
        fail(`${path}.runnerOf`, `an artifact name (${artifactNames.join(', ') || 'the scenario has none'})`, JSON.stringify(f.runnerOf));
      } else if (f.workload !== undefined && workloadsKnown && !workloadNames.includes(f.workload)) {
        fail(`${path}.workload`, `a workload name (${workloadNames.join(', ')})`, JSON.stringify(f.workload));
      }
    } else if (f.type === 'zone-outage') {
      const zoneNames = [...new Set(pools.flatMap((pool) => (Array.isArray(pool?.zones) ? pool.zones : [])))];
      if (f.zone !== undefined && nodesKnown && !zoneNames.includes(f.zone)) fail(`${path}.zone`, `a zone of the node pools (${zoneNames.join(', ')})`, JSON.stringify(f.zone));
    } else if (f.type === 'backend-failure') {
      if (f.artifact !== undefined && artifactsKnown && !processorNames.includes(f.artifact)) {
        fail(`${path}.artifact`, `a message processor of the scenario (${processorNames.join(', ') || 'it has none'})`, JSON.stringify(f.artifact));
      }
    } else if (f.type === 'operator-state') {
      if (f.artifact !== undefined && artifactsKnown && !consumerNames.includes(f.artifact)) {
        fail(`${path}.artifact`, `a message processor or inbound endpoint of the scenario (${consumerNames.join(', ') || 'it has none'})`, JSON.stringify(f.artifact));
      }
    } else if ('workload' in f && f.workload !== undefined && workloadsKnown && !workloadNames.includes(f.workload)) {
      fail(`${path}.workload`, `a workload name (${workloadNames.join(', ')})`, JSON.stringify(f.workload));
    }
  });
  checkArtifacts(s, fail, written);
  const poolNames = pools.map((p) => p?.name).filter((n): n is string => n !== undefined);
  const priced = new Set<string>();
  (s.cost?.prices?.pools ?? []).forEach((p, i) => {
    if (p?.pool === undefined) return;
    if (nodesKnown && !poolNames.includes(p.pool)) fail(`cost.prices.pools[${i}].pool`, `a node pool of the cluster (${poolNames.join(', ')})`, JSON.stringify(p.pool));
    else if (priced.has(p.pool)) fail(`cost.prices.pools[${i}].pool`, `each pool priced once (${p.pool} is priced twice)`, JSON.stringify(p.pool));
    priced.add(p.pool);
  });
  return errors;
}

/**
 * The most nodes a cluster may have: the largest cluster Kubernetes supports ("Considerations for
 * large clusters": at most 5,000 nodes).
 */
export const MAX_NODES_TOTAL = 5000;
/**
 * The most pods all workloads may ask for at once (replicas, or a scale fault's target when
 * higher). Kubernetes supports 150,000 pods; placing each one weighs every node, so deploysim
 * keeps a replication of its largest cluster within seconds.
 */
export const MAX_PODS_TOTAL = 10_000;

/** Cluster size: nodes over all pools, pods over all workloads. */
function checkTotals(s: Partial<Scenario>, fail: (path: string, expected: string, found: string) => void): void {
  const pools = s.cluster?.nodePools ?? [];
  const nodes = pools.reduce((sum, p) => sum + (p?.count ?? 0), 0);
  if (nodes > MAX_NODES_TOTAL) {
    fail('cluster.nodePools', `at most ${MAX_NODES_TOTAL} nodes in all (the largest cluster Kubernetes supports)`, `${nodes} nodes in ${pools.length} pools`);
  }
  const workloads = s.workloads ?? [];
  const peak = new Map<string, number>();
  for (const w of workloads) if (w?.name !== undefined) peak.set(w.name, w.replicas ?? 0);
  for (const f of s.faults ?? []) if (f?.type === 'scale' && f.workload !== undefined && peak.has(f.workload)) peak.set(f.workload, Math.max(peak.get(f.workload)!, f.replicas ?? 0));
  const pods = [...peak.values()].reduce((a, b) => a + b, 0);
  if (pods > MAX_PODS_TOTAL) {
    fail('workloads', `at most ${MAX_PODS_TOTAL} pods asked for in all (replicas, or a scale fault's target when higher; a rolling update's surge comes on top)`, `${pods} pods in ${workloads.length} workloads`);
  }
}

/** Artifacts: one schedule each, fixed times inside their cycle, one definition per name; resolver fields. */
function checkArtifacts(
  s: Partial<Scenario>,
  fail: (path: string, expected: string, found: string) => void,
  written: (path: string) => boolean,
): void {
  const firstByName = new Map<string, { path: string; text: string }>();
  (s.workloads ?? []).forEach((w, i) => {
    const seen = new Set<string>();
    (w?.artifacts ?? []).forEach((a, j) => {
      if (!a) return;
      const path = `workloads[${i}].artifacts[${j}]`;
      if (a.name !== undefined) {
        if (seen.has(a.name)) fail(`${path}.name`, `artifact names that are unique in the workload (${a.name} appears twice)`, JSON.stringify(a.name));
        seen.add(a.name);
      }
      if (a.kind === 'scheduled-task') {
        const hasInterval = written(`${path}.interval`);
        const hasAt = written(`${path}.at`);
        if (hasInterval === hasAt) fail(path, 'exactly one of interval and at', hasInterval ? 'both' : 'neither');
        // (A resolved scenario writes every field, defaults included: only a non-default value is a mistake.)
        else if (hasInterval && written(`${path}.every`) && a.every !== 86400) fail(`${path}.every`, 'every only with at (an interval task repeats on its own)', formatDuration(a.every));
        else if (a.at !== undefined && a.every !== undefined) {
          const k = a.at.findIndex((t) => t >= a.every || t < 0);
          if (k >= 0) fail(`${path}.at[${k}]`, `a time inside the cycle (0 or more, shorter than every = ${formatDuration(a.every)})`, formatDuration(a.at[k]!));
          else if (a.at.length === 0) fail(`${path}.at`, 'at least one time', '[]');
        }
      }
      if (a.kind === 'inbound-endpoint' && a.protocol !== undefined && a.protocol !== 'jms' && a.destination === 'topic') {
        fail(`${path}.destination`, 'destination topic only with protocol jms (the other protocols decide by themselves)', `topic with protocol ${a.protocol}`);
      }
      const pinned = a.pinnedServers ?? [];
      const k = w?.name === undefined ? -1 : pinned.findIndex((id) => !isPodNameOf(id, w.name!));
      if (k >= 0) fail(`${path}.pinnedServers[${k}]`, `a pod name of workload ${w!.name} (${w!.name}-1, ${w!.name}-2, ...)`, JSON.stringify(pinned[k]));
      if (a.name === undefined) return;
      const { name: _name, coordination: _c, pinnedServers: _p, ...definition } = a;
      const text = JSON.stringify(definition);
      const first = firstByName.get(a.name);
      if (first === undefined) firstByName.set(a.name, { path, text });
      else if (first.text !== text) fail(path, `the same definition as ${first.path} (artifacts with one name are one artifact)`, 'a different one');
    });
  });
  const r = s.coordination?.resolver;
  if (r?.type === 'task-node' && r.taskNodes !== undefined && r.taskNodes.length === 0) {
    fail('coordination.resolver.taskNodes', 'at least one node id (pod name) with type task-node', '[]');
  }
  if (r?.type === 'task-node' && r.taskNodes !== undefined) {
    const names = (s.workloads ?? []).filter((w) => w?.name !== undefined).map((w) => w.name!);
    const k = r.taskNodes.findIndex((id) => !names.some((name) => isPodNameOf(id, name)));
    if (k >= 0 && names.length > 0) {
      fail(`coordination.resolver.taskNodes[${k}]`, `a pod name of a workload (${names.map((n) => `${n}-1`).join(', ')}, ...)`, JSON.stringify(r.taskNodes[k]));
    }
  }
}

/** Node ids are pod names, and a Deployment's pods are named <workload>-<n> here. */
function isPodNameOf(id: string, workload: string): boolean {
  const n = id.startsWith(`${workload}-`) ? id.slice(workload.length + 1) : '';
  return /^[1-9][0-9]*$/.test(n);
}
