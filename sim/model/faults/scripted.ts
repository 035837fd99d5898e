import type { FaultConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { scaleWorkload } from '../kube/deployment.js';
import { drainNode } from '../kube/drain.js';
import { startRollout } from '../kube/rollout.js';
import { crashContainer, hangContainer } from '../kube/container-failures.js';
import { crashNode } from '../kube/node-lifecycle.js';
import type { Node, Pod } from '../kube/types.js';
import { drawRepairTime } from './node-failures.js';

/** Schedules the scenario's scripted faults (`faults:`), each at its `at` time. */
export function scheduleScriptedFaults(c: Cluster, faults: readonly FaultConfig[]): void {
  for (const fault of faults) c.sim.scheduleAt(fault.at, fire, { c, fault });
}

/** A workload's pods that are not being deleted, oldest first; index `i` of them, if any. */
export function livePod(c: Cluster, workload: string, index: number): Pod | undefined {
  const w = c.workloadByName.get(workload);
  return w?.pods.filter((p) => !p.deleted)[index];
}

function targetNode(c: Cluster, f: { node?: string; nodeOf?: string; podIndex: number }): Node | undefined {
  if (f.node !== undefined) return c.nodeByName.get(f.node);
  return livePod(c, f.nodeOf!, f.podIndex)?.node ?? undefined;
}

function fire({ c, fault }: { c: Cluster; fault: FaultConfig }): void {
  let target: string | undefined;
  switch (fault.type) {
    case 'node-crash': {
      const node = targetNode(c, fault);
      if (node?.up) {
        target = node.name;
        crashNode(c, node, fault.repairAfter === undefined ? drawRepairTime(node) : fault.repairAfter);
      } else if (node) target = `${node.name} (not applied: already down)`;
      break;
    }
    case 'node-drain': {
      const node = targetNode(c, fault);
      if (node) {
        target = node.name;
        drainNode(c, node, fault.uncordonAfter);
      }
      break;
    }
    case 'pod-crash':
    case 'pod-hang': {
      const pod = livePod(c, fault.workload, fault.podIndex);
      if (pod) {
        const applied = fault.type === 'pod-crash' ? crashContainer(c, pod) : hangContainer(c, pod);
        target = applied ? pod.name : `${pod.name} (not applied: its container is ${pod.phase})`;
      }
      break;
    }
    case 'scale': {
      target = fault.workload;
      scaleWorkload(c, c.workloadByName.get(fault.workload)!, fault.replicas);
      break;
    }
    case 'rolling-update': {
      target = fault.workload;
      startRollout(c, c.workloadByName.get(fault.workload)!, fault.image);
      break;
    }
  }
  if (c.out.fault.active) c.out.fault.emit({ type: fault.type, target: target ?? '(no target at that time)' });
}
