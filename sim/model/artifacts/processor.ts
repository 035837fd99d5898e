import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import type { MessageProcessorConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import type { Artifact, Runner } from './types.js';

/**
 * A message processor on a durable message store (design.md 4.6; facts A6), as a flow: messages
 * arrive in the store at `feedRate`; every server running the processor and not deactivated is a
 * consumer (competing consumers on the store: two or more break ordering). A forwarding consumer
 * sends one message at a time (forwardTime); while the endpoint is down each message fails
 * `maxDeliveryAttempts` times, `retryInterval` apart, and then the processor deactivates (the
 * message stays) or, with `dropAfterMaxAttempts`, drops it and goes on. A sampling consumer takes
 * one message per interval and does not retry (during an endpoint outage those are lost).
 * A deactivated processor stays so until an operator re-activates it (`reactivateAfter`) or its
 * server changes (a restart, a takeover: the new one starts active).
 *
 * The store is integrated between state changes (no per-message events). With a constant feed
 * rate, FIFO order and fluid flow, the message leaving the store at time t waited B(t) / feedRate,
 * B the backlog then; a message that finds the store empty waits for the next poll.
 */

/** `processor.flow`: the processor over [fromS, toS] (one payload object, reused: copy what you keep). */
export interface ProcessorFlow {
  artifact: Artifact;
  fromS: number;
  toS: number;
  /** Consumers active (running and not deactivated) over the interval. */
  active: number;
  backlogFrom: number;
  backlogTo: number;
  /** Messages forwarded (sampled) successfully. */
  delivered: number;
  /** Messages dropped (after the last attempt, or sampled while the endpoint was down). */
  dropped: number;
  /** Queueing delay (s) of the messages delivered, going linearly from the first to the last. */
  delayFrom: number;
  delayTo: number;
  /** Whether the store was empty: then each message also waited for the next poll, U(0, interval). */
  idle: boolean;
}

interface Consumer {
  runner: Runner;
  deactivated: boolean;
  timer: EventHandle;
}

export class ProcessorModel {
  private readonly cfg: MessageProcessorConfig;
  private readonly consumers: Consumer[] = [];
  private backendUp = true;
  private backlog = 0;
  private lastS = 0;
  private readonly forwardTime: Distribution;
  private readonly reactivate: Distribution | null;
  private readonly outage: { timeBetween: Distribution; duration: Distribution } | null;
  private readonly rng: Rng;
  private readonly flow: ProcessorFlow;
  /** Deactivations so far (the metrics read it). */
  deactivations = 0;

  constructor(
    private readonly c: Cluster,
    readonly artifact: Artifact,
  ) {
    const cfg = (this.cfg = artifact.config as MessageProcessorConfig);
    this.forwardTime = makeDistribution(cfg.forwardTime);
    this.reactivate = cfg.reactivateAfter ? makeDistribution(cfg.reactivateAfter) : null;
    this.outage = cfg.backendFailures ? { timeBetween: makeDistribution(cfg.backendFailures.timeBetween), duration: makeDistribution(cfg.backendFailures.duration) } : null;
    this.rng = c.streams.stream(`artifact/${artifact.name}/processor`);
    this.flow = { artifact, fromS: 0, toS: 0, active: 0, backlogFrom: 0, backlogTo: 0, delivered: 0, dropped: 0, delayFrom: 0, delayTo: 0, idle: true };
  }

  start(): void {
    if (this.outage) this.c.sim.schedule(this.outage.timeBetween.sample(this.rng), onOutage, this);
  }

  get activeCount(): number {
    let n = 0;
    for (const k of this.consumers) if (!k.deactivated) n++;
    return n;
  }

  get currentBacklog(): number {
    return this.backlog;
  }

  /** A server started or stopped running the processor. */
  runnerChanged(runner: Runner, started: boolean): void {
    this.flush();
    if (started) {
      const k: Consumer = { runner, deactivated: false, timer: NO_EVENT };
      this.consumers.push(k);
      if (!this.backendUp) this.armDeactivation(k);
    } else {
      const i = this.consumers.findIndex((k) => k.runner === runner);
      if (i < 0) return;
      this.c.sim.cancel(this.consumers[i]!.timer);
      this.consumers.splice(i, 1);
    }
  }

  /** The endpoint fails every delivery for `durationS` (a longer outage under way wins). */
  backendDown(durationS: number): void {
    this.flush();
    const wasUp = this.backendUp;
    this.backendUp = false;
    const until = this.c.sim.nowS + durationS;
    if (until > this.backendUpAtS) {
      this.backendUpAtS = until;
      this.c.sim.scheduleAt(until, onBackendBack, this);
    }
    if (wasUp) for (const k of this.consumers) if (!k.deactivated) this.armDeactivation(k);
  }

  private backendUpAtS = -Infinity;

  backendBack(): void {
    if (this.c.sim.nowS < this.backendUpAtS) return;
    this.flush();
    this.backendUp = true;
    for (const k of this.consumers) {
      if (!k.deactivated) {
        this.c.sim.cancel(k.timer);
        k.timer = NO_EVENT;
      }
    }
  }

  drawOutage(): void {
    const o = this.outage!;
    const d = o.duration.sample(this.rng);
    if (this.c.out.fault.active) this.c.out.fault.emit({ type: 'backend-failure', target: this.artifact.name });
    this.backendDown(d);
    this.c.sim.schedule(d + o.timeBetween.sample(this.rng), onOutage, this);
  }

  /**
   * A forwarding consumer that meets a failing endpoint deactivates after the attempts on its next
   * message: at once if the store holds messages, else when one arrives and the next poll finds it.
   */
  private armDeactivation(k: Consumer): void {
    const cfg = this.cfg;
    if (cfg.type !== 'forwarding' || cfg.dropAfterMaxAttempts) return;
    const lambda = cfg.feedRate;
    let waitS = 0;
    if (this.backlog <= 0) {
      if (!(lambda > 0)) return;
      waitS = -Math.log(1 - this.rng()) / lambda + this.rng() * cfg.interval;
    }
    const attemptsS = (cfg.maxDeliveryAttempts - 1) * cfg.retryInterval + cfg.maxDeliveryAttempts * this.forwardTime.mean;
    k.timer = this.c.sim.schedule(waitS + attemptsS, onDeactivate, { model: this, k });
  }

  deactivate(k: Consumer): void {
    k.timer = NO_EVENT;
    if (k.deactivated || !this.consumers.includes(k)) return;
    this.flush();
    k.deactivated = true;
    this.deactivations++;
    const ch = this.c.out.processorState;
    if (ch.active) ch.emit(this);
    if (this.reactivate) k.timer = this.c.sim.schedule(this.reactivate.sample(this.rng), onReactivate, { model: this, k });
  }

  reactivateConsumer(k: Consumer): void {
    k.timer = NO_EVENT;
    if (!k.deactivated || !this.consumers.includes(k)) return;
    this.flush();
    k.deactivated = false;
    const ch = this.c.out.processorState;
    if (ch.active) ch.emit(this);
    if (!this.backendUp) this.armDeactivation(k);
  }

  /** Messages per second one active consumer takes from the store, and whether they are delivered. */
  private perConsumer(): { rate: number; delivers: boolean } {
    const cfg = this.cfg;
    if (cfg.type === 'sampling') return { rate: 1 / cfg.interval, delivers: this.backendUp };
    if (this.backendUp) return { rate: 1 / this.forwardTime.mean, delivers: true };
    if (!cfg.dropAfterMaxAttempts) return { rate: 0, delivers: false }; // retrying its message until it deactivates
    const cycleS = (cfg.maxDeliveryAttempts - 1) * cfg.retryInterval + cfg.maxDeliveryAttempts * this.forwardTime.mean;
    return { rate: 1 / cycleS, delivers: false };
  }

  /** Integrates the store up to now and announces the flow. */
  flush(): void {
    const now = this.c.sim.nowS;
    const from = this.lastS;
    if (now <= from) return;
    this.lastS = now;
    const lambda = this.cfg.feedRate;
    const active = this.activeCount;
    const { rate, delivers } = this.perConsumer();
    const capacity = active * rate;
    let t = from;
    let b = this.backlog;
    while (t < now) {
      if (b > 0 || lambda > capacity) {
        // Backlogged: departures at capacity; the store drains to empty first if it can.
        const net = lambda - capacity;
        let end = now;
        if (net < 0 && b + net * (now - t) < 0) end = t - b / net;
        const b1 = end === now ? b + net * (end - t) : 0;
        this.emitFlow(t, end, active, b, b1, capacity * (end - t), delivers, lambda);
        b = b1;
        t = end;
      } else {
        // The store stays empty: every message leaves as it comes, after the next poll.
        this.emitFlow(t, now, active, 0, 0, lambda * (now - t), delivers, lambda);
        t = now;
      }
    }
    this.backlog = b;
  }

  private emitFlow(fromS: number, toS: number, active: number, b0: number, b1: number, departed: number, delivers: boolean, lambda: number): void {
    const ch = this.c.out.processorFlow;
    if (!ch.active) return;
    const f = this.flow;
    f.fromS = fromS;
    f.toS = toS;
    f.active = active;
    f.backlogFrom = b0;
    f.backlogTo = b1;
    f.delivered = delivers ? departed : 0;
    f.dropped = delivers ? 0 : departed;
    f.delayFrom = lambda > 0 ? b0 / lambda : 0;
    f.delayTo = lambda > 0 ? b1 / lambda : 0;
    f.idle = b0 <= 0 && b1 <= 0;
    ch.emit(f);
  }
}

function onOutage(m: ProcessorModel): void {
  m.drawOutage();
}

function onBackendBack(m: ProcessorModel): void {
  m.backendBack();
}

function onDeactivate(a: { model: ProcessorModel; k: Consumer }): void {
  a.model.deactivate(a.k);
}

function onReactivate(a: { model: ProcessorModel; k: Consumer }): void {
  a.model.reactivateConsumer(a.k);
}
