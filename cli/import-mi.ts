// MI's own settings for `deploysim import`: deployment.toml (the coordination datasource,
// [cluster_config], [task_handling], [[task_resolver]], the HTTP worker pool) and the heartbeat
// system properties MI reads from -D options or environment variables.
import { scenarioSpec } from '../sim/scenario/fields.js';
import type { Spec } from '../sim/scenario/spec.js';
import { formatDuration } from '../sim/scenario/units.js';
import { type Draft, type Origin, type Seg, type View } from './import-source.js';

/** Tables MI's deployment.toml has; a TOML file with none of them is not one. */
export const MI_TABLES = new Set([
  'server',
  'super_admin',
  'user_store',
  'keystore',
  'truststore',
  'datasource',
  'cluster_config',
  'task_handling',
  'task_resolver',
  'transport',
  'mediation',
  'internal_apis',
  'management_api',
  'secrets',
  'secure_vault',
  'dashboard_config',
  'synapse_properties',
  'service_catalog',
  'opentelemetry',
  'analytics',
  'message_formatters',
  'message_builders',
  'custom_message_formatters',
  'custom_message_builders',
  'synapse_handlers',
  'blocking',
  'system_parameter',
  'config_mapper',
]);

/** What each MI table is, for the ignored lines of the tables the model does not read. */
const TABLE_REASONS: Record<string, string> = {
  server: 'outside the model: host name, port offset and server options',
  super_admin: 'outside the model: the admin account',
  user_store: 'outside the model: the user store',
  internal_apis: 'outside the model: the management API user store',
  management_api: 'outside the model: the management API',
  keystore: 'outside the model: keystores',
  truststore: 'outside the model: the truststore',
  secrets: 'outside the model: secrets',
  secure_vault: 'outside the model: the secure vault',
  transport: 'outside the model: transport settings other than the HTTP worker pool',
  mediation: 'outside the model: mediation engine tuning',
  dashboard_config: 'outside the model: the dashboard (ICP) connection',
  synapse_properties: 'outside the model: Synapse properties',
  service_catalog: 'outside the model: the API Manager service catalog',
  opentelemetry: 'outside the model: tracing',
  analytics: 'outside the model: analytics publishing',
  message_formatters: 'outside the model: message formatters',
  message_builders: 'outside the model: message builders',
  custom_message_formatters: 'outside the model: message formatters',
  custom_message_builders: 'outside the model: message builders',
  synapse_handlers: 'outside the model: Synapse handlers',
  blocking: 'outside the model: blocking-transport formatters and builders',
};

export const COORDINATION_DB = 'WSO2_COORDINATION_DB';

/** The resolver classes MI ships, by simple class name. */
const RESOLVERS: Record<string, string> = {
  ActivePassiveResolver: 'active-passive',
  RoundRobinResolver: 'round-robin',
  TaskNodeResolver: 'task-node',
};

/** The heartbeat settings MI reads as -D system properties (first) or environment variables. */
export const HEARTBEAT_PROPS: Record<string, { field: string; ms: boolean; min: number }> = {
  heartBeatInterval: { field: 'heartbeatInterval', ms: true, min: 1 },
  heartbeatMaxRetry: { field: 'heartbeatMaxRetry', ms: false, min: 1 },
  scheduledPeriod: { field: 'memberEventPollPeriod', ms: true, min: 1 },
};

/** A whole number from a TOML or YAML value (`3` or `"3"`), else undefined. */
export function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

