import { makeDistribution } from '../../engine/distributions.js';
import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import type { InboundEndpointConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { Store, type OperatorIntent } from './flow.js';
import { timeTolerance } from '../kube/probes.js';
import type { Rng } from '../../engine/random.js';
import type { Artifact, Runner, RunnerTransition } from './types.js';

/**
 * An inbound endpoint (docs/model.md §10.4) as a flow on its source. Every server running it
 * is a consumer; with coordination that is one server cluster-wide, without it every server, and
 * the protocol decides what several consumers do:
 *
 *   protocol     many consumers                          nobody consuming
 *   file         each polls the same directory: every    files wait
 *                file is processed by each (duplicates)
 *   jms queue    competing consumers share the messages  messages wait
 *   jms topic    each subscriber gets every message      messages are lost (non-durable)
 *   kafka        the consumer group splits the partitions messages wait; after a consumer dies
 *                                                         without leaving, nobody gets its
 *                                                         partitions for the session timeout (45 s)
 *                                                         while the others go on with theirs; a
 *                                                         member joining meanwhile stops the whole
 *                                                         group until then (the rebalance waits)
 *   mqtt         each subscription gets every message    messages are lost (clean session)
 *   rabbitmq     competing consumers share the queue     messages wait; a consumer that dies
 *                                                         without closing holds one unacknowledged
 *                                                         message until the heartbeat timeout
 *                                                         (60 s): it is delivered again then (a
 *                                                         duplicate if it had been processed)
 *
 * A JVM pause freezes a consumer without closing its connection: it consumes nothing, a Kafka
 * member keeps its partitions (their messages wait), a subscriber stays subscribed (its messages
 * wait, none is lost), and it goes on where it was when the JVM resumes. A pause longer than the
 * broker's detection time (`brokerDetection`) counts as a death to the broker then: Kafka gives its
 * partitions to the others, RabbitMQ delivers its unacknowledged message again (processed twice:
 * the resumed JVM finishes it too).
 *
 * An operator's deactivation (docs/model.md §10.5) stops a consumer as a clean leave (its
 * connection closed: Kafka gives its partitions to the others, a topic subscription ends); an
 * activation makes it join again.
 */

interface Consumer {
  runner: Runner;
  /** Kafka: assigned no partitions before this time (a rebalance waits for a dead member's session to expire). */
  blockedUntilS: number;
  timer: EventHandle;
  /** Its JVM is frozen: connected, consuming nothing. */
  paused: boolean;
  /** The broker took a paused consumer for dead (its pause outlasted the detection time). */
  expired: boolean;
  /** When the broker takes a paused consumer for dead (its detection clock runs from the pause). */
  expiry: EventHandle;
  expiresAtS: number;
  /** Its server runs it inactive, as an operator set it (docs/model.md §10.5): not connected. */
  operatorOff: boolean;
}

export class InboundModel {
  private readonly cfg: InboundEndpointConfig;
  private readonly consumers: Consumer[] = [];
  private readonly store: Store;
  private readonly rate: number;
  private readonly meanProcessingS: number;
  private readonly broadcast: boolean;
  private readonly topicLike: boolean;
  private readonly kafka: boolean;
  readonly detectionS: number;
  /** Kafka: session expiry times of members that died without leaving (their partitions wait until then). */
  private readonly ghosts: number[] = [];
  /** Kafka: messages on partitions held by members that cannot consume (dead, paused), outside the store. */
  private held = 0;
  /** Messages delivered again after a consumer died holding them (RabbitMQ). */
  redeliveries = 0;
  /** The state the operator wants (docs/model.md §10.5). */
  readonly operator: OperatorIntent = { active: true };

  get intendedActive(): boolean {
    return this.operator.active;
  }
  private rngCache: Rng | null = null;

  constructor(
    private readonly c: Cluster,
    readonly artifact: Artifact,
  ) {
    const cfg = (this.cfg = artifact.config as InboundEndpointConfig);
    this.store = new Store(c, artifact, cfg.messageRate);
    this.meanProcessingS = makeDistribution(cfg.processingTime).mean;
    this.rate = 1 / this.meanProcessingS;
    this.topicLike = cfg.protocol === 'mqtt' || (cfg.protocol === 'jms' && cfg.destination === 'topic');
    this.broadcast = this.topicLike || cfg.protocol === 'file';
    this.kafka = cfg.protocol === 'kafka';
    // The loader fills in the protocol's default (45 s for Kafka, 60 s for RabbitMQ, none otherwise).
    this.detectionS = cfg.brokerDetection ?? 0;
  }

  /** Drawn only when a consumer dies (a stream made on first use: most runs never need it). */
  private get rng(): Rng {
    return (this.rngCache ??= this.c.streams.stream(`artifact/${this.artifact.name}/inbound`));
  }

  get currentBacklog(): number {
    return this.store.backlog + this.held;
  }

  get activeCount(): number {
    return this.activeAt(this.c.sim.nowS);
  }

  /** Consumers getting messages at t (every change of it is an event, so flows never straddle one). */
  private activeAt(t: number): number {
    let n = 0;
    for (const k of this.consumers) if (!k.paused && !k.operatorOff && k.blockedUntilS <= t + timeTolerance(t)) n++;
    return n;
  }

  /** Consumers connected to the source (a frozen one still is; one an operator deactivated is not). */
  private get subscribed(): number {
    let n = 0;
    for (const k of this.consumers) if (!k.operatorOff) n++;
    return n;
  }

  /** Some server runs it in another state than the operator's. */
  get againstOperator(): boolean {
    for (const k of this.consumers) if (k.operatorOff === this.intendedActive) return true;
    return false;
  }

  /** Servers run it and every one of them runs it inactive as an operator set it. */
  get allOperatorOff(): boolean {
    return this.consumers.length > 0 && this.subscribed === 0;
  }

  /** Kafka: the share of the partitions whose members cannot consume (paused or dead), while others can. */
  private heldShare(active: number): number {
    if (!this.kafka || active === 0) return 0;
    let stuck = this.ghosts.length;
    let members = this.ghosts.length;
    for (const k of this.consumers) {
      if (k.expired || k.operatorOff) continue;
      members++;
      if (k.paused) stuck++;
    }
    return members > 0 ? stuck / members : 0;
  }

  /**
   * A server started, resumed, paused or stopped consuming. A server that starts it runs it active
   * or not as `operatorActive` says (its registry, docs/model.md §10.5).
   */
  runnerChanged(runner: Runner, how: RunnerTransition, operatorActive = true): void {
    this.flush();
    this.apply(runner, how, operatorActive);
    this.store.announce(this.activeCount);
  }

  private apply(runner: Runner, how: RunnerTransition, operatorActive: boolean): void {
    const now = this.c.sim.nowS;
    const i = this.consumers.findIndex((k) => k.runner.pod === runner.pod);
    const k = i < 0 ? null : this.consumers[i]!;
    if (how === 'paused') {
      if (k === null) return;
      k.paused = true;
      k.expiresAtS = now + this.detectionS;
      // (A consumer the operator deactivated is not connected: nothing for the broker to notice.)
      if (this.detectionS > 0 && !k.operatorOff) k.expiry = this.c.sim.scheduleAt(k.expiresAtS, onExpired, { model: this, k });
      return;
    }
    if (how === 'resumed' && k !== null && k.paused) {
      this.c.sim.cancel(k.expiry);
      k.expiry = NO_EVENT;
      k.paused = false;
      k.runner = runner;
      if (k.expired) {
        // Taken for dead meanwhile: it joins again as a new member.
        k.expired = false;
        this.join(now);
      } else this.rebalanced(); // its partitions go on where they were
      return;
    }
    if (how === 'started' || how === 'resumed') {
      const fresh: Consumer = { runner, blockedUntilS: -Infinity, timer: NO_EVENT, paused: false, expired: false, expiry: NO_EVENT, expiresAtS: Infinity, operatorOff: !operatorActive };
      this.consumers.push(fresh);
      if (operatorActive) this.join(now);
      return;
    }
    if (k === null) return;
    this.c.sim.cancel(k.timer);
    this.c.sim.cancel(k.expiry);
    this.consumers.splice(i, 1);
    // The last subscriber of a topic gone: what waited for it (a frozen or slow one) is lost.
    if (this.topicLike && this.subscribed === 0) this.store.discard();
    if (how === 'stopped' || this.detectionS <= 0 || k.expired || k.blockedUntilS > now || k.operatorOff) {
      // Left the group (or was already out of it): the others take its share at once.
      this.rebalanced();
      return;
    }
    // Died without closing its connection: the broker notices after its detection time (counted
    // from the start of a pause it died in).
    this.brokerLost(now, k.paused ? Math.max(now, k.expiresAtS) : now + this.detectionS);
  }

  /** Kafka: a member joins; the rebalance waits for every dead member's session to expire, stopping the group. */
  private join(now: number): void {
    if (!this.kafka) return;
    const until = this.ghosts.length > 0 ? Math.max(...this.ghosts) : -Infinity;
    if (until <= now) {
      this.rebalanced();
      return;
    }
    for (const m of this.consumers) {
      if (m.blockedUntilS >= until) continue;
      m.blockedUntilS = until;
      this.c.sim.cancel(m.timer);
      m.timer = this.c.sim.scheduleAt(until, onUnblocked, this);
    }
  }

  /** The broker takes a consumer for dead at `atS` (now or later): its partitions or its message move then. */
  private brokerLost(now: number, atS: number): void {
    if (this.kafka) {
      this.ghosts.push(atS);
      this.c.sim.scheduleAt(atS, onGhostExpired, this);
    } else if (this.cfg.protocol === 'rabbitmq') {
      // Its unacknowledged message (if it held one: as often as it was busy) is queued again.
      // (It took its share of the messages along with those consuming now.)
      const sharing = this.activeAt(now) + 1;
      const busy = this.store.backlog > 0 ? 1 : Math.min(1, (this.cfg.messageRate / sharing) * this.meanProcessingS);
      if (this.rng() < busy) this.c.sim.scheduleAt(atS, onRedelivered, this);
    }
  }

  /** A paused consumer's pause outlasted the broker's detection time. */
  expired(k: Consumer): void {
    k.expiry = NO_EVENT;
    if (!k.paused || !this.consumers.includes(k)) return;
    this.flush();
    k.expired = true;
    // Kafka: out of the group, it holds no partitions (the others get them now); RabbitMQ: its message is queued again.
    if (!this.kafka) this.brokerLost(this.c.sim.nowS, this.c.sim.nowS);
    this.rebalanced();
    this.store.announce(this.activeCount);
  }

  /** A dead member's session expired: the group rebalances and its partitions go to the others. */
  ghostExpired(): void {
    const now = this.c.sim.nowS;
    this.flush();
    for (let i = this.ghosts.length - 1; i >= 0; i--) if (this.ghosts[i]! <= now + timeTolerance(now)) this.ghosts.splice(i, 1);
    this.rebalanced();
    this.store.announce(this.activeCount);
  }

  /** The partitions were assigned again: messages held on stuck partitions are everyone's again. */
  private rebalanced(): void {
    if (this.held <= 0) return;
    this.store.backlog += this.held;
    this.held = 0;
  }

  /**
   * The operator sets the endpoint's state (Management API or ICP): every server running it now
   * (frozen ones when they resume) applies it at once. A deactivated consumer leaves cleanly; an
   * activated one joins again.
   */
  operatorSet(active: boolean): void {
    this.flush();
    const now = this.c.sim.nowS;
    this.operator.active = active;
    let changed = false;
    for (const k of this.consumers) {
      if (k.operatorOff === !active) continue;
      changed = true;
      k.operatorOff = !active;
      if (!active) {
        this.c.sim.cancel(k.expiry);
        k.expiry = NO_EVENT;
        k.expired = false;
      } else k.blockedUntilS = -Infinity;
    }
    if (changed) {
      if (active) this.join(now);
      else {
        this.rebalanced();
        // The last subscriber of a topic gone: what waited for it is lost.
        if (this.topicLike && this.subscribed === 0) this.store.discard();
      }
    }
    this.store.announce(this.activeCount);
  }

  announceActive(): void {
    this.store.announce(this.activeCount);
  }

  redelivered(): void {
    this.redeliveries++;
    const ch = this.c.out.artifactRedelivery;
    if (ch.active) ch.emit({ artifact: this.artifact, delayS: this.detectionS });
  }

  flush(): void {
    // The state since the last flush: an unblocking is flushed at its own moment.
    const from = this.store.lastS;
    const now = this.c.sim.nowS;
    const active = this.consumers.length === 0 ? 0 : this.activeAt(from < now ? from : now);
    const share = this.heldShare(active);
    const cfg = this.cfg;
    const polling = cfg.protocol === 'file' || cfg.protocol === 'jms' || this.kafka;
    const held = this.held;
    if (now > from) this.held += cfg.messageRate * share * (now - from);
    this.store.advance({
      // Copies of a broadcast source are processed by every consumer in parallel: the distinct
      // throughput is one consumer's; a shared source adds their capacities.
      capacity: active === 0 ? 0 : this.broadcast ? this.rate : active * this.rate,
      delivers: true,
      extraCopies: this.broadcast ? Math.max(0, active - 1) : 0,
      // A topic nobody subscribes to (a frozen subscriber still is subscribed).
      lost: this.topicLike && this.subscribed === 0,
      active,
      pollS: polling ? cfg.interval : 0,
      feedShare: 1 - share,
      held,
    });
  }
}

function onUnblocked(m: InboundModel): void {
  m.flush();
  m.announceActive();
}

function onGhostExpired(m: InboundModel): void {
  m.ghostExpired();
}

function onExpired(a: { model: InboundModel; k: Consumer }): void {
  a.model.expired(a.k);
}

function onRedelivered(m: InboundModel): void {
  m.redelivered();
}
