import { InvariantError } from '../../engine/errors.js';
import { NO_EVENT } from '../../engine/simulation.js';
import { schedulingBackoff } from './backoff.js';
import { setPhase, type Cluster } from './cluster.js';
import { admitPod } from './kubelet.js';
import { choosePlacement } from './placement.js';
import type { Node, Pod } from './types.js';

/**
 * kube-scheduler: each new pod gets one placement attempt after the scheduling latency. A pod that
 * fits nowhere stays Pending; it is tried again only when the cluster changes (a node becomes
 * schedulable, resources are freed), and never before its backoff (1 s doubling to 10 s) expires.
 * Retrying an unchanged cluster could not succeed, so no retry is simulated without a change.
 */
export function enqueuePod(c: Cluster, pod: Pod): void {
  scheduleAttempt(c, pod, c.sim.nowS);
}

function scheduleAttempt(c: Cluster, pod: Pod, notBeforeS: number): void {
  if (pod.scheduleTimer !== NO_EVENT) return;
  const atS = Math.max(c.sim.nowS, notBeforeS) + c.dist.schedulingLatency.sample(c.scheduler.rng);
  pod.scheduleTimer = c.sim.scheduleAt(atS, onAttempt, pod.ref);
}

function onAttempt({ c, pod }: { c: Cluster; pod: Pod }): void {
  pod.scheduleTimer = NO_EVENT;
  if (pod.deleted || pod.node !== null) return;
  const w = pod.workload.config;
  const index = choosePlacement(
    c.nodes,
    { cpu: w.resources.requests.cpu, memory: w.resources.requests.memory, workloadPods: pod.workload.pods, scheduling: w.scheduling },
    c.scheduler.rng,
  );
  if (index < 0) {
    pod.scheduleAttempts++;
    pod.retryNotBeforeS = c.sim.nowS + schedulingBackoff(pod.scheduleAttempts, c.kube.podInitialBackoff, c.kube.podMaxBackoff);
    c.scheduler.unschedulable.add(pod);
    return;
  }
  bind(c, pod, c.nodes[index]!);
}

function bind(c: Cluster, pod: Pod, node: Node): void {
  const r = pod.workload.config.resources.requests;
  pod.node = node;
  node.pods.push(pod);
  node.allocatedCpu += r.cpu;
  node.allocatedMemory += r.memory;
  if (node.allocatedCpu > node.cpuMillicores + 1e-6 || node.allocatedMemory > node.memoryMiB + 1e-6) {
    throw new InvariantError(`node ${node.name} over capacity after binding ${pod.name}`, c.sim);
  }
  pod.scheduleAttempts = 0;
  if (node.up && !node.apiCut) admitPod(c, pod);
  // Bound to a node the control plane still thinks is Ready: dead, or cut off (its kubelet does
  // not see the binding until the partition heals).
  else setPhase(c, pod, 'NodeDown');
  clusterChanged(c); // a new pod in a domain can make room under a hard spread constraint
}

/** Something that could let a Pending pod fit has happened: retry the unschedulable pods. */
export function clusterChanged(c: Cluster): void {
  if (c.scheduler.unschedulable.size === 0) return;
  for (const pod of c.scheduler.unschedulable) scheduleAttempt(c, pod, pod.retryNotBeforeS);
  c.scheduler.unschedulable.clear();
}
