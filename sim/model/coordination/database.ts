import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import type { DistSpec } from '../../engine/distributions.js';
import type { Cluster } from '../kube/cluster.js';
import type { Node } from '../kube/types.js';

/**
 * The coordination database (WSO2_COORDINATION_DB) as the servers see it: up, down (every query
 * fails) or slow (queries take a drawn time; over T_op they count as failed). Outages and slow
 * periods come from the scenario's stochastic processes and from scripted faults; overlapping
 * ones merge (down wins over slow).
 */
export class CoordinationDatabase {
  /** Down over [downFromS, downUntilS). */
  downFromS = Infinity;
  downUntilS = -Infinity;
  /** Slow over [slowFromS, slowUntilS) with queries drawn from `slowQuery`. */
  slowFromS = Infinity;
  slowUntilS = -Infinity;
  slowQuery: Distribution | null = null;
  /** The longest query `slowQuery` can draw (planning skips checks that cannot fail). */
  slowQueryMaxS = 0;
  /** Told when the database changes state. */
  readonly listeners: Array<() => void> = [];
  private readonly outageRng: Rng;
  private readonly slowRng: Rng;
  private readonly outage: { timeBetween: Distribution; duration: Distribution } | null;
  private readonly slowness: { timeBetween: Distribution; duration: Distribution; queryTime: Distribution } | null;

  constructor(private readonly c: Cluster) {
    const f = c.scenario.coordination.database.failures;
    this.outage = f.outage ? { timeBetween: makeDistribution(f.outage.timeBetween), duration: makeDistribution(f.outage.duration) } : null;
    this.slowness = f.slowness
      ? { timeBetween: makeDistribution(f.slowness.timeBetween), duration: makeDistribution(f.slowness.duration), queryTime: makeDistribution(f.slowness.queryTime) }
      : null;
    this.outageRng = this.outage ? c.streams.stream('coordination-db/outage') : () => 0;
    this.slowRng = this.slowness ? c.streams.stream('coordination-db/slowness') : () => 0;
  }

  /** Arms the stochastic outage and slowness clocks. */
  start(): void {
    if (this.outage) this.c.sim.schedule(this.outage.timeBetween.sample(this.outageRng), onOutage, this);
    if (this.slowness) this.c.sim.schedule(this.slowness.timeBetween.sample(this.slowRng), onSlow, this);
  }

  /** Every query fails from now for `durationS` (an outage under way is extended if this one ends later). */
  goDown(durationS: number): void {
    const now = this.c.sim.nowS;
    if (!this.isDown(now)) this.downFromS = now;
    this.downUntilS = Math.max(this.downUntilS, now + durationS);
    this.c.sim.scheduleAt(this.downUntilS, onChange, this);
    this.changed();
  }

  /** Queries take `queryTime` from now for `durationS`. */
  goSlow(durationS: number, queryTime: Distribution): void {
    const now = this.c.sim.nowS;
    if (!this.isSlow(now)) this.slowFromS = now;
    this.slowUntilS = Math.max(this.slowUntilS, now + durationS);
    this.slowQuery = queryTime;
    this.slowQueryMaxS = queryTime.quantile(1);
    this.c.sim.scheduleAt(this.slowUntilS, onChange, this);
    this.changed();
  }

  isDown(t: number): boolean {
    return t >= this.downFromS && t < this.downUntilS;
  }

  /** Nodes cut off from the database (a network partition), each over [from, until). */
  private readonly cuts = new Map<Node, { from: number; until: number }>();

  /** The node cannot reach the database from now for `durationS` (Infinity: until further notice). */
  cutNode(node: Node, durationS: number): void {
    const now = this.c.sim.nowS;
    const cut = this.cuts.get(node);
    const from = cut !== undefined && now >= cut.from && now < cut.until ? cut.from : now;
    const until = Math.max(cut !== undefined && now < cut.until ? cut.until : now, now + durationS);
    this.cuts.set(node, { from, until });
    if (until < Infinity) this.c.sim.scheduleAt(until, onChange, this);
    this.changed();
  }

  /** Whether a server on `node` reaches the database at t. */
  reachable(node: Node | null, t: number): boolean {
    if (this.isDown(t)) return false;
    const cut = node === null ? undefined : this.cuts.get(node);
    return cut === undefined || t < cut.from || t >= cut.until;
  }

  /**
   * The first stretch, from `now` on, in which a server on `node` cannot reach the database (the
   * outage and the node's cut merged when they overlap): [from, until), or null if none is known.
   */
  unreachableWindow(node: Node | null, now: number): { from: number; until: number } | null {
    const windows: Array<{ from: number; until: number }> = [];
    if (this.downUntilS > now) windows.push({ from: this.downFromS, until: this.downUntilS });
    const cut = node === null ? undefined : this.cuts.get(node);
    if (cut !== undefined && cut.until > now) windows.push({ from: cut.from, until: cut.until });
    if (windows.length === 0) return null;
    windows.sort((a, b) => a.from - b.from);
    const w = { ...windows[0]! };
    for (const x of windows.slice(1)) if (x.from <= w.until) w.until = Math.max(w.until, x.until);
    return w;
  }

  /** When a server on `node` reaches the database again (now if it does). */
  reachableFrom(node: Node | null, now: number): number {
    if (this.reachable(node, now)) return now;
    return this.unreachableWindow(node, now)!.until;
  }

  isSlow(t: number): boolean {
    return t >= this.slowFromS && t < this.slowUntilS && !this.isDown(t);
  }

  changed(): void {
    for (const f of this.listeners) f();
  }

  /** Stochastic clock callbacks (next outage drawn from its end). */
  drawOutage(): void {
    const o = this.outage!;
    const d = o.duration.sample(this.outageRng);
    if (this.c.out.fault.active) this.c.out.fault.emit({ type: 'coordination-db-outage', target: 'coordination-db' });
    this.goDown(d);
    this.c.sim.schedule(d + o.timeBetween.sample(this.outageRng), onOutage, this);
  }

  drawSlowness(): void {
    const s = this.slowness!;
    const d = s.duration.sample(this.slowRng);
    if (this.c.out.fault.active) this.c.out.fault.emit({ type: 'coordination-db-slowness', target: 'coordination-db' });
    this.goSlow(d, s.queryTime);
    this.c.sim.schedule(d + s.timeBetween.sample(this.slowRng), onSlow, this);
  }
}

function onOutage(db: CoordinationDatabase): void {
  db.drawOutage();
}

function onSlow(db: CoordinationDatabase): void {
  db.drawSlowness();
}

function onChange(db: CoordinationDatabase): void {
  db.changed();
}

/** The distribution of a scripted slowness fault's query time. */
export const queryTimeOf = (spec: DistSpec): Distribution => makeDistribution(spec);
