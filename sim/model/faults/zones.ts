import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import type { ZoneOutageMode } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { crashNode } from '../kube/node-lifecycle.js';
import { partitionNode } from './network.js';

/**
 * Zone outages: every node of a zone fails at once. `crash`: the machines die and come back when
 * the outage ends (each node's own repair clock is not used); `partition`: they are cut off from
 * the control plane and the coordination database and run on until it ends. Nodes already down
 * are left as they are. Returns the nodes it reached.
 */
export function zoneOutage(c: Cluster, zone: string, durationS: number, mode: ZoneOutageMode): number {
  let reached = 0;
  for (const node of c.nodes) {
    if (node.zone !== zone || !node.up) continue;
    reached++;
    if (mode === 'crash') crashNode(c, node, durationS === Infinity ? null : durationS);
    else partitionNode(c, node, durationS, 'both');
  }
  return reached;
}

interface ZoneClock {
  c: Cluster;
  zone: string;
  rng: Rng;
  timeBetween: Distribution;
  duration: Distribution;
  mode: ZoneOutageMode;
}

/** Starts each zone's outage clock (stream zone/<name>/outage), if the scenario has zone outages. */
export function armZoneOutages(c: Cluster): void {
  const spec = c.scenario.cluster.zoneOutages;
  if (spec === null) return;
  const zones = [...new Set(c.nodes.map((n) => n.zone).filter((z): z is string => z !== null))];
  for (const zone of zones) {
    const clock: ZoneClock = {
      c,
      zone,
      rng: c.streams.stream(`zone/${zone}/outage`),
      timeBetween: makeDistribution(spec.timeBetween),
      duration: makeDistribution(spec.duration),
      mode: spec.mode,
    };
    c.sim.schedule(clock.timeBetween.sample(clock.rng), onOutage, clock);
  }
}

function onOutage(k: ZoneClock): void {
  const d = k.duration.sample(k.rng);
  if (k.c.out.fault.active) k.c.out.fault.emit({ type: 'zone-outage', target: k.zone });
  zoneOutage(k.c, k.zone, d, k.mode);
  k.c.sim.schedule(d + k.timeBetween.sample(k.rng), onOutage, k);
}
