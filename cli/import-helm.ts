// Helm values of the WSO2 MI chart (wso2/helm-mi, mi/values.yaml and mi/values_full.yaml) for
// `deploysim import`. The chart renders one Deployment from wso2.deployment (mi-deployment.yaml),
// a PodDisruptionBudget and an autoscaler when enabled, an Ingress or Gateway API routes, and a
// deployment.toml from wso2.config. A value the file leaves out is the chart's own default
// (Helm merges the file over the chart's values.yaml), and a field the template does not render
// is Kubernetes' default.
import { formatCpu, formatDuration, formatMemory, parseCpu, parseMemory } from '../sim/scenario/units.js';
import { mapNginxAnnotations, minAvailableOf } from './import-k8s.js';
import { COORDINATION_DB, mapHeartbeats, mapWorkerPool, miVersionOf, wholeNumber, type JvmSource } from './import-mi.js';
import { type Draft, type Seg, type View } from './import-source.js';

export const HELM_WORKLOAD = 'helm';

const D: Seg[] = ['wso2', 'deployment'];

/** What the chart's values.yaml sets, for the values a file leaves out. */
const CHART = {
  replicas: 1,
  maxSurge: 1,
  maxUnavailable: 0,
  probes: {
    startup: { initialDelaySeconds: 5, periodSeconds: 3, failureThreshold: 40 },
    readiness: { initialDelaySeconds: 60, periodSeconds: 1 },
    liveness: { periodSeconds: 10 },
  } as Record<string, Record<string, number>>,
  requests: { cpu: '500m', memory: '512Mi' } as Record<string, string>,
  limitsCpu: '1000m',
};

/** The probe fields mi-deployment.yaml renders from the values; the others are Kubernetes' defaults. */
const RENDERED: Record<string, readonly string[]> = {
  startup: ['initialDelaySeconds', 'periodSeconds', 'failureThreshold'],
  readiness: ['initialDelaySeconds', 'periodSeconds'],
  liveness: ['periodSeconds'],
};
const PROBE_FIELDS = [
  ['initialDelaySeconds', 'initialDelay', 0],
  ['periodSeconds', 'period', 10],
  ['failureThreshold', 'failureThreshold', 3],
  ['successThreshold', 'successThreshold', 1],
] as const;

const RULES: ReadonlyArray<readonly [string, string]> = [
  ['provider', 'outside the model: cloud provider'],
  ['containerRegistry', 'outside the model: the registry of an image the file does not name'],
  ['aws', 'outside the model: AWS secrets, registry and storage'],
  ['azure', 'outside the model: Azure secrets and registry'],
  ['gcp', 'outside the model: GCP secrets and storage'],
  ['wso2.subscription', 'outside the model: WSO2 subscription credentials'],
  ['wso2.ingress', 'outside the model: Ingress class, TLS secret and rate limit'],
  ['wso2.gatewayAPI', 'outside the model: Gateway class, names, TLS and rate limit'],
  ['wso2.config.coordination.rdbms', "outside the model: the coordination database's address, credentials and driver (the model has one database with a query time: coordination.database)"],
  ['wso2.config.portOffset', 'outside the model: ports'],
  ['wso2.config.admin', 'outside the model: the admin account'],
  ['wso2.config.userstore', 'outside the model: user store'],
  ['wso2.config.secureVault', 'outside the model: the secure vault'],
  ['wso2.config.vault', 'outside the model: HashiCorp vault'],
  ['wso2.config.keyStore', 'outside the model: keystores'],
  ['wso2.config.trustStore', 'outside the model: truststores'],
  ['wso2.config.dashboard', 'outside the model: the dashboard (ICP) connection'],
  ['wso2.config.icp', 'outside the model: the dashboard (ICP) connection'],
  ['wso2.config.serviceCatalog', 'outside the model: the API Manager service catalog'],
  ['wso2.config.transport', 'outside the model: transports other than the HTTP worker pool'],
  ['wso2.config.mediation', 'outside the model: mediation engine tuning'],
  ['wso2.config.opentelemetry', 'outside the model: tracing'],
  ['wso2.config.analytics', 'outside the model: analytics publishing'],
  ['wso2.config.synapseHandlers', 'outside the model: Synapse handlers'],
  ['wso2.config.messageFormatters', 'outside the model: message formatters'],
  ['wso2.config.messageBuilders', 'outside the model: message builders'],
  ['wso2.config.managementApi', 'outside the model: the management API'],
  ['wso2.config', 'outside the model: MI configuration with no effect on placement, probes or coordination'],
  ['wso2.deployment.securityContext', 'outside the model: security context'],
  ['wso2.deployment.hostname', 'outside the model: host name'],
  ['wso2.deployment.JKSSecretName', 'outside the model: the keystore secret'],
  ['wso2.deployment.synapseTest', 'outside the model: synapse testing'],
  ['wso2.deployment.mountCapps', 'outside the model: CApps mounted from a volume (startup.artifacts counts the CApps)'],
  ['wso2.deployment.configMaps', 'outside the model: file modes of the start-up scripts'],
  ['wso2.deployment.annotations', 'outside the model: pod annotations'],
  ['wso2.deployment.imagePullSecrets', 'outside the model: image pull secrets'],
  ['wso2.deployment.resources.jvm', 'outside the model: JVM heap (memory use is not simulated)'],
  ['wso2.deployment.resources.limits.memory', 'outside the model: a memory limit (memory use is not simulated)'],
  ['wso2.deployment.envs', 'outside the model: environment variables other than the heartbeat settings'],
  ['wso2.deployment.cmdArgs', 'outside the model: arguments other than the heartbeat settings'],
  ['wso2.deployment.nodeSelector', 'outside the model: the nodes have no labels; every node of the pools can take the pod'],
  ['wso2.deployment.image.pullPolicy', 'outside the model: a pull happens when the node does not have the image (imagePrePulled, startup.imagePull)'],
  ['wso2.deployment.image', 'outside the model: an empty or unused image setting (the image is the registry, repository and tag, or digest)'],
  ['wso2.deployment', 'outside the model: a chart value with no scenario field'],
];

