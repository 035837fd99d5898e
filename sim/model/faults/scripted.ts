import type { FaultConfig, NodeTarget, PodTarget } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { scaleWorkload } from '../kube/deployment.js';
import { drainNode } from '../kube/drain.js';
import { startRollout } from '../kube/rollout.js';
import { crashContainer, hangContainer, pauseContainer } from '../kube/container-failures.js';
import { makeDistribution } from '../../engine/distributions.js';
import { crashNode } from '../kube/node-lifecycle.js';
import type { Node, Pod } from '../kube/types.js';
import { drawRepairTime } from './node-failures.js';
import { partitionNode, skewClock } from './network.js';
import { zoneOutage } from './zones.js';

/** Schedules the scenario's scripted faults (`faults:`), each at its `at` time. */
export function scheduleScriptedFaults(c: Cluster, faults: readonly FaultConfig[]): void {
  for (const fault of faults) c.sim.scheduleAt(fault.at, fire, { c, fault });
}

/** A workload's pods that are not being deleted, oldest first; index `i` of them, if any. */
export function livePod(c: Cluster, workload: string, index: number): Pod | undefined {
  const w = c.workloadByName.get(workload);
  return w?.pods.filter((p) => !p.deleted)[index];
}

/** The pod of the longest-running server of an artifact, if anyone runs it. */
function runnerPod(c: Cluster, artifact: string): Pod | undefined {
  return c.artifacts?.artifacts.find((a) => a.name === artifact)?.runners[0]?.pod;
}

function targetNode(c: Cluster, f: NodeTarget): Node | undefined {
  if (f.node !== undefined) return c.nodeByName.get(f.node);
  if (f.runnerOf !== undefined) return runnerPod(c, f.runnerOf)?.node ?? undefined;
  return livePod(c, f.nodeOf!, f.podIndex)?.node ?? undefined;
}

function targetPod(c: Cluster, f: PodTarget): Pod | undefined {
  return f.runnerOf !== undefined ? runnerPod(c, f.runnerOf) : livePod(c, f.workload!, f.podIndex);
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
    case 'node-partition':
    case 'clock-skew': {
      const node = targetNode(c, fault);
      if (node?.up) {
        target = node.name;
        const durationS = fault.duration === null ? Infinity : fault.duration;
        if (fault.type === 'node-partition') partitionNode(c, node, durationS, fault.from);
        else skewClock(c, node, fault.offset, durationS);
      } else if (node) target = `${node.name} (not applied: it is down)`;
      break;
    }
    case 'zone-outage': {
      const reached = zoneOutage(c, fault.zone, fault.duration === null ? Infinity : fault.duration, fault.mode);
      target = reached > 0 ? fault.zone : `${fault.zone} (not applied: no node of it is up)`;
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
      const pod = targetPod(c, fault);
      if (pod) {
        const applied = fault.type === 'pod-crash' ? crashContainer(c, pod) : hangContainer(c, pod);
        target = applied ? pod.name : `${pod.name} (not applied: its container is ${pod.phase})`;
      }
      break;
    }
    case 'jvm-pause': {
      const pod = targetPod(c, fault);
      if (pod) target = pauseContainer(c, pod, fault.duration) ? pod.name : `${pod.name} (not applied: its container is ${pod.hung ? 'hung' : pod.phase})`;
      break;
    }
    case 'backend-failure': {
      const p = c.artifacts?.processorNamed(fault.artifact) ?? null;
      if (p === null) target = `${fault.artifact} (not applied: not a message processor of the scenario)`;
      else {
        target = fault.artifact;
        p.backendDown(fault.duration);
      }
      break;
    }
    case 'operator-state': {
      // docs/model.md §10.5: the servers running it apply it now; the registry decides for later ones.
      const applied = c.artifacts?.setOperatorState(fault.artifact, fault.state === 'active') ?? false;
      target = applied ? `${fault.artifact}: ${fault.state}` : `${fault.artifact} (not applied: not a message processor or inbound endpoint of the scenario)`;
      break;
    }
    case 'coordination-db-outage':
    case 'coordination-db-slowness': {
      const db = c.artifacts?.database;
      if (db === undefined) target = 'coordination-db (not applied: no workload has coordination or artifacts)';
      else {
        target = 'coordination-db';
        if (fault.type === 'coordination-db-outage') db.goDown(fault.duration);
        else db.goSlow(fault.duration, makeDistribution(fault.queryTime));
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