/** Maps an MI deployment.toml (or the one a ConfigMap holds) onto every workload and the coordination section. */
export function mapDeploymentToml(draft: Draft, v: View): void {
  const root = (v.get([]) ?? {}) as Record<string, unknown>;
  let coordinated = false;
  const datasources = Array.isArray(root.datasource) ? root.datasource : [];
  datasources.forEach((ds, i) => {
    const d = (ds ?? {}) as Record<string, unknown>;
    if (d.id === COORDINATION_DB) {
      coordinated = true;
      v.mapped(['datasource', i, 'id']);
      draft.set('*', ['coordination'], true, v.origin(['datasource', i, 'id']), 'a WSO2_COORDINATION_DB datasource: the servers join the coordination cluster');
      v.ignore(['datasource', i], "outside the model: the coordination database's address, credentials and pool (the model has one database with a query time: coordination.database)");
    } else {
      v.ignore(['datasource', i], `outside the model: datasource ${typeof d.id === 'string' ? d.id : i} (only ${COORDINATION_DB} changes what the servers do)`);
    }
  });
  const cluster = root.cluster_config as Record<string, unknown> | undefined;
  if (cluster && typeof cluster === 'object') {
    for (const [key, value] of Object.entries(cluster)) {
      if (key === 'node_id') {
        const fromEnv = typeof value === 'string' && /\$(env|sys)\{/.test(value);
        v.ignore(
          ['cluster_config', key],
          fromEnv
            ? 'node ids are the pod names in the model, as $env{POD_NAME} makes them'
            : 'a fixed node id would be shared by every replica, which then fail MI’s duplicate-node check; the model gives each pod its own (the pod name)',
        );
      } else if (key in HEARTBEAT_PROPS) {
        v.ignore(['cluster_config', key], `MI reads ${key} only as a -D system property or an environment variable, not from deployment.toml`);
      }
    }
    v.ignoreRules([['cluster_config', 'outside the model: a [cluster_config] setting MI’s coordination does not read']]);
  }
  const tasks = root.task_handling as Record<string, unknown> | undefined;
  if (tasks && typeof tasks === 'object') {
    if ('resolver_class' in tasks) {
      const cls = String(tasks.resolver_class);
      const type = RESOLVERS[cls.split('.').pop() ?? ''];
      if (type === undefined) draft.ignored(v.origin(['task_handling', 'resolver_class']), `a resolver the model does not know (${cls}): it knows ActivePassiveResolver, RoundRobinResolver and TaskNodeResolver`);
      else draft.set(null, ['coordination', 'resolver', 'type'], type, v.origin(['task_handling', 'resolver_class']));
      v.mapped(['task_handling', 'resolver_class']);
    }
    if ('resolving_period' in tasks) {
      const n = wholeNumber(tasks.resolving_period);
      if (n === undefined) draft.ignored(v.origin(['task_handling', 'resolving_period']), 'not a whole number of seconds');
      else draft.set(null, ['coordination', 'resolvingPeriod'], formatDuration(n), v.origin(['task_handling', 'resolving_period']));
      v.mapped(['task_handling', 'resolving_period']);
    }
    if ('resolving_frequency' in tasks) {
      const n = wholeNumber(tasks.resolving_frequency);
      if (n === undefined) draft.ignored(v.origin(['task_handling', 'resolving_frequency']), 'not a whole number');
      else draft.set(null, ['coordination', 'resolvingFrequency'], n, v.origin(['task_handling', 'resolving_frequency']));
      v.mapped(['task_handling', 'resolving_frequency']);
    }
    v.ignoreRules([['task_handling', 'outside the model: a [task_handling] setting other than the resolver and its period']]);
  }
  const resolvers = Array.isArray(root.task_resolver) ? root.task_resolver : [];
  resolvers.forEach((r, i) => {
    const props = (r ?? {}) as Record<string, unknown>;
    if ('task_server_count' in props) {
      const n = wholeNumber(props.task_server_count);
      const at = ['task_resolver', i, 'task_server_count'];
      if (n === undefined) draft.ignored(v.origin(at), 'not a whole number (MI then uses 1)');
      else draft.set(null, ['coordination', 'resolver', 'taskServerCount'], n, v.origin(at), 'read by the RoundRobinResolver only');
      v.mapped(at);
    }
    if ('task_nodes' in props) {
      const at = ['task_resolver', i, 'task_nodes'];
      const nodes = String(props.task_nodes)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      draft.set(null, ['coordination', 'resolver', 'taskNodes'], nodes, v.origin(at), 'read by the TaskNodeResolver only; node ids in the model are the pod names <workload>-1, <workload>-2, ...');
      v.mapped(at);
    }
  });
  if (resolvers.length > 0) v.ignoreRules([['task_resolver', 'outside the model: a resolver property other than task_server_count and task_nodes']]);
  mapWorkerPool(draft, v, '*', ['transport', 'http'], 'core_worker_pool_size', 'max_worker_pool_size', 'worker_pool_queue_length');
  if (!coordinated && (tasks !== undefined || cluster !== undefined || resolvers.length > 0)) {
    draft.note(v.src.fileIndex, v.line([]), `${v.src.file}: ${v.src.prefix}no ${COORDINATION_DB} datasource here: its [task_handling] and [cluster_config] settings matter only to workloads with coordination`);
  }
  for (const table of Object.keys(root)) {
    const reason = TABLE_REASONS[table];
    if (reason !== undefined) v.ignoreRules([[table, reason]]);
  }
}

/**
 * The HTTP worker pool (`[transport.http]` or the chart's wso2.config.transport.http.nonBlocking):
 * MI's pass-through worker pool is a thread pool with a core size, a maximum and a queue (-1:
 * unbounded). With an unbounded queue it never grows past its core size.
 */
export function mapWorkerPool(draft: Draft, v: View, workload: string, at: Seg[], coreKey: string, maxKey: string, queueKey: string): void {
  const table = v.get(at);
  if (table === null || typeof table !== 'object') return;
  const t = table as Record<string, unknown>;
  const core = wholeNumber(t[coreKey]);
  const max = wholeNumber(t[maxKey]);
  const queue = wholeNumber(t[queueKey]);
  const bounded = queue !== undefined && queue >= 0;
  if (queueKey in t) {
    v.mapped([...at, queueKey]);
    if (queue === undefined) draft.ignored(v.origin([...at, queueKey]), 'not a whole number');
    else draft.set(workload, ['serving', 'queue'], bounded ? queue : 'none', v.origin([...at, queueKey]), bounded ? undefined : 'a negative length is an unbounded queue');
  }
  if (core !== undefined && (!bounded || max === undefined)) {
    v.mapped([...at, coreKey]);
    draft.set(workload, ['serving', 'concurrency'], core, v.origin([...at, coreKey]), 'the core pool size: with an unbounded queue the pool never grows past it');
    if (max !== undefined) {
      v.ignore([...at, maxKey], 'with an unbounded queue the pool never grows past its core size');
    }
  } else if (max !== undefined && bounded) {
    v.mapped([...at, maxKey]);
    draft.set(workload, ['serving', 'concurrency'], Math.max(max, core ?? 0), v.origin([...at, maxKey]), 'the maximum pool size: with a bounded queue the pool grows to it when the queue is full (the model runs that many at once from the start)');
    if (core !== undefined) v.ignore([...at, coreKey], 'with a bounded queue the model takes the maximum pool size');
  }
}

/** One place that may hold heartbeat settings: a JVM options text, one environment variable, or one argument. */
export interface JvmSource {
  /** Path of the value (the options text, the variable's value, the argument). */
  path: Seg[];
  /** Other paths read with it (the variable's name). */
  also?: Seg[];
  kind: 'options' | 'env';
  /** For env: the variable name. */
  name?: string;
  text: string;
}

interface Candidate {
  prop: string;
  raw: string;
  src: JvmSource;
  sysProp: boolean;
  order: number;
}

/** `-Dname=value` settings in an options text, in order. */
export function systemProperties(text: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const re = /(?:^|\s)["']?-D([A-Za-z0-9_.-]+)=("[^"]*"|'[^']*'|[^\s"']*)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ name: m[1]!, value: m[2]!.replace(/^["']|["']$/g, '') });
  return out;
}

/**
 * Maps the heartbeat settings of one container onto the coordination section: a -D system
 * property wins over an environment variable of the same name (MI reads the property first), and
 * of two -D settings the later one (the JVM keeps the last). Options texts without heartbeat
 * settings are left to the caller's rules.
 */
export function mapHeartbeats(draft: Draft, v: View, sources: JvmSource[], what: string): void {
  const candidates: Candidate[] = [];
  let order = 0;
  for (const src of sources) {
    if (src.kind === 'env') {
      if (src.name !== undefined && src.name in HEARTBEAT_PROPS) candidates.push({ prop: src.name, raw: src.text, src, sysProp: false, order: order++ });
    } else {
      for (const p of systemProperties(src.text)) if (p.name in HEARTBEAT_PROPS) candidates.push({ prop: p.name, raw: p.value, src, sysProp: true, order: order++ });
    }
  }
  const used = new Set<JvmSource>();
  for (const prop of Object.keys(HEARTBEAT_PROPS)) {
    const all = candidates.filter((c) => c.prop === prop);
    if (all.length === 0) continue;
    const winner = [...all].sort((a, b) => Number(b.sysProp) - Number(a.sysProp) || b.order - a.order)[0]!;
    const spec = HEARTBEAT_PROPS[prop]!;
    for (const c of all) {
      used.add(c.src);
      const origin = originOf(v, c.src, prop);
      if (c !== winner) {
        draft.ignored(origin, winner.sysProp && !c.sysProp ? `the -D ${prop} in ${what} wins: MI reads the system property before the environment variable` : `a later -D ${prop} wins`);
        continue;
      }
      const n = wholeNumber(c.raw);
      if (n === undefined) draft.ignored(origin, `${prop}=${c.raw} is not a whole number: MI falls back to its default`);
      else if (n < spec.min) draft.ignored(origin, `${prop}=${n}: MI needs at least ${spec.min}`);
      else draft.set(null, ['coordination', spec.field], spec.ms ? formatDuration(n / 1000) : n, origin, spec.ms ? `${n} ms` : undefined);
    }
  }
  for (const src of used) {
    v.mapped(src.path);
    if (src.also) v.mapped(src.also);
    if (src.kind === 'options') {
      const others = src.text
        .split(/\s+/)
        .filter((t) => t !== '' && !Object.keys(HEARTBEAT_PROPS).some((p) => t.replace(/^["']/, '').startsWith(`-D${p}=`)));
      if (others.length > 0) draft.note(v.src.fileIndex, v.line(src.path), `${v.src.file}:${v.line(src.path)} ${v.text(src.path)}: the other options in it (${others.join(' ')}) are outside the model`);
    }
  }
}

function originOf(v: View, src: JvmSource, prop: string): Origin {
  const o = src.also ? v.origin(src.also, src.path) : v.origin(src.path);
  return src.kind === 'options' ? { ...o, key: `${o.key} (-D${prop})` } : o;
}

/** The spec of a scenario field by path (list indexes step into the items), or undefined. */
export function specAt(path: readonly Seg[]): Spec | undefined {
  let spec: Spec | undefined = scenarioSpec;
  for (const seg of path) {
    if (spec === undefined) return undefined;
    if (spec.kind === 'object') spec = typeof seg === 'string' ? spec.fields[seg] : undefined;
    else if (spec.kind === 'array') spec = typeof seg === 'number' ? spec.items : undefined;
    else return undefined;
  }
  return spec;
}

/**
 * The MI version of an image tag or build version (`4.4.0`, `4.5.0-alpine` -> 4.4, 4.5) when the
 * model knows it; `known` lists the versions it knows.
 */
export function miVersionOf(tag: string): { version?: string; known: string } {
  const spec = specAt(['coordination', 'miVersion']);
  const known = spec?.kind === 'leaf' ? spec.type.expected.replace(/^one of /, '') : '';
  const m = /^v?(\d+)\.(\d+)(?:[.\-+_]|$)/.exec(tag.trim());
  if (m === null || spec?.kind !== 'leaf') return { known };
  const text = `${Number(m[1])}.${Number(m[2])}`;
  return spec.type.parse(text) === undefined ? { known } : { version: text, known };
}
