import { makeDistribution } from '../engine/distributions.js';
import { podCapacityRps, podCoreCap } from '../model/traffic/cpu.js';
import { makeRate } from '../model/traffic/rates.js';
import type { Scenario } from '../scenario/types.js';

/** What a workload is offered against the most its pods can serve. */
export interface LoadAgainstCapacity {
  workload: string;
  /** Offered requests/s: the mean over the horizon, and the highest. */
  meanRps: number;
  peakRps: number;
  /** Requests/s its pods serve at most with every replica up (the most replicas it may have), each on a node of its own. */
  capacityRps: number;
  replicas: number;
  /** Cores each pod may use, and the mean CPU time per request (s). */
  coresPerPod: number;
  cpuMeanS: number;
}

/**
 * The offered load of each workload with traffic against the most its pods can serve: every
 * replica up, each alone on the largest node (cpu.ts). A workload whose mean load is above it can
 * never serve its load, whatever happens in the run.
 */
export function loadAgainstCapacity(scenario: Scenario): LoadAgainstCapacity[] {
  const nodeMillicores = Math.max(0, ...scenario.cluster.nodePools.map((p) => (p.count > 0 ? p.cpu : 0)));
  const out: LoadAgainstCapacity[] = [];
  for (const w of scenario.workloads) {
    const t = w.traffic;
    if (t === null) continue;
    const rate = makeRate(t.rate);
    const replicas = Math.max(w.replicas, w.autoscaling?.maxReplicas ?? 0, ...scenario.faults.map((f) => (f.type === 'scale' && f.workload === w.name ? f.replicas : 0)));
    const cores = podCoreCap(w.resources.limits.cpu, nodeMillicores);
    const cpuMeanS = makeDistribution(t.cpuPerRequest).mean;
    const perPod = podCapacityRps(cores, cpuMeanS, makeDistribution(t.backendTime).mean, w.serving.concurrency);
    out.push({
      workload: w.name,
      meanRps: rate.integral(0, scenario.horizon) / scenario.horizon,
      peakRps: rate.max(0, scenario.horizon),
      capacityRps: replicas * perPod,
      replicas,
      coresPerPod: cores,
      cpuMeanS,
    });
  }
  return out;
}
