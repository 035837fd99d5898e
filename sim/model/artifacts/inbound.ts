import { makeDistribution } from '../../engine/distributions.js';
import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import type { InboundEndpointConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import { Store } from './flow.js';
import { timeTolerance } from '../kube/probes.js';
import type { Artifact, Runner } from './types.js';

/**
 * An inbound endpoint (design.md 4.6; facts A7) as a flow on its source. Every server running it
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
 *   mqtt         each subscription gets every message    messages are lost (clean session)
 *   rabbitmq     competing consumers share the queue     messages wait; a consumer that dies
 *                                                         without closing holds one unacknowledged
 *                                                         message until the heartbeat timeout
 *                                                         (60 s): it is delivered again then (a
 *                                                         duplicate if it had been processed)
 */

interface Consumer {
  runner: Runner;
  /** Kafka: not assigned partitions before this time (the group waits for a dead member's session to expire). */
  blockedUntilS: number;
  timer: EventHandle;
}

export class InboundModel {
  private readonly cfg: InboundEndpointConfig;
  private readonly consumers: Consumer[] = [];
  private readonly store: Store;
  private readonly rate: number;
  private readonly broadcast: boolean;
  private readonly lostWithoutConsumer: boolean;
  readonly detectionS: number;
  /** Kafka: until when the partitions of a consumer that died without leaving stay unassigned. */
  private unassignedUntilS = -Infinity;
  /** Messages delivered again after a consumer died holding them (RabbitMQ). */
  redeliveries = 0;

  constructor(
    private readonly c: Cluster,
    readonly artifact: Artifact,
  ) {
    const cfg = (this.cfg = artifact.config as InboundEndpointConfig);
    this.store = new Store(c, artifact, cfg.messageRate);
    this.rate = 1 / makeDistribution(cfg.processingTime).mean;
    const topicLike = cfg.protocol === 'mqtt' || (cfg.protocol === 'jms' && cfg.destination === 'topic');
    this.broadcast = topicLike || cfg.protocol === 'file';
    this.lostWithoutConsumer = topicLike;
    // The loader fills in the protocol's default (45 s for Kafka, 60 s for RabbitMQ, none otherwise).
    this.detectionS = cfg.brokerDetection ?? 0;
  }

  get currentBacklog(): number {
    return this.store.backlog;
  }

  get activeCount(): number {
    return this.activeAt(this.c.sim.nowS);
  }

  /** Consumers getting messages at t (every change of it is an event, so flows never straddle one). */
  private activeAt(t: number): number {
    let n = 0;
    for (const k of this.consumers) if (k.blockedUntilS <= t + timeTolerance(t)) n++;
    return n;
  }

  /** A server started or stopped consuming; `abrupt`: it died without closing its connection. */
  runnerChanged(runner: Runner, started: boolean, abrupt: boolean): void {
    this.flush();
    this.applyRunnerChange(runner, started, abrupt);
    this.store.announce(this.activeCount);
  }

  private applyRunnerChange(runner: Runner, started: boolean, abrupt: boolean): void {
    const now = this.c.sim.nowS;
    if (started) {
      const k: Consumer = { runner, blockedUntilS: this.cfg.protocol === 'kafka' ? this.unassignedUntilS : -Infinity, timer: NO_EVENT };
      if (k.blockedUntilS > now) k.timer = this.c.sim.scheduleAt(k.blockedUntilS, onUnblocked, this);
      this.consumers.push(k);
      return;
    }
    const i = this.consumers.findIndex((k) => k.runner === runner);
    if (i < 0) return;
    const gone = this.consumers[i]!;
    this.c.sim.cancel(gone.timer);
    this.consumers.splice(i, 1);
    if (!abrupt || this.detectionS <= 0 || gone.blockedUntilS > now) return;
    if (this.cfg.protocol === 'kafka') {
      // The group rebalances only when the dead member's session expires; meanwhile nobody gets
      // its partitions, and a rebalance stops every member of the group.
      this.unassignedUntilS = now + this.detectionS;
      for (const k of this.consumers) {
        k.blockedUntilS = this.unassignedUntilS;
        this.c.sim.cancel(k.timer);
        k.timer = this.c.sim.scheduleAt(k.blockedUntilS, onUnblocked, this);
      }
    } else if (this.cfg.protocol === 'rabbitmq') {
      // Its unacknowledged message is requeued when the broker closes the dead connection.
      this.c.sim.schedule(this.detectionS, onRedelivered, this);
    }
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
    const active = this.consumers.length === 0 ? 0 : this.activeAt(from < this.c.sim.nowS ? from : this.c.sim.nowS);
    const cfg = this.cfg;
    const polling = cfg.protocol === 'file' || cfg.protocol === 'jms' || cfg.protocol === 'kafka';
    this.store.advance({
      // Copies of a broadcast source are processed by every consumer in parallel: the distinct
      // throughput is one consumer's; a shared source adds their capacities.
      capacity: this.broadcast ? (active > 0 ? this.rate : 0) : active * this.rate,
      delivers: true,
      extraCopies: this.broadcast ? Math.max(0, active - 1) : 0,
      lostWithoutConsumer: this.lostWithoutConsumer,
      active,
      pollS: polling ? cfg.interval : 0,
    });
  }
}

function onUnblocked(m: InboundModel): void {
  m.flush();
  m.announceActive();
}

function onRedelivered(m: InboundModel): void {
  m.redelivered();
}