/** Maps one Helm values file onto the chart's workload, the front and the coordination section. */
export function mapHelmValues(draft: Draft, v: View): void {
  const file = v.src.file;
  const W = HELM_WORKLOAD;
  draft.workload({ key: W, name: 'mi', from: 'helm' });
  const chartDefault = (what: string) => `not in ${file}: the chart's default${what === '' ? '' : ` ${what}`}`;
  const given = (path: Seg[]) => v.has(path) && v.get(path) !== null && v.get(path) !== '';
  /** A value from the file, converted, or the chart's default when it is left out or cannot be read. */
  const field = (path: Seg[], to: Seg[], convert: (raw: unknown) => unknown, fallback: unknown, why = chartDefault(''), workload: string | null = W, note?: string) => {
    if (given(path)) {
      v.mapped(path);
      const value = convert(v.get(path));
      if (value !== undefined) {
        draft.set(workload, to, value, v.origin(path), note);
        return value;
      }
      draft.ignored(v.origin(path), `${String(v.get(path))}: not a value the model takes; the chart's default stands`);
    }
    draft.def(workload, to, fallback, why);
    return fallback;
  };
  const seconds = (raw: unknown) => {
    const n = wholeNumber(raw);
    return n === undefined || n < 0 ? undefined : formatDuration(n);
  };
  const count = (raw: unknown) => {
    const n = wholeNumber(raw);
    return n === undefined || n < 0 ? undefined : n;
  };
  const countOrPercent = (raw: unknown) => count(raw) ?? (typeof raw === 'string' && /^\d{1,3}%$/.test(raw) ? raw : undefined);

  const replicas = field([...D, 'replicas'], ['replicas'], count, CHART.replicas) as number;

  // Strategy: the template renders RollingUpdate with the two values.
  draft.def(W, ['strategy', 'type'], 'RollingUpdate', 'the chart always renders a RollingUpdate strategy');
  if (v.has([...D, 'strategy', 'type'])) v.ignore([...D, 'strategy', 'type'], 'the chart always renders type RollingUpdate');
  field([...D, 'strategy', 'rollingUpdate', 'maxSurge'], ['strategy', 'maxSurge'], countOrPercent, CHART.maxSurge);
  field([...D, 'strategy', 'rollingUpdate', 'maxUnavailable'], ['strategy', 'maxUnavailable'], countOrPercent, CHART.maxUnavailable);

  // Probes: the fields the template renders come from the values; the rest are Kubernetes' defaults.
  for (const probe of ['startup', 'readiness', 'liveness']) {
    const at: Seg[] = [...D, 'probes', probe];
    for (const [key, to, k8s] of PROBE_FIELDS) {
      const toSeconds = to === 'initialDelay' || to === 'period';
      const conv = (raw: unknown) => (toSeconds ? seconds(raw) : count(raw));
      const chart = CHART.probes[probe]![key];
      if (RENDERED[probe]!.includes(key)) {
        field([...at, key], ['probes', probe, to], conv, toSeconds ? formatDuration(chart!) : chart);
      } else {
        if (v.has([...at, key])) v.ignore([...at, key], `the chart's template does not render ${probe} ${key} into the pod: Kubernetes' default ${k8s} applies`);
        draft.def(W, ['probes', probe, to], toSeconds ? formatDuration(k8s) : k8s, `the chart does not render ${probe} ${key}: Kubernetes' default`);
      }
    }
    if (v.has(at)) v.ignoreRules([[at.join('.'), `the chart's template does not render it into the pod`]]);
  }

  // Resources.
  const cpu = (raw: unknown) => {
    const n = parseCpu(raw);
    return n === undefined || n <= 0 ? undefined : formatCpu(n);
  };
  const memory = (raw: unknown) => {
    const n = parseMemory(raw);
    return n === undefined ? undefined : formatMemory(n);
  };
  field([...D, 'resources', 'requests', 'cpu'], ['resources', 'requests', 'cpu'], cpu, CHART.requests.cpu);
  field([...D, 'resources', 'requests', 'memory'], ['resources', 'requests', 'memory'], memory, CHART.requests.memory);
  field([...D, 'resources', 'limits', 'cpu'], ['resources', 'limits', 'cpu'], cpu, CHART.limitsCpu);

  // The template's fixed parts.
  draft.def(W, ['terminationGracePeriod'], '30s', "the chart sets no terminationGracePeriodSeconds: Kubernetes' default");
  draft.def(W, ['scheduling', 'podAntiAffinity', 'preferred'], 'zone', "the chart's Deployment always prefers pods in different zones (topology.kubernetes.io/zone)");
  draft.def(W, ['scheduling', 'podAntiAffinity', 'weight'], 100, "the chart's anti-affinity weight");
  draft.def(W, ['scheduling', 'podAntiAffinity', 'required'], 'none', 'the chart sets no required anti-affinity');
  draft.def(W, ['scheduling', 'topologySpread'], [], 'the chart sets no topologySpreadConstraints');

  // PodDisruptionBudget.
  const pdb: Seg[] = [...D, 'pdb'];
  if (v.get([...pdb, 'enabled']) === true) {
    v.mapped([...pdb, 'enabled']);
    const at: Seg[] = [...pdb, 'minAvailable'];
    if (given(at)) {
      v.mapped(at);
      const m = minAvailableOf('minAvailable', v.get(at), replicas);
      if (m === undefined) draft.ignored(v.origin(at), `${String(v.get(at))}: not a count or a percentage`);
      else draft.set(W, ['podDisruptionBudget', 'minAvailable'], m.value, v.origin(at, [...pdb, 'enabled']), m.note);
    } else draft.set(W, ['podDisruptionBudget', 'minAvailable'], 1, v.origin([...pdb, 'enabled']), "minAvailable is the chart's default 1");
  } else {
    if (v.has([...pdb, 'enabled'])) {
      v.mapped([...pdb, 'enabled']);
      draft.set(W, ['podDisruptionBudget'], 'none', v.origin([...pdb, 'enabled']), 'pdb.enabled is not true: no PodDisruptionBudget');
    } else draft.def(W, ['podDisruptionBudget'], 'none', chartDefault('(pdb.enabled false)'));
    if (v.has(pdb)) v.ignoreRules([[pdb.join('.'), 'pdb.enabled is not true: the chart renders no PodDisruptionBudget']]);
  }

  // HorizontalPodAutoscaler (CPU and memory in the chart; the model scales on CPU).
  const hpa: Seg[] = [...D, 'hpa'];
  if (v.get([...hpa, 'enabled']) === true) {
    v.mapped([...hpa, 'enabled']);
    field([...hpa, 'minReplicas'], ['autoscaling', 'minReplicas'], (raw) => (count(raw) ?? 0) >= 1 ? count(raw) : undefined, 1, chartDefault('1'));
    field([...hpa, 'maxReplicas'], ['autoscaling', 'maxReplicas'], (raw) => (count(raw) ?? 0) >= 1 ? count(raw) : undefined, 2, chartDefault('2'));
    field([...hpa, 'cpuUtilizationPercentage'], ['autoscaling', 'targetCPUUtilization'], (raw) => (count(raw) ?? 0) >= 1 ? count(raw) : undefined, 75, chartDefault('75%'));
    v.ignoreRules([[[...hpa, 'memoryUtilizationPercentage'].join('.'), "outside the model: the chart's memory target (memory use is not simulated; Kubernetes scales to the larger recommendation)"]]);
  } else {
    if (v.has([...hpa, 'enabled'])) {
      v.mapped([...hpa, 'enabled']);
      draft.set(W, ['autoscaling'], 'none', v.origin([...hpa, 'enabled']), 'hpa.enabled is not true: a fixed replica count');
    } else draft.def(W, ['autoscaling'], 'none', chartDefault('(hpa.enabled false)'));
    if (v.has(hpa)) v.ignoreRules([[hpa.join('.'), 'hpa.enabled is not true: the chart renders no autoscaler']]);
  }

  // Image and MI version.
  const img: Seg[] = [...D, 'image'];
  const repo = v.get([...img, 'repository']);
  if (typeof repo === 'string' && repo !== '') {
    const registry = v.get(['containerRegistry']);
    const digest = v.get([...img, 'digest']);
    const tag = v.get([...img, 'tag']);
    const paths: Seg[][] = [[...img, 'repository']];
    let image = typeof registry === 'string' && registry !== '' ? `${registry}/${repo}` : repo;
    if (typeof registry === 'string' && registry !== '') paths.push(['containerRegistry']);
    if (typeof digest === 'string' && digest !== '') {
      image += `@${digest}`;
      paths.push([...img, 'digest']);
      if (given([...img, 'tag'])) v.ignore([...img, 'tag'], 'the chart uses the digest and leaves the tag out');
    } else if (tag !== undefined && tag !== null && tag !== '') {
      image += `:${String(tag)}`;
      paths.push([...img, 'tag']);
    }
    v.mapped(...paths);
    draft.set(W, ['image'], image, v.origin(...paths));
  } else {
    if (v.has([...img, 'repository'])) v.ignore([...img, 'repository'], 'empty: the file names no image');
    draft.def(W, ['image'], 'wso2/wso2mi:4.4.0', `no image repository in ${file}: the scenario's default`);
  }
  const versionFrom: Array<[Seg[], string]> = [];
  const tag = v.get([...img, 'tag']);
  if (given([...img, 'tag']) && !given([...img, 'digest'])) versionFrom.push([[...img, 'tag'], String(tag)]);
  if (given([...D, 'BuildVersion'])) versionFrom.push([[...D, 'BuildVersion'], String(v.get([...D, 'BuildVersion']))]);
  let versionSet = false;
  for (const [path, text] of versionFrom) {
    const mi = miVersionOf(text);
    const isTag = path[path.length - 1] === 'tag';
    if (versionSet) {
      v.ignore(path, 'the image tag gives the MI version');
      continue;
    }
    if (mi.version === undefined) {
      const why = `${text} is not an MI version the model knows (${mi.known}): coordination.miVersion is not taken from it`;
      // The tag is mapped (into the image) already: say it in a note; BuildVersion is ignored.
      if (isTag) draft.note(v.src.fileIndex, v.line(path), `${file}:${v.line(path)} ${v.text(path)}: ${why}`);
      else v.ignore(path, why);
      continue;
    }
    versionSet = true;
    v.mapped(path);
    draft.set(null, ['coordination', 'miVersion'], mi.version, v.origin(path), `MI ${text}`);
  }

  // Heartbeat settings: environment variables (JAVA_OPTS and the settings' own names) and arguments.
  const jvm: JvmSource[] = [];
  const envs = v.get([...D, 'envs']);
  if (envs !== null && typeof envs === 'object' && !Array.isArray(envs)) {
    for (const [name, value] of Object.entries(envs as Record<string, unknown>)) {
      if (value === null || typeof value === 'object') continue;
      const path = [...D, 'envs', name];
      jvm.push(name === 'JAVA_OPTS' || name === 'JAVA_TOOL_OPTIONS' ? { path, kind: 'options', text: String(value) } : { path, kind: 'env', name, text: String(value) });
    }
  }
  const args = v.get([...D, 'cmdArgs']);
  if (Array.isArray(args)) args.forEach((a, i) => typeof a === 'string' && jvm.push({ path: [...D, 'cmdArgs', i], kind: 'options', text: a }));
  mapHeartbeats(draft, v, jvm, 'JAVA_OPTS');

  // Coordination: the chart renders a WSO2_COORDINATION_DB datasource from wso2.config.coordination.
  const coord: Seg[] = ['wso2', 'config', 'coordination'];
  const url = v.get([...coord, 'rdbms', 'url']);
  if (typeof url === 'string' && url.trim() !== '') {
    v.mapped([...coord, 'rdbms', 'url']);
    draft.set(W, ['coordination'], true, v.origin([...coord, 'rdbms', 'url']), `a coordination database: the chart renders the ${COORDINATION_DB} datasource`);
  } else if (v.has(coord)) {
    if (v.has([...coord, 'rdbms', 'url'])) v.mapped([...coord, 'rdbms', 'url']);
    draft.def(W, ['coordination'], false, `wso2.config.coordination.rdbms.url is empty in ${file}: no coordination database`);
  } else draft.def(W, ['coordination'], false, `no wso2.config.coordination in ${file}: no coordination database`);
  const nodeId = v.get([...coord, 'nodeId']);
  if (v.has([...coord, 'nodeId'])) {
    v.ignore(
      [...coord, 'nodeId'],
      typeof nodeId === 'string' && nodeId !== '' && !/\$(env|sys)\{/.test(nodeId)
        ? 'a fixed node id would be shared by every replica, which then fail MI’s duplicate-node check; the model gives each pod its own (the pod name)'
        : 'node ids are the pod names in the model, as $env{POD_NAME} makes them',
    );
  }

  // The HTTP worker pool.
  mapWorkerPool(draft, v, W, ['wso2', 'config', 'transport', 'http', 'nonBlocking'], 'coreWorkerPoolSize', 'maxWorkerPoolSize', 'workerPoolQueueLength');

  // The front: Gateway API routes, an Ingress, or neither (the chart's Service is ClusterIP).
  const gateway = v.get(['wso2', 'gatewayAPI', 'enabled']) === true;
  const ingress = v.has(['wso2', 'ingress', 'enabled']) ? v.get(['wso2', 'ingress', 'enabled']) === true : true;
  if (gateway) {
    v.mapped(['wso2', 'gatewayAPI', 'enabled']);
    draft.set(null, ['loadBalancer', 'type'], 'ingress', v.origin(['wso2', 'gatewayAPI', 'enabled']), 'Gateway API: an in-cluster proxy such as Envoy Gateway, modeled as the ingress front');
    if (v.has(['wso2', 'ingress', 'enabled'])) v.ignore(['wso2', 'ingress', 'enabled'], 'the chart renders no Ingress when gatewayAPI is enabled');
  } else if (ingress) {
    if (v.has(['wso2', 'ingress', 'enabled'])) {
      v.mapped(['wso2', 'ingress', 'enabled']);
      draft.set(null, ['loadBalancer', 'type'], 'ingress', v.origin(['wso2', 'ingress', 'enabled']), 'the chart renders an Ingress (ingress-nginx)');
    } else draft.def(null, ['loadBalancer', 'type'], 'ingress', chartDefault('(ingress.enabled true)'));
    mapNginxAnnotations(draft, v, ['wso2', 'ingress', 'annotations']);
  } else {
    v.mapped(['wso2', 'ingress', 'enabled']);
    draft.def(null, ['loadBalancer', 'type'], 'ingress', "no Ingress or Gateway (the chart's Service is ClusterIP): the scenario's default front");
  }
  if (v.has(['wso2', 'gatewayAPI', 'enabled']) && !gateway) v.ignore(['wso2', 'gatewayAPI', 'enabled'], 'Gateway API is off');

  v.ignoreRules(RULES);
}
