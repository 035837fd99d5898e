import type { EventBus } from '../engine/bus.js';
import type { RandomStreams } from '../engine/random.js';
import type { Simulation } from '../engine/simulation.js';
import type { Scenario } from '../scenario/types.js';
import type { ModelEvents } from './events.js';
import { createCluster, type Cluster } from './kube/cluster.js';
import { startAutoscalers } from './kube/autoscaler.js';
import { reconcile } from './kube/deployment.js';
import { armNodeCrash } from './faults/node-failures.js';
import { armNetworkFaults } from './faults/network.js';
import { scheduleScriptedFaults } from './faults/scripted.js';
import { armZoneOutages } from './faults/zones.js';
import { startTraffic } from './traffic/index.js';
import { ArtifactRuntime } from './artifacts/runtime.js';

/**
 * Builds the scenario's cluster on a simulation and sets it going: traffic (if any) watching, every
 * node up with its crash clock armed, every Deployment creating its pods at time 0, scripted
 * faults scheduled.
 */
export function startCluster(sim: Simulation, streams: RandomStreams, scenario: Scenario, bus?: EventBus<ModelEvents>): Cluster {
  const c = createCluster(sim, streams, scenario, bus);
  startTraffic(c);
  if (ArtifactRuntime.needed(c)) {
    c.artifacts = new ArtifactRuntime(c);
    c.artifacts.start();
  }
  for (const node of c.nodes) {
    armNodeCrash(c, node);
    armNetworkFaults(c, node);
  }
  armZoneOutages(c);
  for (const w of c.workloads) reconcile(c, w);
  startAutoscalers(c);
  scheduleScriptedFaults(c, scenario.faults);
  return c;
}
