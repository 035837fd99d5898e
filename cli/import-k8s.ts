// Kubernetes manifests for `deploysim import`: Deployments and StatefulSets become workloads;
// Services, Ingresses, Gateway API objects, PodDisruptionBudgets and HorizontalPodAutoscalers
// are tied to them by their selectors and targets. What Kubernetes fills in when a field is left
// out (its defaults) is written as such.
import { formatCpu, formatDuration, formatMemory, parseCpu, parseMemory } from '../sim/scenario/units.js';
import { mapHeartbeats, miVersionOf, wholeNumber, type JvmSource } from './import-mi.js';
import { type Draft, type Seg, type View } from './import-source.js';

/** Kinds read; any other kind is ignored whole. */
export const KNOWN_KINDS = new Set(['Deployment', 'StatefulSet', 'Service', 'Ingress', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Gateway', 'HTTPRoute', 'ConfigMap']);

const K8S_DEFAULT = "Kubernetes' default";

/** Reads an embedded deployment.toml (a ConfigMap's data); true when it was one. */
export type EmbeddedToml = (v: View, path: Seg[], text: string) => boolean;

interface WorkloadInfo {
  key: string;
  name: string;
  view: View;
  kind: string;
  labels: Record<string, string>;
  replicas: number;
}

type Selector = { matchLabels?: Record<string, unknown>; matchExpressions?: Array<{ key?: string; operator?: string; values?: unknown[] }> } | Record<string, unknown>;

/** Whether a label selector (a Service's plain map, or matchLabels / matchExpressions) selects pods with these labels. */
export function selects(selector: unknown, labels: Record<string, string>, plain = false): boolean {
  if (selector === null || typeof selector !== 'object') return false;
  const s = selector as Selector & Record<string, unknown>;
  const matchLabels = plain ? s : (s.matchLabels as Record<string, unknown> | undefined);
  const exprs = plain ? [] : ((s.matchExpressions as Array<{ key?: string; operator?: string; values?: unknown[] }> | undefined) ?? []);
  if ((matchLabels === undefined || Object.keys(matchLabels).length === 0) && exprs.length === 0) return false;
  for (const [k, val] of Object.entries(matchLabels ?? {})) if (labels[k] !== String(val)) return false;
  for (const e of exprs) {
    const has = e.key !== undefined && e.key in labels;
    const values = (e.values ?? []).map(String);
    const ok =
      e.operator === 'In' ? has && values.includes(labels[e.key!]!) : e.operator === 'NotIn' ? !has || !values.includes(labels[e.key!]!) : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** A Kubernetes name as a scenario name (a DNS label); undefined when nothing is left of it. */
export function workloadName(name: string): string {
  const n = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return n === '' ? 'mi' : n;
}

const topologyOf = (key: unknown): 'hostname' | 'zone' | undefined =>
  key === 'kubernetes.io/hostname' ? 'hostname' : key === 'topology.kubernetes.io/zone' || key === 'failure-domain.beta.kubernetes.io/zone' ? 'zone' : undefined;

const seconds = (v: unknown): string | undefined => {
  const n = wholeNumber(v);
  return n === undefined || n < 0 ? undefined : formatDuration(n);
};

const countOrPercent = (v: unknown): number | string | undefined => {
  const n = wholeNumber(v);
  if (n !== undefined && n >= 0) return n;
  return typeof v === 'string' && /^\d{1,3}%$/.test(v) ? v : undefined;
};

/** A PodDisruptionBudget's minAvailable or maxUnavailable as the model's minAvailable for `replicas` pods. */
export function minAvailableOf(kind: 'minAvailable' | 'maxUnavailable', raw: unknown, replicas: number): { value: number; note?: string } | undefined {
  const v = countOrPercent(raw);
  if (v === undefined) return undefined;
  // Kubernetes rounds a percentage up, for both (the disruption controller's GetScaledValueFromIntOrPercent).
  const scaled = typeof v === 'number' ? v : Math.ceil((Number(v.slice(0, -1)) * replicas) / 100);
  if (kind === 'minAvailable') return typeof v === 'number' ? { value: v } : { value: scaled, note: `${v} of ${replicas} replicas, rounded up as Kubernetes does` };
  return { value: Math.max(0, replicas - scaled), note: `maxUnavailable ${v} of ${replicas} replicas: the model takes minAvailable = ${Math.max(0, replicas - scaled)}` };
}

/** The ingress-nginx annotations the model has fields for; the others are ignored. */
export function mapNginxAnnotations(draft: Draft, v: View, at: Seg[]): void {
  const annotations = v.get(at);
  if (annotations === null || typeof annotations !== 'object') return;
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    const path = [...at, key];
    const name = key.replace(/^nginx\.ingress\.kubernetes\.io\//, '');
    if (name === key) continue;
    if (name === 'load-balance') {
      const policy = value === 'round_robin' ? 'round-robin' : value === 'ewma' ? 'ewma' : undefined;
      v.mapped(path);
      if (policy === undefined) draft.ignored(v.origin(path), `a balancing method the model does not know (${String(value)}): it knows round_robin and ewma`);
      else draft.set(null, ['loadBalancer', 'policy'], policy, v.origin(path));
    } else if (name === 'proxy-next-upstream-tries') {
      const n = wholeNumber(value);
      v.mapped(path);
      if (n === undefined || n < 1) draft.ignored(v.origin(path), `${String(value)}: the model takes a number of tries from 1`);
      else draft.set(null, ['loadBalancer', 'tries'], n, v.origin(path));
    } else if (name === 'proxy-connect-timeout' || name === 'proxy-read-timeout') {
      const s = seconds(String(value).replace(/s$/, ''));
      v.mapped(path);
      if (s === undefined) draft.ignored(v.origin(path), `${String(value)}: not a whole number of seconds`);
      else draft.set(null, ['loadBalancer', name === 'proxy-connect-timeout' ? 'connectTimeout' : 'readTimeout'], s, v.origin(path));
    }
  }
  v.ignoreRules([[at.map(String).join('.'), 'outside the model: an annotation the model has no field for']]);
}

/** Maps the Kubernetes objects of every manifest input, in order. */
export function mapManifests(draft: Draft, objects: View[], embedded: EmbeddedToml): void {
  const workloads: WorkloadInfo[] = [];
  const kindOf = (v: View) => String(v.get(['kind']));
  const nameOf = (v: View) => String(v.get(['metadata', 'name']) ?? '');
  const used = (v: View) => v.mapped(['apiVersion'], ['kind'], ['metadata', 'name']);
  const common = (v: View) =>
    v.ignoreRules([
      ['metadata', 'outside the model: object metadata (names, labels, annotations, bookkeeping)'],
      ['status', "outside the model: the object's status as the cluster last saw it, not its spec"],
    ]);

  for (const v of objects) {
    const kind = kindOf(v);
    if (kind !== 'Deployment' && kind !== 'StatefulSet') continue;
    let name = workloadName(nameOf(v));
    while (workloads.some((w) => w.name === name)) name = `${name.slice(0, 60)}-${workloads.length + 1}`;
    const key = `k8s:${name}`;
    draft.workload({ key, name, origin: v.origin(['metadata', 'name']), from: 'k8s' });
    draft.set(key, ['name'], name, v.origin(['metadata', 'name']), name === nameOf(v) ? undefined : `${nameOf(v)} is not a name the model takes (lower-case letters, digits and dashes)`);
    used(v);
    const labels = (v.get(['spec', 'template', 'metadata', 'labels']) ?? {}) as Record<string, string>;
    const replicas = wholeNumber(v.get(['spec', 'replicas'])) ?? 1;
    workloads.push({ key, name, view: v, kind, labels, replicas });
    mapWorkload(draft, v, key, kind);
    common(v);
  }

  const fronts: Array<{ type: 'ingress' | 'cloud'; v: View; path: Seg[]; note: string }> = [];
  let hpaTargets = new Set<string>();
  const pdbTargets = new Set<string>();
  for (const v of objects) {
    const kind = kindOf(v);
    const label = `${kind}/${nameOf(v)}`;
    if (kind === 'Service') {
      used(v);
      const type = v.get(['spec', 'type']) ?? 'ClusterIP';
      const selected = workloads.filter((w) => selects(v.get(['spec', 'selector']), w.labels, true));
      v.ignore(['spec', 'selector'], 'read to find the pods behind it');
      if (type === 'LoadBalancer') {
        fronts.push({ type: 'cloud', v, path: ['spec', 'type'], note: `a cloud load balancer in front of ${selected.map((w) => w.name).join(', ') || 'no workload of the inputs'}` });
      } else if (v.has(['spec', 'type'])) {
        v.ignore(['spec', 'type'], `a ${String(type)} Service: no front of its own (an Ingress or Gateway, or callers inside the cluster, reach the pods through it)`);
      }
      v.ignoreRules([['spec', 'outside the model: ports and Service options (the front spreads requests over the ready pods)']]);
    } else if (kind === 'Ingress' || kind === 'Gateway' || kind === 'HTTPRoute') {
      used(v);
      fronts.push({
        type: 'ingress',
        v,
        path: ['kind'],
        note: kind === 'Ingress' ? 'an Ingress: the ingress front (ingress-nginx)' : `Gateway API (${kind}): an in-cluster proxy such as Envoy Gateway, modeled as the ingress front`,
      });
      mapNginxAnnotations(draft, v, ['metadata', 'annotations']);
      v.ignoreRules([['spec', 'outside the model: hosts, routes and TLS (the front sends every request to the ready pods)']]);
    } else if (kind === 'PodDisruptionBudget') {
      const selected = workloads.filter((w) => selects(v.get(['spec', 'selector']), w.labels));
      if (selected.length === 0) {
        v.ignore([], 'selects no Deployment or StatefulSet of the inputs');
        continue;
      }
      used(v);
      v.ignore(['spec', 'selector'], 'read to find its pods');
      const field = v.has(['spec', 'minAvailable']) ? 'minAvailable' : v.has(['spec', 'maxUnavailable']) ? 'maxUnavailable' : undefined;
      if (field === undefined) {
        draft.ignored(v.origin([]), `${label} sets neither minAvailable nor maxUnavailable`);
      } else {
        v.mapped(['spec', field]);
        if (field === 'minAvailable' && v.has(['spec', 'maxUnavailable'])) v.ignore(['spec', 'maxUnavailable'], 'Kubernetes takes one of minAvailable and maxUnavailable');
        for (const w of selected) {
          const m = minAvailableOf(field, v.get(['spec', field]), w.replicas);
          if (m === undefined) draft.ignored(v.origin(['spec', field]), `${String(v.get(['spec', field]))}: not a count or a percentage`);
          else {
            draft.set(w.key, ['podDisruptionBudget', 'minAvailable'], m.value, v.origin(['spec', field]), m.note);
            pdbTargets.add(w.key);
          }
        }
      }
      v.ignoreRules([['spec', 'outside the model: a budget option the model does not read']]);
    } else if (kind === 'HorizontalPodAutoscaler') {
      const target = v.get(['spec', 'scaleTargetRef']) as { kind?: string; name?: string } | undefined;
      const w = workloads.find((x) => x.kind === target?.kind && x.view.get(['metadata', 'name']) === target?.name);
      if (w === undefined) {
        v.ignore([], `scales ${target?.kind ?? '?'}/${target?.name ?? '?'}, not a Deployment or StatefulSet of the inputs`);
        continue;
      }
      if (mapHpa(draft, v, w.key)) hpaTargets = hpaTargets.add(w.key);
    } else if (kind === 'ConfigMap') {
      const data = v.get(['data']);
      let any = false;
      if (data !== null && typeof data === 'object') {
        for (const [k, text] of Object.entries(data as Record<string, unknown>)) {
          if (!k.endsWith('.toml') || typeof text !== 'string') continue;
          if (embedded(v, ['data', k], text)) {
            any = true;
            v.mapped(['data', k]);
          }
        }
      }
      if (any) {
        used(v);
        v.ignoreRules([['data', 'outside the model: a file other than deployment.toml']]);
      } else v.ignore([], 'outside the model: a ConfigMap without an MI deployment.toml');
    } else if (kind !== 'Deployment' && kind !== 'StatefulSet') {
      v.ignore([], `outside the model: a ${kind}`);
    }
    common(v);
  }

  for (const w of workloads) {
    if (!hpaTargets.has(w.key)) draft.def(w.key, ['autoscaling'], 'none', `no HorizontalPodAutoscaler targets ${w.kind}/${w.view.get(['metadata', 'name'])}`);
    if (!pdbTargets.has(w.key)) draft.def(w.key, ['podDisruptionBudget'], 'none', `no PodDisruptionBudget selects ${w.kind}/${w.view.get(['metadata', 'name'])}`);
  }

  const ingress = fronts.find((f) => f.type === 'ingress');
  const front = ingress ?? fronts[0];
  if (front !== undefined) {
    draft.set(null, ['loadBalancer', 'type'], front.type, front.v.origin(front.path), front.note);
    front.v.mapped(front.path);
    for (const f of fronts) {
      if (f === front) continue;
      f.v.mapped(f.path);
      if (f.type === front.type) draft.set(null, ['loadBalancer', 'type'], f.type, f.v.origin(f.path), f.note);
      else draft.ignored(f.v.origin(f.path), `the model has one front: ${front.v.text([]).trim()} is taken (${front.type})`);
    }
  }
}

/** A HorizontalPodAutoscaler on CPU; false when the model cannot take it. */
function mapHpa(draft: Draft, v: View, key: string): boolean {
  const spec = (v.get(['spec']) ?? {}) as Record<string, unknown>;
  const metrics = Array.isArray(spec.metrics) ? (spec.metrics as Array<Record<string, any>>) : [];
  const cpuIndex = metrics.findIndex((m) => m?.type === 'Resource' && m?.resource?.name === 'cpu');
  const v1 = 'targetCPUUtilizationPercentage' in spec;
  const min = wholeNumber(spec.minReplicas) ?? 1;
  const max = wholeNumber(spec.maxReplicas);
  if (max === undefined || max < min) {
    v.ignore([], max === undefined ? 'no maxReplicas' : `maxReplicas ${max} below minReplicas ${min}: Kubernetes rejects it`);
    return false;
  }
  if (metrics.length > 0 && cpuIndex < 0 && !v1) {
    v.ignore([], 'scales on other metrics than CPU: the model’s autoscaler scales on CPU only');
    return false;
  }
  v.mapped(['apiVersion'], ['kind'], ['metadata', 'name']);
  v.ignore(['spec', 'scaleTargetRef'], 'read to find the workload it scales');
  if ('minReplicas' in spec) {
    v.mapped(['spec', 'minReplicas']);
    draft.set(key, ['autoscaling', 'minReplicas'], min, v.origin(['spec', 'minReplicas']));
  } else draft.def(key, ['autoscaling', 'minReplicas'], 1, `no minReplicas in ${v.text([]).trim()}: ${K8S_DEFAULT}`);
  v.mapped(['spec', 'maxReplicas']);
  draft.set(key, ['autoscaling', 'maxReplicas'], max, v.origin(['spec', 'maxReplicas']));
  if (v1) {
    const n = wholeNumber(spec.targetCPUUtilizationPercentage);
    v.mapped(['spec', 'targetCPUUtilizationPercentage']);
    if (n === undefined) draft.ignored(v.origin(['spec', 'targetCPUUtilizationPercentage']), 'not a whole number');
    else draft.set(key, ['autoscaling', 'targetCPUUtilization'], n, v.origin(['spec', 'targetCPUUtilizationPercentage']));
  } else if (cpuIndex >= 0) {
    const at: Seg[] = ['spec', 'metrics', cpuIndex, 'resource', 'target', 'averageUtilization'];
    const n = wholeNumber(v.get(at));
    if (n === undefined) {
      v.ignore(['spec', 'metrics', cpuIndex], 'a CPU target that is not a utilization percentage (averageValue): the model targets a percentage of the request');
      draft.def(key, ['autoscaling', 'targetCPUUtilization'], 80, `no CPU utilization target in ${v.text([]).trim()}: ${K8S_DEFAULT} 80%`);
    } else {
      v.mapped(at);
      draft.set(key, ['autoscaling', 'targetCPUUtilization'], n, v.origin(at));
      v.ignore(['spec', 'metrics', cpuIndex], 'the kind of the CPU metric and target (Resource, Utilization)');
    }
  } else {
    draft.def(key, ['autoscaling', 'targetCPUUtilization'], 80, `no metrics in ${v.text([]).trim()}: ${K8S_DEFAULT}, 80% CPU`);
  }
  metrics.forEach((m, i) => {
    if (i !== cpuIndex) v.ignore(['spec', 'metrics', i], `outside the model: a ${m?.resource?.name ?? m?.type ?? 'non-CPU'} metric (only CPU use is simulated; Kubernetes scales to the larger recommendation)`);
  });
  const window: Seg[] = ['spec', 'behavior', 'scaleDown', 'stabilizationWindowSeconds'];
  if (v.has(window)) {
    const s = seconds(v.get(window));
    v.mapped(window);
    if (s === undefined) draft.ignored(v.origin(window), 'not a whole number of seconds');
    else draft.set(null, ['kubernetes', 'horizontalPodAutoscaler', 'downscaleStabilization'], s, v.origin(window), 'one setting for every autoscaler in the model');
  }
  v.ignoreRules([
    ['spec.behavior', 'outside the model: scaling policies other than the scale-down stabilization window'],
    ['spec', 'outside the model: an autoscaler option the model does not read'],
  ]);
  return true;
}

/** The MI container: named wso2mi, or running an MI image, or the first. */
function miContainer(containers: Array<Record<string, unknown>>): number {
  const byName = containers.findIndex((c) => c?.name === 'wso2mi' || c?.name === 'mi' || c?.name === 'micro-integrator');
  if (byName >= 0) return byName;
  const byImage = containers.findIndex((c) => typeof c?.image === 'string' && /wso2mi|micro-integrator|wso2-mi/i.test(c.image));
  return byImage >= 0 ? byImage : 0;
}

function mapWorkload(draft: Draft, v: View, key: string, kind: string): void {
  const what = `${kind}/${v.get(['metadata', 'name'])}`;
  const missing = (field: string) => `no ${field} in ${what}: ${K8S_DEFAULT}`;
  const setOr = (path: Seg[], to: Seg[], convert: (raw: unknown) => unknown, fallback: unknown, why: string, note?: string) => {
    if (v.has(path) && v.get(path) !== null) {
      v.mapped(path);
      const value = convert(v.get(path));
      if (value === undefined) draft.ignored(v.origin(path), `${String(v.get(path))}: not a value the model takes`);
      else {
        draft.set(key, to, value, v.origin(path), note);
        return;
      }
    }
    draft.def(key, to, fallback, why);
  };

  setOr(['spec', 'replicas'], ['replicas'], wholeNumber, 1, missing('replicas'));
  setOr(['spec', 'minReadySeconds'], ['strategy', 'minReadySeconds'], seconds, '0s', missing('minReadySeconds'));
  if (kind === 'Deployment') {
    const type = v.get(['spec', 'strategy', 'type']) ?? 'RollingUpdate';
    if (v.has(['spec', 'strategy', 'type'])) v.mapped(['spec', 'strategy', 'type']);
    if (type === 'Recreate') {
      draft.set(key, ['strategy', 'type'], 'Recreate', v.origin(['spec', 'strategy', 'type']));
      v.ignoreRules([['spec.strategy.rollingUpdate', 'Recreate: no rolling update']]);
    } else {
      if (v.has(['spec', 'strategy', 'type'])) draft.set(key, ['strategy', 'type'], 'RollingUpdate', v.origin(['spec', 'strategy', 'type']));
      else draft.def(key, ['strategy', 'type'], 'RollingUpdate', missing('strategy'));
      setOr(['spec', 'strategy', 'rollingUpdate', 'maxSurge'], ['strategy', 'maxSurge'], countOrPercent, '25%', missing('maxSurge'));
      setOr(['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'], ['strategy', 'maxUnavailable'], countOrPercent, '25%', missing('maxUnavailable'));
    }
  } else {
    const type = v.get(['spec', 'updateStrategy', 'type']) ?? 'RollingUpdate';
    if (type === 'OnDelete') {
      v.ignore(['spec', 'updateStrategy'], 'OnDelete: pods are replaced only when deleted (the model’s rolling update replaces them one at a time)');
    } else if (v.has(['spec', 'updateStrategy', 'type'])) {
      v.mapped(['spec', 'updateStrategy', 'type']);
      draft.set(key, ['strategy', 'type'], 'RollingUpdate', v.origin(['spec', 'updateStrategy', 'type']));
    }
    draft.def(key, ['strategy', 'maxSurge'], 0, `a StatefulSet replaces its pods without a surge`);
    setOr(['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'], ['strategy', 'maxUnavailable'], countOrPercent, 1, `a StatefulSet replaces one pod at a time`);
    draft.note(v.src.fileIndex, v.line([]), `${v.src.file}:${v.line([])} ${what}: modeled as a Deployment; a StatefulSet's stable pod names (a replacement keeps its node id) are outside the model`);
    v.ignoreRules([
      ['spec.updateStrategy', 'outside the model: partition'],
      ['spec.volumeClaimTemplates', 'outside the model: persistent volumes'],
      ['spec.serviceName', 'outside the model: the headless Service name'],
      ['spec.podManagementPolicy', 'outside the model: the order pods are created in (the model starts them at once)'],
      ['spec.persistentVolumeClaimRetentionPolicy', 'outside the model: persistent volumes'],
    ]);
  }

  const pod: Seg[] = ['spec', 'template', 'spec'];
  const containers = (v.get([...pod, 'containers']) ?? []) as Array<Record<string, unknown>>;
  const ci = miContainer(containers);
  const c: Seg[] = [...pod, 'containers', ci];
  containers.forEach((_, i) => {
    if (i !== ci) v.ignore([...pod, 'containers', i], 'outside the model: a second container (the model runs one MI container per pod)');
  });

  if (v.has([...c, 'image'])) {
    const image = String(v.get([...c, 'image']));
    v.mapped([...c, 'image']);
    draft.set(key, ['image'], image, v.origin([...c, 'image']));
    const tag = /^[^@]*:([^/:@]+)$/.exec(image)?.[1];
    const mi = tag === undefined ? undefined : miVersionOf(tag);
    if (mi?.version !== undefined) draft.set(null, ['coordination', 'miVersion'], mi.version, v.origin([...c, 'image']), `from the image tag ${tag}`);
    else if (tag !== undefined) draft.note(v.src.fileIndex, v.line([...c, 'image']), `${v.src.file}:${v.line([...c, 'image'])} ${v.text([...c, 'image'])}: the tag ${tag} is not an MI version the model knows (${mi?.known ?? ''}); coordination.miVersion is not taken from it`);
  }

  // Resources: a request left out is the limit when there is one (Kubernetes), else the model needs one.
  const r: Seg[] = [...c, 'resources'];
  for (const [res, parse, format, fallback] of [
    ['cpu', parseCpu, formatCpu, '500m'],
    ['memory', parseMemory, formatMemory, '512Mi'],
  ] as const) {
    const req = [...r, 'requests', res];
    const lim = [...r, 'limits', res];
    const conv = (raw: unknown) => {
      const n = parse(raw);
      return n === undefined ? undefined : format(n);
    };
    if (v.has(req)) setOr(req, ['resources', 'requests', res], conv, fallback, `the ${res} request in ${what} is not a quantity the model takes: the scenario's default`);
    else if (v.has(lim)) {
      const value = conv(v.get(lim));
      if (value !== undefined) draft.set(key, ['resources', 'requests', res], value, v.origin(lim), `no ${res} request: Kubernetes takes the limit`);
    } else draft.def(key, ['resources', 'requests', res], fallback, `no ${res} request in ${what}; the model needs one: the scenario's default`);
  }
  setOr([...r, 'limits', 'cpu'], ['resources', 'limits', 'cpu'], (raw) => {
    const n = parseCpu(raw);
    return n === undefined || n <= 0 ? undefined : formatCpu(n);
  }, 'none', `no CPU limit in ${what}: the pod may use its node's idle CPU`);
  v.ignoreRules([
    [[...r, 'limits', 'memory'].join('.'), 'outside the model: a memory limit (memory use is not simulated)'],
    [r.join('.'), 'outside the model: a resource other than CPU and memory'],
  ]);

  for (const [kube, probe] of [
    ['startupProbe', 'startup'],
    ['readinessProbe', 'readiness'],
    ['livenessProbe', 'liveness'],
  ] as const) {
    const p: Seg[] = [...c, kube];
    if (!v.has(p) || v.get(p) === null) {
      draft.def(key, ['probes', probe], 'none', `no ${kube} in ${what}`);
      continue;
    }
    for (const [field, to, def] of [
      ['initialDelaySeconds', 'initialDelay', 0],
      ['periodSeconds', 'period', 10],
      ['failureThreshold', 'failureThreshold', 3],
      ['successThreshold', 'successThreshold', 1],
    ] as const) {
      const toSeconds = to === 'initialDelay' || to === 'period';
      setOr([...p, field], ['probes', probe, to], (raw) => (toSeconds ? seconds(raw) : wholeNumber(raw)), toSeconds ? formatDuration(def) : def, missing(`${kube}.${field}`));
    }
    v.ignoreRules([
      [[...p, 'timeoutSeconds'].join('.'), 'outside the model: a live server answers within the timeout, a hung one never does'],
      [[...p, 'terminationGracePeriodSeconds'].join('.'), 'outside the model: the probe-level grace period'],
      [p.join('.'), 'the check itself (httpGet, tcpSocket, exec, grpc): the model probes what MI reports (started, ready, alive)'],
    ]);
  }

  // Heartbeat settings: JAVA_OPTS, environment variables, arguments.
  const jvm: JvmSource[] = [];
  const env = (v.get([...c, 'env']) ?? []) as Array<Record<string, unknown>>;
  env.forEach((e, i) => {
    if (typeof e?.value !== 'string' || typeof e?.name !== 'string') return;
    const path = [...c, 'env', i, 'value'];
    const also = [...c, 'env', i, 'name'];
    if (e.name === 'JAVA_OPTS' || e.name === 'JAVA_TOOL_OPTIONS') jvm.push({ path, also, kind: 'options', text: e.value });
    else jvm.push({ path, also, kind: 'env', name: e.name, text: e.value });
  });
  for (const field of ['command', 'args'] as const) {
    const list = v.get([...c, field]);
    if (Array.isArray(list)) list.forEach((a, i) => typeof a === 'string' && jvm.push({ path: [...c, field, i], kind: 'options', text: a }));
  }
  mapHeartbeats(draft, v, jvm, 'JAVA_OPTS');

  setOr([...pod, 'terminationGracePeriodSeconds'], ['terminationGracePeriod'], seconds, '30s', missing('terminationGracePeriodSeconds'));
  mapAntiAffinity(draft, v, key, pod, what);
  mapSpread(draft, v, key, pod, what);
  mapTolerations(draft, v, pod);

  v.ignoreRules([
    [[...c, 'env'].join('.'), 'outside the model: environment variables other than the heartbeat settings'],
    [[...c, 'args'].join('.'), 'outside the model: arguments other than the heartbeat settings'],
    [[...c, 'command'].join('.'), 'outside the model: the command'],
    [[...c, 'ports'].join('.'), 'outside the model: ports'],
    [[...c, 'volumeMounts'].join('.'), 'outside the model: volumes'],
    [[...c, 'securityContext'].join('.'), 'outside the model: security context'],
    [[...c, 'lifecycle'].join('.'), 'outside the model: lifecycle hooks (a preStop hook delays SIGTERM, not simulated)'],
    [[...c, 'imagePullPolicy'].join('.'), 'outside the model: a pull happens when the node does not have the image (imagePrePulled, startup.imagePull)'],
    [c.join('.'), 'outside the model: a container setting'],
    [[...pod, 'initContainers'].join('.'), 'outside the model: init containers'],
    [[...pod, 'nodeSelector'].join('.'), 'outside the model: the nodes have no labels; every node of the pools can take the pod'],
    [[...pod, 'affinity', 'nodeAffinity'].join('.'), 'outside the model: the nodes have no labels'],
    [[...pod, 'affinity', 'podAffinity'].join('.'), 'outside the model: affinity to other pods'],
    [[...pod, 'volumes'].join('.'), 'outside the model: volumes'],
    [[...pod, 'securityContext'].join('.'), 'outside the model: security context'],
    [[...pod, 'serviceAccountName'].join('.'), 'outside the model: service account'],
    [[...pod, 'serviceAccount'].join('.'), 'outside the model: service account'],
    [[...pod, 'imagePullSecrets'].join('.'), 'outside the model: image pull secrets'],
    [pod.join('.'), 'outside the model: a pod setting'],
    ['spec.template.metadata', 'outside the model: pod labels and annotations (the labels are read to match Services, budgets and autoscalers)'],
    ['spec.selector', 'read only by Kubernetes to find the pods: the model’s workload owns its pods'],
    ['spec.revisionHistoryLimit', 'outside the model: rollout history'],
    ['spec.progressDeadlineSeconds', 'outside the model: rollout progress deadline'],
    ['spec', `outside the model: a ${kind} setting`],
  ]);
}

function mapAntiAffinity(draft: Draft, v: View, key: string, pod: Seg[], what: string): void {
  const labels = (v.get(['spec', 'template', 'metadata', 'labels']) ?? {}) as Record<string, string>;
  const aa: Seg[] = [...pod, 'affinity', 'podAntiAffinity'];
  const requiredTerms = (v.get([...aa, 'requiredDuringSchedulingIgnoredDuringExecution']) ?? []) as Array<Record<string, unknown>>;
  const preferredTerms = (v.get([...aa, 'preferredDuringSchedulingIgnoredDuringExecution']) ?? []) as Array<Record<string, any>>;
  let required = false;
  requiredTerms.forEach((t, i) => {
    const at: Seg[] = [...aa, 'requiredDuringSchedulingIgnoredDuringExecution', i];
    const topo = topologyOf(t?.topologyKey);
    if (required || topo === undefined || !selects(t?.labelSelector, labels)) {
      v.ignore(at, required ? 'the model takes one required anti-affinity term' : topo === undefined ? `outside the model: topology key ${String(t?.topologyKey)} (the model knows hostname and zone)` : "outside the model: anti-affinity to other workloads' pods");
      return;
    }
    required = true;
    v.mapped([...at, 'topologyKey']);
    v.ignore([...at, 'labelSelector'], "read to check it selects the workload's own pods");
    draft.set(key, ['scheduling', 'podAntiAffinity', 'required'], topo, v.origin([...at, 'topologyKey']));
  });
  if (!required) draft.def(key, ['scheduling', 'podAntiAffinity', 'required'], 'none', `no required pod anti-affinity in ${what}`);
  let preferred = false;
  preferredTerms.forEach((t, i) => {
    const at: Seg[] = [...aa, 'preferredDuringSchedulingIgnoredDuringExecution', i];
    const topo = topologyOf(t?.podAffinityTerm?.topologyKey);
    if (preferred || topo === undefined || !selects(t?.podAffinityTerm?.labelSelector, labels)) {
      v.ignore(at, preferred ? 'the model takes one preferred anti-affinity term' : topo === undefined ? `outside the model: topology key ${String(t?.podAffinityTerm?.topologyKey)}` : "outside the model: anti-affinity to other workloads' pods");
      return;
    }
    preferred = true;
    v.mapped([...at, 'podAffinityTerm', 'topologyKey']);
    v.ignore([...at, 'podAffinityTerm', 'labelSelector'], "read to check it selects the workload's own pods");
    draft.set(key, ['scheduling', 'podAntiAffinity', 'preferred'], topo, v.origin([...at, 'podAffinityTerm', 'topologyKey']));
    const w = wholeNumber(t?.weight);
    if (w !== undefined) {
      v.mapped([...at, 'weight']);
      draft.set(key, ['scheduling', 'podAntiAffinity', 'weight'], w, v.origin([...at, 'weight']));
    }
  });
  if (!preferred) draft.def(key, ['scheduling', 'podAntiAffinity', 'preferred'], 'none', `no preferred pod anti-affinity in ${what}`);
}

function mapSpread(draft: Draft, v: View, key: string, pod: Seg[], what: string): void {
  const at: Seg[] = [...pod, 'topologySpreadConstraints'];
  const list = (v.get(at) ?? []) as Array<Record<string, unknown>>;
  let n = 0;
  list.forEach((t, i) => {
    const topo = topologyOf(t?.topologyKey);
    if (topo === undefined) {
      v.ignore([...at, i], `outside the model: topology key ${String(t?.topologyKey)} (the model knows hostname and zone)`);
      return;
    }
    v.mapped([...at, i, 'topologyKey']);
    draft.set(key, ['scheduling', 'topologySpread', n, 'topologyKey'], topo, v.origin([...at, i, 'topologyKey']));
    const skew = wholeNumber(t.maxSkew);
    if (skew !== undefined) {
      v.mapped([...at, i, 'maxSkew']);
      draft.set(key, ['scheduling', 'topologySpread', n, 'maxSkew'], skew, v.origin([...at, i, 'maxSkew']));
    }
    if (t.whenUnsatisfiable !== undefined) {
      v.mapped([...at, i, 'whenUnsatisfiable']);
      draft.set(key, ['scheduling', 'topologySpread', n, 'whenUnsatisfiable'], t.whenUnsatisfiable, v.origin([...at, i, 'whenUnsatisfiable']));
    }
    v.ignoreRules([[[...at, i, 'labelSelector'].join('.'), "read as the workload's own pods"]]);
    v.ignoreRules([[[...at, i].join('.'), 'outside the model: a spread option other than topologyKey, maxSkew and whenUnsatisfiable']]);
    n++;
  });
  if (n === 0) draft.def(key, ['scheduling', 'topologySpread'], [], `no topologySpreadConstraints in ${what}`);
}

/** The not-ready / unreachable NoExecute tolerations: how long pods stay on a lost node. */
function mapTolerations(draft: Draft, v: View, pod: Seg[]): void {
  const at: Seg[] = [...pod, 'tolerations'];
  const list = (v.get(at) ?? []) as Array<Record<string, unknown>>;
  list.forEach((t, i) => {
    const lost = t?.key === 'node.kubernetes.io/unreachable' || t?.key === 'node.kubernetes.io/not-ready';
    const s = seconds(t?.tolerationSeconds);
    if (lost && t?.effect === 'NoExecute' && s !== undefined) {
      v.mapped([...at, i, 'tolerationSeconds']);
      v.ignore([...at, i], 'the toleration the seconds belong to');
      draft.set(null, ['kubernetes', 'tolerationSeconds'], s, v.origin([...at, i, 'tolerationSeconds']), 'one setting for every pod in the model');
    } else v.ignore([...at, i], 'outside the model: a toleration of a taint the model does not put on nodes');
  });
}
