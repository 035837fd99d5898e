import fc from 'fast-check';

/**
 * [path, bad values] for fields of RICH (helpers.ts); each value alone breaks only that field, so
 * loading RICH with `--set path=value` must give exactly one error, at `path`.
 */
export const BREAKS: Array<[string, fc.Arbitrary<string>]> = [
  ['workloads[0].replicas', fc.oneof(fc.integer({ max: -1 }).map(String), fc.integer({ min: 1001 }).map(String), fc.constantFrom('1.5', 'many', '[1]', '{a: 1}', 'none', 'true'))],
  ['horizon', fc.constantFrom('abc', '-1d', '0s', '0', 'none', '1x', '{}', '[1d]', '5 m', '1e400s')],
  ['warmup', fc.constantFrom('-1m', 'soon', 'none', '[]')],
  ['seed', fc.oneof(fc.integer({ max: -1 }).map(String), fc.constantFrom('x', '1.5', '9007199254740993'))],
  ['replications', fc.constantFrom('0', '-3', '1000001', 'lots')],
  ['limits.maxEventsPerReplication', fc.constantFrom('0', '-1', '1e3x')],
  ['kubernetes.tolerationSeconds', fc.constantFrom('-5s', '-5', 'forever', 'none')],
  ['kubernetes.nodeEvictionRate', fc.constantFrom('0', '-0.1', 'fast')],
  ['kubernetes.nodeMonitorGracePeriod', fc.constantFrom('0s', '0', '-1s')],
  ['kubernetes.schedulingLatency', fc.constantFrom('-1s', 'quick', '[1s]', '{dist: uniform, min: 2s, max: 1s}', '{dist: lognormal, median: 5s, p95: 5s}', '{dist: empirical, values: [1s], weights: [0]}')],
  ['kubernetes.kubelet.exitDetection.max', fc.constantFrom('-1s', 'abc')],
  ['kubernetes.kubelet.crashLoopBackOff.resetAfter', fc.constantFrom('soon', '-1s')],
  ['cluster.nodePools[0].name', fc.constantFrom('Worker', 'worker_1', '-a', '')],
  ['cluster.nodePools[0].count', fc.constantFrom('-1', '1001', '2.5')],
  ['cluster.nodePools[0].cpu', fc.constantFrom('lots', '0', '-1', '2 cores', '500M')],
  ['cluster.nodePools[0].memory', fc.constantFrom('lots', '0Mi', '16GB', '-1Gi')],
  ['cluster.nodePools[0].zones', fc.constantFrom('[Zone A]', 'zone-a', '[a, B]', '[1.5]')],
  ['cluster.nodePools[0].imagePrePulled', fc.constantFrom('yes please', '1', 'none')],
  ['cluster.nodePools[0].failures.repairTime', fc.constantFrom('-1h', 'later', '{dist: uniform, min: 2h, max: 1h}')],
  ['workloads[0].image', fc.constantFrom('[a]', '{a: b}', '~')],
  ['workloads[0].servesTraffic', fc.constantFrom('maybe', '0')],
  ['workloads[0].resources.requests.cpu', fc.constantFrom('lots', '-1m', '1.5 cores')],
  ['workloads[0].resources.requests.memory', fc.constantFrom('lots', '512MB')],
  ['workloads[0].startup.serverStart.p95', fc.constantFrom('abc', '0s', '-1s')],
  ['workloads[0].startup.serverStart.dist', fc.constantFrom('poisson', '1', 'none')],
  ['workloads[0].startup.artifacts', fc.constantFrom('1.5', '-1', '100001')],
  ['workloads[0].probes.readiness.period', fc.constantFrom('0s', '-1s', 'often')],
  ['workloads[0].probes.startup.failureThreshold', fc.constantFrom('0', '-1', 'x')],
  ['workloads[0].probes.liveness.successThreshold', fc.constantFrom('2', '5')],
  ['workloads[0].probes.startup.successThreshold', fc.constantFrom('2', '0')],
  ['workloads[0].terminationGracePeriod', fc.constantFrom('-1s', 'never')],
  ['workloads[0].scheduling.podAntiAffinity.preferred', fc.constantFrom('rack', 'Zone', '1')],
  ['workloads[0].scheduling.podAntiAffinity.weight', fc.constantFrom('0', '101')],
  ['workloads[0].scheduling.topologySpread[0].maxSkew', fc.constantFrom('0', '-1')],
  ['workloads[0].scheduling.topologySpread[0].whenUnsatisfiable', fc.constantFrom('Sometimes', 'none')],
  ['workloads[0].podDisruptionBudget.minAvailable', fc.constantFrom('-1', 'half')],
  ['workloads[0].failures.crash.timeToFailure', fc.constantFrom('-1d', 'x', '[1d]')],
  ['workloads[1].name', fc.constantFrom('Task', 'task_1', '-x')],
  ['faults[0].at', fc.constantFrom('xyz', '-1h', '31d', '30d')],
  ['faults[0].type', fc.constantFrom('explode', '1', 'none')],
  ['faults[0].node', fc.constantFrom('worker-99', 'worker-0', 'mi')],
  ['faults[0].repairAfter', fc.constantFrom('later', '-1h')],
  ['faults[1].nodeOf', fc.constantFrom('ghost', 'Mi')],
  ['faults[1].uncordonAfter', fc.constantFrom('-1h', 'later')],
  ['faults[2].workload', fc.constantFrom('ghost', 'worker-1')],
  ['faults[3].podIndex', fc.constantFrom('-1', '0.5')],
  ['faults[4].replicas', fc.constantFrom('-3', '1001')],
];

/** Valid overrides of other fields, to vary the context of a break. */
export const HARMLESS: Array<[string, fc.Arbitrary<string>]> = [
  ['seed', fc.integer({ min: 0, max: 1e9 }).map(String)],
  ['replications', fc.integer({ min: 1, max: 100 }).map(String)],
  ['description', fc.stringMatching(/^[a-z ]{0,20}$/).map((s) => `'${s}'`)],
  ['workloads[1].replicas', fc.integer({ min: 0, max: 1000 }).map(String)],
  ['workloads[0].terminationGracePeriod', fc.integer({ min: 0, max: 600 }).map((n) => `${n}s`)],
  ['cluster.nodePools[0].imagePrePulled', fc.boolean().map(String)],
  ['kubernetes.nodeEvictionRate', fc.integer({ min: 1, max: 100 }).map((n) => String(n / 10))],
  ['workloads[0].startup.serverStart.median', fc.integer({ min: 1, max: 8 }).map((n) => `${n}s`)],
];


/**
 * Fields other sections refer to: breaking one must give one error and must not also set off the
 * cross-field checks that need it (fuzz.test.ts checks these separately): a node pool's name or
 * count, a workload's name, a fault's nodeOf.
 */
export const SPURIOUS_CROSS_ERRORS = ['cluster.nodePools[0].name', 'cluster.nodePools[0].count', 'workloads[1].name', 'faults[1].nodeOf'];
