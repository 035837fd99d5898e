import type { Node, Pod, PodPhase, Workload } from './kube/types.js';
import type { RequestDone } from './traffic/requests-mode.js';
import type { FluidIncrement } from './traffic/fluid.js';
import type { OverloadIncrement } from './traffic/overload.js';
import type { Artifact, RunnerChange } from './artifacts/types.js';
import type { ProcessorModel } from './artifacts/processor.js';
import type { ArtifactActive, ArtifactFlow } from './artifacts/flow.js';
import type { CoordinationEvent } from './coordination/group.js';

/** Totals the cost metrics integrate over time. */
export interface Usage {
  /** Nodes whose machine is running. */
  upNodes: number;
  /** Pods bound to a running node and not gone. */
  activePods: number;
  /** CPU requests of those pods. */
  activeCpuMillicores: number;
}

/**
 * Everything the model announces. Subscribers (metrics, traces, the visualiser) read the payloads
 * and the plain state they point to; they never change it. Most payloads are the model's own
 * objects, so announcing costs no allocation.
 */
export interface ModelEvents {
  [name: string]: unknown;
  /** The Deployment created a pod (phase Pending). */
  'pod.created': Pod;
  /** A pod's container phase changed. */
  'pod.phase': { pod: Pod; from: PodPhase };
  /** A pod's Ready condition (as endpoints see it) changed. */
  'pod.ready': Pod;
  /** A pod hung or stopped hanging. */
  'pod.hung': Pod;
  /** A node went down or came up, or the control plane's view of it changed. */
  'node.state': Node;
  /** A workload's serving or running pod count, or its desired replicas, changed. */
  'workload.counts': Workload;
  /** The usage totals changed. */
  'cluster.usage': Usage;
  /** A scripted or stochastic fault was injected. */
  fault: { type: string; target: string };
  /** Requests mode: a request of workload index N arrived. */
  'request.arrived': number;
  /** Requests mode: a request ended (one payload object, reused: copy what you keep). */
  'request.done': RequestDone;
  /** Fluid mode: the flows of one workload over an interval (one payload object, reused). */
  'traffic.fluid': FluidIncrement;
  /** Both modes: a workload (or, as flow -1, the service) offered more than its pods serve over an interval (one payload object, reused). */
  'traffic.overload': OverloadIncrement;
  /** Whether a request to this workload would now find a serving upstream may have changed. */
  'lb.availability': Workload;
  /** A server started or stopped running a stateful artifact. */
  'artifact.runner': RunnerChange;
  /** Something happened in a coordination cluster (join, election, removal, assignment, fencing). */
  coordination: CoordinationEvent;
  /** A message processor's or inbound endpoint's store and consumers over an interval (one payload object, reused). */
  'artifact.flow': ArtifactFlow;
  /** The number of consumers of a message processor or inbound endpoint changed (one payload object, reused). */
  'artifact.active': ArtifactActive;
  /** A broker delivered again a message a dead consumer held (it is processed twice if it had been processed). */
  'artifact.redelivery': { artifact: Artifact; delayS: number };
  /** A message processor deactivated or was re-activated on some server. */
  'processor.state': ProcessorModel;
  /** An operator set the state of a message processor or inbound endpoint (docs/model.md §10.5). */
  'artifact.operator': { artifact: Artifact; active: boolean };
}
