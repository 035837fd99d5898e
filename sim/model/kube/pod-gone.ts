import { NO_EVENT } from '../../engine/simulation.js';
import { setApiReady, setPhase, type Cluster } from './cluster.js';
import { reconcile } from './deployment.js';
import { clusterChanged } from './scheduler.js';
import { POD_STREAMS, type Pod } from './types.js';

/** The pod object is removed: its node's resources are freed and waiting pods may now fit. */
export function podGone(c: Cluster, pod: Pod): void {
  for (const timer of [pod.lifecycleTimer, pod.faultTimer, pod.probeTimer, pod.scheduleTimer]) c.sim.cancel(timer);
  pod.lifecycleTimer = pod.faultTimer = pod.probeTimer = pod.scheduleTimer = NO_EVENT;
  c.scheduler.unschedulable.delete(pod);
  const node = pod.node;
  if (node !== null) {
    node.allocatedCpu -= pod.workload.config.resources.requests.cpu;
    node.allocatedMemory -= pod.workload.config.resources.requests.memory;
    node.pods.splice(node.pods.indexOf(pod), 1);
  }
  const list = pod.workload.pods;
  list.splice(list.indexOf(pod), 1);
  setApiReady(c, pod, false);
  setPhase(c, pod, 'Gone');
  c.traffic?.podGone(pod);
  for (const purpose of POD_STREAMS) c.streams.release(`pod/${pod.name}/${purpose}`);
  if (node !== null) clusterChanged(c);
  // An old revision's pod is gone: Recreate may start the new pods, and a finished rollout hands
  // back to plain replica maintenance (which removes any surplus).
  if (pod.revision !== pod.workload.revision) reconcile(c, pod.workload);
}
