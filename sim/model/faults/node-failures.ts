import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { NodePoolConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { crashNode } from '../kube/node-lifecycle.js';
import type { Node } from '../kube/types.js';

/**
 * Stochastic node crashes: each node draws its running time to the next crash from its pool's
 * timeToFailure (stream node/<name>/crash) whenever it (re)starts, and its repair time from
 * repairTime (stream node/<name>/repair) when it crashes. Named streams keep a node's failure
 * times the same whatever else the scenario holds (common random numbers across patterns).
 */
const compiled = new WeakMap<NodePoolConfig, { crash: Distribution | null; repair: Distribution }>();

export function poolDistributions(pool: NodePoolConfig): { crash: Distribution | null; repair: Distribution } {
  let d = compiled.get(pool);
  if (d === undefined) {
    d = {
      crash: pool.failures.crash ? makeDistribution(pool.failures.crash.timeToFailure) : null,
      repair: makeDistribution(pool.failures.repairTime),
    };
    compiled.set(pool, d);
  }
  return d;
}

/** Starts the node's crash clock (no-op when its pool has no stochastic crashes). */
export function armNodeCrash(c: Cluster, node: Node): void {
  const d = poolDistributions(node.pool);
  if (d.crash === null) return;
  c.sim.cancel(node.crashTimer);
  node.crashTimer = c.sim.schedule(d.crash.sample(node.crashRng), onCrash, node.ref);
}

function onCrash({ c, node }: { c: Cluster; node: Node }): void {
  if (c.out.fault.active) c.out.fault.emit({ type: 'node-crash', target: node.name });
  crashNode(c, node, drawRepairTime(node));
}

/** A repair time from the node's pool distribution and repair stream. */
export function drawRepairTime(node: Node): number {
  return poolDistributions(node.pool).repair.sample(node.repairRng);
}
