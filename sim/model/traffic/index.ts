import type { Cluster, TrafficHooks } from '../kube/cluster.js';
import type { Pod } from '../kube/types.js';
import { makeFlows } from './flows.js';
import { FluidMode } from './fluid.js';
import { Front } from './front.js';
import { RequestsMode } from './requests-mode.js';

export type { RequestDone } from './requests-mode.js';
export type { FluidIncrement } from './fluid.js';
export type { OverloadIncrement } from './overload.js';
export { OUTCOME_NAMES, OUTCOME_COUNT } from './outcomes.js';

/** The traffic model of a cluster: its front and its mode. */
export interface Traffic extends TrafficHooks {
  readonly front: Front;
  readonly mode: RequestsMode | FluidMode;
}

/**
 * Sets up traffic for the workloads that have it (none: returns null and costs nothing). Call
 * before the Deployments create their pods, so that every pod is seen from its creation.
 */
export function startTraffic(c: Cluster): Traffic | null {
  const flows = makeFlows(c);
  if (flows.every((f) => f === null)) return null;
  const front = new Front(c, (w) => {
    if (c.out.lbAvailability.active) c.out.lbAvailability.emit(c.workloads[w]!);
  });
  const mode = c.scenario.traffic.mode === 'requests' ? new RequestsMode(c, front, flows) : new FluidMode(c, front, flows);
  front.listener = mode;
  const hasTraffic = (pod: Pod) => flows[pod.workload.index] !== null;
  const traffic: Traffic = {
    front,
    mode,
    podCreated: (pod) => {
      if (hasTraffic(pod)) front.addPod(pod);
    },
    podChanged: (pod, readyChanged) => front.podChanged(pod, readyChanged),
    podGone: (pod) => front.removePod(pod),
    servingCandidates: (w) => front.servingCandidates(w),
    holds: (pod) => mode instanceof RequestsMode && mode.holds(pod),
    flush: () => mode.flush(),
    cpuSeconds: (w) => mode.cpuSeconds(w),
    ingressDown: () => front.controllerDown(),
  };
  c.traffic = traffic;
  mode.start();
  return traffic;
}
