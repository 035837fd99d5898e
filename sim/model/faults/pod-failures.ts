import { NO_EVENT } from '../../engine/simulation.js';
import type { Cluster } from '../kube/cluster.js';
import { crashContainer, hangContainer } from '../kube/container-failures.js';
import type { Pod } from '../kube/types.js';

/**
 * Stochastic container failures: when a pod's server has started, it draws its running time to
 * the next crash (stream pod/<name>/crash) and to the next hang (pod/<name>/hang); the earlier
 * one is scheduled. Any stop of the container cancels the clock; the next start draws anew.
 */
export function armPodFailures(c: Cluster, pod: Pod): void {
  const d = pod.workload.dist;
  const crashS = d.crash ? d.crash.sample(pod.crashRng) : Infinity;
  const hangS = d.hang ? d.hang.sample(pod.hangRng) : Infinity;
  c.sim.cancel(pod.faultTimer);
  pod.faultTimer = NO_EVENT;
  if (crashS === Infinity && hangS === Infinity) return;
  pod.faultTimer = crashS <= hangS ? c.sim.schedule(crashS, onCrash, pod.ref) : c.sim.schedule(hangS, onHang, pod.ref);
}

function onCrash({ c, pod }: { c: Cluster; pod: Pod }): void {
  pod.faultTimer = NO_EVENT;
  if (c.out.fault.active) c.out.fault.emit({ type: 'pod-crash', target: pod.name });
  crashContainer(c, pod);
}

function onHang({ c, pod }: { c: Cluster; pod: Pod }): void {
  pod.faultTimer = NO_EVENT;
  if (c.out.fault.active) c.out.fault.emit({ type: 'pod-hang', target: pod.name });
  hangContainer(c, pod);
}
