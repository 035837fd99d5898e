import { NO_EVENT } from '../../engine/simulation.js';
import type { Cluster } from '../kube/cluster.js';
import { crashContainer, hangContainer, pauseContainer } from '../kube/container-failures.js';
import type { Pod } from '../kube/types.js';

/**
 * Stochastic container failures: when a pod's server has started (or resumed after a JVM pause),
 * it draws its running time to the next crash (stream pod/<name>/crash), hang (pod/<name>/hang)
 * and long JVM pause (pod/<name>/jvm-pause); the earliest one is scheduled. Any stop of the
 * container cancels the clock; the next start draws anew.
 */
export function armPodFailures(c: Cluster, pod: Pod): void {
  const d = pod.workload.dist;
  const crashS = d.crash ? d.crash.sample(pod.crashRng) : Infinity;
  const hangS = d.hang ? d.hang.sample(pod.hangRng) : Infinity;
  const pauseS = d.jvmPause ? d.jvmPause.sample(pod.pauseRng) : Infinity;
  c.sim.cancel(pod.faultTimer);
  pod.faultTimer = NO_EVENT;
  const first = Math.min(crashS, hangS, pauseS);
  if (first === Infinity) return;
  const handler = first === crashS ? onCrash : first === hangS ? onHang : onPause;
  pod.faultTimer = c.sim.schedule(first, handler, pod.ref);
}

function onPause({ c, pod }: { c: Cluster; pod: Pod }): void {
  pod.faultTimer = NO_EVENT;
  if (c.out.fault.active) c.out.fault.emit({ type: 'jvm-pause', target: pod.name });
  pauseContainer(c, pod, pod.workload.dist.jvmPauseDuration!.sample(pod.pauseRng));
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
