import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatScenarioError, loadScenarioText, type LoadResult, type OverrideInput } from '../../sim/scenario/index.js';

/** The repository root (two levels above this file). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every built-in scenario: [file name, text]. */
export const BUILTINS: Array<[string, string]> = readdirSync(`${ROOT}scenarios`)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => [f, readFileSync(`${ROOT}scenarios/${f}`, 'utf8')]);

/** Loads text and returns the result with every error formatted. */
export function load(text: string, file = 's.yaml', overrides: readonly OverrideInput[] = []): LoadResult & { messages: string[] } {
  const r = loadScenarioText(text, file, overrides);
  return { ...r, messages: r.errors.map(formatScenarioError) };
}

/** A minimal valid scenario. */
export const MINIMAL = 'workloads: [{name: mi}]\n';

/**
 * A valid scenario that writes most sections explicitly (faults, explicit distributions, a topology
 * spread constraint), so that a single --set can break any of those fields in place.
 */
export const RICH = `name: rich
description: a scenario that writes most fields
horizon: 30d
warmup: 10m
seed: 7
replications: 5
limits:
  maxEventsPerReplication: 1000000
kubernetes:
  nodeMonitorGracePeriod: 40s
  tolerationSeconds: 300s
  nodeEvictionRate: 0.1
  schedulingLatency: 500ms
  podInitialBackoff: 1s
  podMaxBackoff: 10s
  kubelet:
    exitDetection: {dist: uniform, min: 0s, max: 1s}
    crashLoopBackOff: {initial: 10s, max: 5m, resetAfter: 10m}
cluster:
  nodePools:
    - name: worker
      count: 3
      cpu: "4"
      memory: 16Gi
      zones: [zone-a, zone-b, zone-c]
      failures:
        crash:
          timeToFailure: {dist: exponential, mean: 16000h}
        repairTime: {dist: lognormal, median: 1h, p95: 8h}
workloads:
  - name: mi
    replicas: 3
    resources: {cpu: 500m, memory: 512Mi}
    startup:
      imagePull: {dist: uniform, min: 1s, max: 3s}
      serverStart: {dist: lognormal, median: 5s, p95: 9s}
      artifacts: 2
      artifactDeploy: {dist: gamma, shape: 2, scale: 1s}
      shutdown: {dist: weibull, shape: 1.5, scale: 3s}
    probes:
      startup: {initialDelay: 5s, period: 3s, failureThreshold: 40}
      readiness: {initialDelay: 60s, period: 1s, failureThreshold: 3}
      liveness: {period: 10s}
    terminationGracePeriod: 30s
    scheduling:
      podAntiAffinity: {preferred: zone, weight: 100}
      topologySpread:
        - {topologyKey: zone, maxSkew: 1, whenUnsatisfiable: DoNotSchedule}
    podDisruptionBudget: {minAvailable: 2}
    failures:
      crash: {timeToFailure: {dist: exponential, mean: 14d}}
  - name: task
    replicas: 1
    servesTraffic: false
faults:
  - {type: node-crash, at: 2h, node: worker-1, repairAfter: 30m}
  - {type: node-drain, at: 3h, nodeOf: mi, podIndex: 1, uncordonAfter: 1h}
  - {type: pod-crash, at: 4h, workload: task}
  - {type: pod-hang, at: 5h, workload: mi, podIndex: 2}
  - {type: scale, at: 6h, workload: mi, replicas: 5}
`;
