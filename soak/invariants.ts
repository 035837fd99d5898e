import type { Cluster } from '../sim/model/kube/cluster.js';
import type { Pod } from '../sim/model/kube/types.js';
import { resolveBudget } from '../sim/model/kube/rollout.js';

/**
 * State invariants, checked after every single event of randomly generated clusters under random
 * stochastic failures and random scripted fault schedules.
 */
export function checkInvariants(c: Cluster): void {
  const onNode = new Set<Pod>();
  let upNodes = 0;
  let activePods = 0;
  let activeCpu = 0;
  for (const node of c.nodes) {
    if (node.up) upNodes++;
    let cpu = 0;
    let memory = 0;
    for (const pod of node.pods) {
      if (pod.node !== node) throw new Error(`${pod.name} listed on ${node.name} but bound to ${pod.node?.name}`);
      if (onNode.has(pod)) throw new Error(`${pod.name} on two nodes`);
      onNode.add(pod);
      if (pod.phase === 'Gone' || pod.phase === 'Pending') throw new Error(`${pod.name} on ${node.name} in phase ${pod.phase}`);
      cpu += pod.workload.config.resources.requests.cpu;
      memory += pod.workload.config.resources.requests.memory;
      if (node.up) {
        activePods++;
        activeCpu += pod.workload.config.resources.requests.cpu;
      } else if (pod.phase !== 'NodeDown') throw new Error(`${pod.name} is ${pod.phase} on down node ${node.name}`);
    }
    if (Math.abs(cpu - node.allocatedCpu) > 1e-6 || Math.abs(memory - node.allocatedMemory) > 1e-6) throw new Error(`${node.name} allocation out of step`);
    if (node.allocatedCpu > node.cpuMillicores + 1e-6 || node.allocatedMemory > node.memoryMiB + 1e-6) throw new Error(`${node.name} over capacity`);
  }
  for (const w of c.workloads) {
    let serving = 0;
    let running = 0;
    let notDeleted = 0;
    for (const pod of w.pods) {
      if (pod.node === null && pod.phase !== 'Pending') throw new Error(`${pod.name} unbound in phase ${pod.phase}`);
      if (pod.node !== null && !onNode.has(pod)) throw new Error(`${pod.name} bound to ${pod.node.name} but not listed there`);
      const isRunning = pod.phase === 'Running' && !pod.hung;
      if (isRunning && !pod.node!.up) throw new Error(`${pod.name} running on a down node`);
      if (isRunning) running++;
      if (isRunning && pod.apiReady) serving++;
      if (pod.hung && pod.phase !== 'Running' && pod.phase !== 'Killing' && pod.phase !== 'Terminating') throw new Error(`${pod.name} hung in ${pod.phase}`);
      if (!pod.deleted) notDeleted++;
    }
    if (serving !== w.servingCount || running !== w.runningCount) throw new Error(`${w.name} counts out of step`);
    // A rollout may run up to maxSurge pods above the replicas (and Recreate below them).
    const rolling = w.pods.some((p) => p.revision !== w.revision);
    const surge = rolling ? resolveBudget(w.config.strategy.maxSurge, w.desired, true) + 1 : 0;
    if (rolling ? notDeleted > w.desired + surge : notDeleted !== w.desired) throw new Error(`${w.name} has ${notDeleted} pods for ${w.desired} desired`);
  }
  if (upNodes !== c.usage.upNodes || activePods !== c.usage.activePods || Math.abs(activeCpu - c.usage.activeCpuMillicores) > 1e-6) {
    throw new Error('usage totals out of step');
  }
  // The nodes' pod lists hold exactly the bound pods of the workloads (placement counts from the latter).
  let bound = 0;
  for (const w of c.workloads) for (const pod of w.pods) if (pod.node !== null) bound++;
  if (bound !== onNode.size) throw new Error(`${onNode.size} pods listed on nodes, ${bound} bound in the workloads`);
  checkArtifactInvariants(c);
}

/**
 * Stateful artifacts: only a server that runs and answers runs artifacts, at most once each, and
 * only artifacts its workload deploys (pinned ones only on the servers named). With coordination,
 * a running coordinated task is one its server was assigned at some point (checked by its event
 * log in the coordination tests); here: no server runs an artifact its workload does not have.
 */
function checkArtifactInvariants(c: Cluster): void {
  const rt = c.artifacts;
  if (rt === null) return;
  for (const f of rt.flows) {
    if (f === null) continue;
    f.flush();
    if (!(f.currentBacklog >= -1e-6)) throw new Error(`${f.artifact.name} has a negative backlog ${f.currentBacklog}`);
    if (f.activeCount > f.artifact.runners.length) throw new Error(`${f.artifact.name} has more active consumers than runners`);
  }
  for (const a of rt.artifacts) {
    const pods = new Set<Pod>();
    for (const r of a.runners) {
      const pod = r.pod;
      if (pods.has(pod)) throw new Error(`${a.name} runs twice on ${pod.name}`);
      pods.add(pod);
      if (pod.phase !== 'Running' || pod.hung) throw new Error(`${a.name} runs on ${pod.name}, which is ${pod.hung ? 'hung' : pod.phase}`);
      if (!pod.node?.up) throw new Error(`${a.name} runs on ${pod.name} on a down node`);
      const config = pod.workload.config.artifacts.find((x) => x.name === a.name);
      if (config === undefined) throw new Error(`${a.name} runs on ${pod.name}, whose workload does not deploy it`);
      if (config.pinnedServers.length > 0 && !config.pinnedServers.includes(pod.name)) throw new Error(`pinned ${a.name} runs on ${pod.name}`);
    }
  }
}

