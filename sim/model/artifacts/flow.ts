import type { Cluster } from '../kube/cluster.js';
import type { Artifact } from './types.js';

/**
 * Artifacts that consume a stream of messages (message processors, inbound endpoints) as flows: a
 * store (queue, topic, directory) fed at a constant rate, drained by the servers consuming it.
 * Between state changes everything is linear, so the store is integrated in closed form: with a
 * constant feed rate, FIFO order and fluid flow, the message consumed at time t waited B(t) / rate,
 * B the backlog then; a message that finds the store empty waits for the next poll.
 */

/** `artifact.flow`: a consuming artifact over [fromS, toS] (one payload object, reused: copy what you keep). */
export interface ArtifactFlow {
  artifact: Artifact;
  fromS: number;
  toS: number;
  /** Consumers active (running, not deactivated or waiting for the broker) over the interval. */
  active: number;
  backlogFrom: number;
  backlogTo: number;
  /** Messages consumed (forwarded, processed) successfully, counting each once. */
  delivered: number;
  /** The same messages consumed again by other servers (a topic, a directory: every consumer gets each). */
  duplicated: number;
  /** Messages lost (dropped after the last attempt, published with nobody subscribed). */
  dropped: number;
  /** Queueing delay (s) of the messages delivered, going linearly from the first to the last. */
  delayFrom: number;
  delayTo: number;
  /** The store was empty: each message also waited for the next poll, U(0, pollS). */
  idle: boolean;
  pollS: number;
}

/** `artifact.active`: the number of consumers of a consuming artifact changed, from now on (one payload object, reused). */
export interface ArtifactActive {
  artifact: Artifact;
  active: number;
}

/** What the store does over an interval: departures per second when backlogged, and their fate. */
export interface Drain {
  /** Messages per second taken from the store while it holds any. */
  capacity: number;
  /** Taken messages are delivered (else dropped). */
  delivers: boolean;
  /** Copies consumed per delivered message beyond the first. */
  extraCopies: number;
  /** Arrivals are lost instead of stored (a topic nobody subscribes to). */
  lost: boolean;
  active: number;
  pollS: number;
  /** The share of the feed that reaches the store; the rest is held back by the model (Kafka partitions of a member that cannot consume). Default 1. */
  feedShare?: number;
  /** Messages held back outside the store at the start of the interval (reported in the backlog). */
  held?: number;
}

/**
 * The state an operator wants a consuming artifact in (docs/model.md §10.5). A flow is reported
 * before any change of the model's state, so when a flow arrives this is still the state it had.
 */
export interface OperatorIntent {
  active: boolean;
}

export class Store {
  backlog = 0;
  lastS = 0;
  private readonly flow: ArtifactFlow;
  private readonly activePayload: ArtifactActive;

  constructor(
    private readonly c: Cluster,
    artifact: Artifact,
    private readonly feedRate: number,
  ) {
    this.flow = { artifact, fromS: 0, toS: 0, active: 0, backlogFrom: 0, backlogTo: 0, delivered: 0, duplicated: 0, dropped: 0, delayFrom: 0, delayTo: 0, idle: true, pollS: 0 };
    this.activePayload = { artifact, active: 0 };
  }

  /**
   * Loses at once the messages waiting in the store (a topic whose last subscriber left: a clean
   * session keeps nothing for it). Call after advancing to now.
   */
  discard(): void {
    const b = this.backlog;
    if (!(b > 0)) return;
    this.backlog = 0;
    const now = this.c.sim.nowS;
    this.heldFrom = this.heldRate = 0;
    this.heldSinceS = now;
    this.emit({ capacity: 0, delivers: false, extraCopies: 0, lost: true, active: 0, pollS: 0 }, now, now, b, 0, b, 0);
  }

  /**
   * Announces the number of consumers from now on, if it changed. Flows are reported after the
   * fact (at the next flush); this lets metrics that combine artifacts follow them in time order.
   */
  announce(active: number): void {
    const p = this.activePayload;
    if (active === p.active) return;
    p.active = active;
    const ch = this.c.out.artifactActive;
    if (ch.active) ch.emit(p);
  }

  /** Integrates the store from the last flush to now under `d` and announces the flows. */
  advance(d: Drain): void {
    const now = this.c.sim.nowS;
    const from = this.lastS;
    if (now <= from) return;
    this.lastS = now;
    const lambda = this.feedRate * (d.feedShare ?? 1);
    this.heldFrom = d.held ?? 0;
    this.heldRate = this.feedRate - lambda;
    this.heldSinceS = from;
    if (d.lost) {
      this.emit(d, from, now, this.backlog, this.backlog, 0, lambda * (now - from));
      return;
    }
    let t = from;
    let b = this.backlog;
    while (t < now) {
      if (b > 0 || lambda > d.capacity) {
        // Backlogged: departures at capacity; the store drains to empty first if it can.
        const net = lambda - d.capacity;
        let end = now;
        if (net < 0 && b + net * (now - t) < 0) end = t - b / net;
        const b1 = end === now ? b + net * (end - t) : 0;
        // (An infinite capacity, a zero processing time, empties the backlog at once: by conservation.)
        const departed = Number.isFinite(d.capacity) ? d.capacity * (end - t) : b - b1 + lambda * (end - t);
        this.emit(d, t, end, b, b1, departed, 0);
        b = b1;
        t = end;
      } else {
        // The store stays empty: every message leaves as it comes, after the next poll.
        this.emit(d, t, now, 0, 0, lambda * (now - t), 0);
        t = now;
      }
    }
    this.backlog = b;
  }

  // Messages held back outside the store over the interval being advanced: held(t) = heldFrom + heldRate (t - heldSinceS).
  private heldFrom = 0;
  private heldRate = 0;
  private heldSinceS = 0;

  private emit(d: Drain, fromS: number, toS: number, b0: number, b1: number, departed: number, lost: number): void {
    const ch = this.c.out.artifactFlow;
    if (!ch.active) return;
    const f = this.flow;
    const lambda = this.feedRate * (d.feedShare ?? 1);
    f.fromS = fromS;
    f.toS = toS;
    f.active = d.active;
    f.backlogFrom = b0 + this.heldFrom + this.heldRate * (fromS - this.heldSinceS);
    f.backlogTo = b1 + this.heldFrom + this.heldRate * (toS - this.heldSinceS);
    f.delivered = d.delivers ? departed : 0;
    f.duplicated = d.delivers ? departed * d.extraCopies : 0;
    f.dropped = (d.delivers ? 0 : departed) + lost;
    f.delayFrom = lambda > 0 ? b0 / lambda : 0;
    f.delayTo = lambda > 0 ? b1 / lambda : 0;
    f.idle = b0 <= 0 && b1 <= 0;
    f.pollS = d.pollS;
    ch.emit(f);
  }
}
