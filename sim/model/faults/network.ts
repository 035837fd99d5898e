import { makeDistribution, type Distribution, type DistSpec } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import type { PartitionSide } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { partitionFromControlPlane } from '../kube/node-lifecycle.js';
import type { Node } from '../kube/types.js';

/**
 * Network partitions and clock excursions of nodes, scripted (`node-partition`, `clock-skew`) or
 * stochastic (`cluster.nodePools[].failures.partition` / `clockSkew`, streams
 * node/<name>/partition and node/<name>/clock).
 */

/** Cuts the node off from the control plane, the coordination database, or both. */
export function partitionNode(c: Cluster, node: Node, durationS: number, from: PartitionSide): void {
  if (!node.up) return;
  if (from !== 'database') partitionFromControlPlane(c, node, durationS);
  if (from !== 'control-plane') c.artifacts?.database.cutNode(node, durationS);
}

/** Sets the node's clock `offsetS` ahead of real time until `durationS` from now (Infinity: for good). */
export function skewClock(c: Cluster, node: Node, offsetS: number, durationS: number): void {
  node.clockOffsetS = offsetS;
  node.clockUntilS = c.sim.nowS + durationS;
  if (durationS < Infinity) c.sim.scheduleAt(node.clockUntilS, onClockFixed, { c, node });
  c.artifacts?.database.changed();
}

function onClockFixed({ c, node }: { c: Cluster; node: Node }): void {
  if (c.sim.nowS < node.clockUntilS) return;
  node.clockOffsetS = 0;
  c.artifacts?.database.changed();
}

interface Clock {
  c: Cluster;
  node: Node;
  rng: Rng;
  timeBetween: Distribution;
  duration: Distribution;
  offset: Distribution | null;
  from: PartitionSide;
}

/** Starts the node's stochastic partition and clock-excursion clocks, if its pool has them. */
export function armNetworkFaults(c: Cluster, node: Node): void {
  const f = node.pool.failures;
  if (f.partition) arm(c, node, 'partition', f.partition, null, f.partition.from, onPartition);
  if (f.clockSkew) arm(c, node, 'clock', f.clockSkew, f.clockSkew.offset, 'both', onSkew);
}

function arm(
  c: Cluster,
  node: Node,
  stream: string,
  spec: { timeBetween: DistSpec; duration: DistSpec },
  offset: DistSpec | null,
  from: PartitionSide,
  handler: (k: Clock) => void,
): void {
  const clock: Clock = {
    c,
    node,
    rng: c.streams.stream(`node/${node.name}/${stream}`),
    timeBetween: makeDistribution(spec.timeBetween),
    duration: makeDistribution(spec.duration),
    offset: offset ? makeDistribution(offset) : null,
    from,
  };
  c.sim.schedule(clock.timeBetween.sample(clock.rng), handler, clock);
}

function onPartition(k: Clock): void {
  const d = k.duration.sample(k.rng);
  if (k.node.up) {
    if (k.c.out.fault.active) k.c.out.fault.emit({ type: 'node-partition', target: k.node.name });
    partitionNode(k.c, k.node, d, k.from);
  }
  k.c.sim.schedule(d + k.timeBetween.sample(k.rng), onPartition, k);
}

function onSkew(k: Clock): void {
  const d = k.duration.sample(k.rng);
  if (k.c.out.fault.active) k.c.out.fault.emit({ type: 'clock-skew', target: k.node.name });
  skewClock(k.c, k.node, k.offset!.sample(k.rng), d);
  k.c.sim.schedule(d + k.timeBetween.sample(k.rng), onSkew, k);
}
