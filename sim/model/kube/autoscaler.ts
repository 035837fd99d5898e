import type { Cluster } from './cluster.js';
import { scaleWorkload } from './deployment.js';
import type { PodPhase, Workload } from './types.js';

/** Phases Kubernetes reports as Pending: no container started yet. */
const K8S_PENDING = new Set<PodPhase>(['Pending', 'Pulling', 'Creating']);

/** One workload's autoscaler state. */
interface Hpa {
  readonly c: Cluster;
  readonly w: Workload;
  /** CPU-seconds read at the last sync, and when. */
  lastCpuSeconds: number;
  lastS: number;
  /** Recommendations of the last stabilisation window: [time, replicas], oldest first. */
  readonly recent: Array<[number, number]>;
}

/**
 * The HorizontalPodAutoscaler on CPU (docs/model.md §6.4; sources.md D "HPA algorithm"), for each
 * workload with `autoscaling`. Every sync period it reads the CPU the workload's pods used since
 * the last sync (from the traffic model), divides it over the Ready pods' CPU requests, and
 * recommends ceil(replicas x utilisation / target), unless the ratio is within the tolerance of 1.
 * Scaling up counts the pods running but not yet Ready as idle (so starting pods do not cause a
 * second overshoot; Pending ones are left out), and is limited to the default policy (double, or 4 more, per period); scaling down
 * takes the highest recommendation of the stabilisation window. The result is kept within
 * minReplicas..maxReplicas and applied through the Deployment, so new pods take the whole
 * start-up path. A Deployment scaled to zero is left alone.
 */
export function startAutoscalers(c: Cluster): void {
  for (const w of c.workloads) {
    if (w.config.autoscaling === null) continue;
    const hpa: Hpa = { c, w, lastCpuSeconds: 0, lastS: 0, recent: [] };
    c.sim.schedule(c.scenario.kubernetes.horizontalPodAutoscaler.syncPeriod, sync, hpa);
  }
}

function sync(hpa: Hpa): void {
  const { c, w } = hpa;
  const k = c.scenario.kubernetes.horizontalPodAutoscaler;
  const a = w.config.autoscaling!;
  const now = c.sim.nowS;
  c.sim.schedule(k.syncPeriod, sync, hpa);
  const used = c.traffic?.cpuSeconds(w.index) ?? 0;
  const cores = now > hpa.lastS ? (used - hpa.lastCpuSeconds) / (now - hpa.lastS) : 0;
  hpa.lastCpuSeconds = used;
  hpa.lastS = now;
  const current = w.desired;
  // A Deployment scaled to zero has its autoscaler switched off (as in Kubernetes).
  if (current === 0) return;
  let recommendation = current;
  const ready = w.servingCount;
  const request = w.config.resources.requests.cpu / 1000;
  if (ready > 0) {
    const target = a.targetCPUUtilization / 100;
    const ratio = cores / (ready * request) / target;
    // Pods whose container runs but that are not Ready yet (no metrics for them yet: idle when
    // scaling up). Pods Kubernetes reports as Pending (not placed, pulling, creating) are ignored.
    let starting = 0;
    for (const p of w.pods) if (!p.deleted && !K8S_PENDING.has(p.phase) && !p.apiReady) starting++;
    if (Math.abs(ratio - 1) > k.tolerance) {
      if (ratio > 1 && starting > 0) {
        // Scaling up: pods that are not Ready yet count as idle; no change if that brings the
        // ratio within the tolerance (or reverses it).
        const counted = ready + starting;
        const again = cores / (counted * request) / target;
        if (again > 1 + k.tolerance) recommendation = Math.ceil(again * counted);
      } else recommendation = Math.ceil(ratio * ready);
    }
  }
  recommendation = Math.min(a.maxReplicas, Math.max(a.minReplicas, recommendation));
  // Scale-down stabilisation: never below the highest recommendation of the window.
  const recent = hpa.recent;
  recent.push([now, recommendation]);
  while (recent.length > 0 && recent[0]![0] < now - k.downscaleStabilization) recent.shift();
  let desired = recommendation;
  if (desired < current) {
    for (const [, r] of recent) desired = Math.max(desired, r);
    desired = Math.min(desired, current);
  } else if (desired > current) {
    // Default scale-up policy: at most double, or 4 pods more, per period (the larger).
    desired = Math.min(desired, Math.max(2 * current, current + 4));
  }
  if (desired !== current) scaleWorkload(c, w, desired);
}
