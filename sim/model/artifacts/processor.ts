import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import type { MessageProcessorConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import type { Artifact, Runner, RunnerTransition } from './types.js';
import { Store, type OperatorIntent } from './flow.js';

/**
 * A message processor on a durable message store (docs/model.md §10.3), as a flow: messages
 * arrive in the store at `feedRate`; every server running the processor and not deactivated is a
 * consumer (competing consumers on the store: two or more break ordering). A forwarding consumer
 * sends one message at a time (forwardTime); while the endpoint is down each message fails
 * `maxDeliveryAttempts` times, `retryInterval` apart, and then the processor deactivates (the
 * message stays) or, with `dropAfterMaxAttempts`, drops it and goes on. A sampling consumer takes
 * one message per interval and does not retry (during an endpoint outage those are lost).
 * A deactivated processor stays so until an operator re-activates it (`reactivateAfter`) or its
 * server changes (a restart, a takeover: the new one starts active); a JVM pause only suspends a
 * consumer, which resumes as it was (deactivated or not, its retries and timers running on).
 * An operator's deactivation (docs/model.md §10.5) stops a consumer until the operator activates it
 * again; an activation also ends a deactivation by the backend (the Management API restarts it).
 *
 * The store is a flow (flow.ts): integrated between state changes, no per-message events.
 */

interface Consumer {
  runner: Runner;
  deactivated: boolean;
  /** Its JVM is frozen: it consumes nothing until it resumes. */
  paused: boolean;
  /** Its server runs it inactive, as an operator set it (docs/model.md §10.5). */
  operatorOff: boolean;
  timer: EventHandle;
}

export class ProcessorModel {
  private readonly cfg: MessageProcessorConfig;
  private readonly consumers: Consumer[] = [];
  private backendUp = true;
  private readonly store: Store;
  private readonly forwardTime: Distribution;
  private readonly reactivate: Distribution | null;
  private readonly outage: { timeBetween: Distribution; duration: Distribution } | null;
  private readonly rng: Rng;
  /** Deactivations so far (the metrics read it). */
  deactivations = 0;
  /** The state the operator wants (docs/model.md §10.5). */
  readonly operator: OperatorIntent = { active: true };

  get intendedActive(): boolean {
    return this.operator.active;
  }

  constructor(
    private readonly c: Cluster,
    readonly artifact: Artifact,
  ) {
    const cfg = (this.cfg = artifact.config as MessageProcessorConfig);
    this.forwardTime = makeDistribution(cfg.forwardTime);
    this.reactivate = cfg.reactivateAfter ? makeDistribution(cfg.reactivateAfter) : null;
    this.outage = cfg.backendFailures ? { timeBetween: makeDistribution(cfg.backendFailures.timeBetween), duration: makeDistribution(cfg.backendFailures.duration) } : null;
    this.rng = c.streams.stream(`artifact/${artifact.name}/processor`);
    this.store = new Store(c, artifact, cfg.feedRate);
  }

  start(): void {
    if (this.outage) this.c.sim.schedule(this.outage.timeBetween.sample(this.rng), onOutage, this);
  }

  get activeCount(): number {
    let n = 0;
    for (const k of this.consumers) if (!k.deactivated && !k.paused && !k.operatorOff) n++;
    return n;
  }

  /** Some server runs it in another state than the operator's. */
  get againstOperator(): boolean {
    for (const k of this.consumers) if (k.operatorOff === this.intendedActive) return true;
    return false;
  }

  /** Servers run it and every one of them runs it inactive as an operator set it. */
  get allOperatorOff(): boolean {
    return this.consumers.length > 0 && this.consumers.every((k) => k.operatorOff);
  }

  /** Every server running the processor has it deactivated (its backend failed): none consumes, though some could. */
  get allDeactivated(): boolean {
    return this.consumers.length > 0 && this.consumers.every((k) => k.deactivated);
  }

  get currentBacklog(): number {
    return this.store.backlog;
  }

  /**
   * A server started, resumed, paused or stopped running the processor. A server that starts it
   * runs it active or not as `operatorActive` says (its registry, docs/model.md §10.5).
   */
  runnerChanged(runner: Runner, how: RunnerTransition, operatorActive = true): void {
    this.flush();
    const i = this.consumers.findIndex((k) => k.runner.pod === runner.pod);
    const k = i < 0 ? null : this.consumers[i]!;
    if (how === 'paused' && k !== null) k.paused = true;
    else if (how === 'resumed' && k !== null && k.paused) {
      k.paused = false;
      k.runner = runner;
    } else if (how === 'started' || how === 'resumed') {
      const fresh: Consumer = { runner, deactivated: false, paused: false, operatorOff: !operatorActive, timer: NO_EVENT };
      this.consumers.push(fresh);
      if (!this.backendUp && operatorActive) this.armDeactivation(fresh);
    } else if ((how === 'stopped' || how === 'died') && k !== null) {
      this.c.sim.cancel(k.timer);
      this.consumers.splice(i, 1);
    }
    this.store.announce(this.activeCount);
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
    if (wasUp) for (const k of this.consumers) if (!k.deactivated && !k.operatorOff) this.armDeactivation(k);
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
    if (this.store.backlog <= 0) {
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
    this.store.announce(this.activeCount);
    const ch = this.c.out.processorState;
    if (ch.active) ch.emit(this);
    if (this.reactivate) k.timer = this.c.sim.schedule(this.reactivate.sample(this.rng), onReactivate, { model: this, k });
  }

  reactivateConsumer(k: Consumer): void {
    k.timer = NO_EVENT;
    if (!k.deactivated || !this.consumers.includes(k)) return;
    this.flush();
    k.deactivated = false;
    this.store.announce(this.activeCount);
    const ch = this.c.out.processorState;
    if (ch.active) ch.emit(this);
    if (!this.backendUp && !k.operatorOff) this.armDeactivation(k);
  }

  /**
   * The operator sets the processor's state (Management API or ICP): every server running it now
   * (frozen ones when they resume) applies it at once. An activation also ends a deactivation by
   * the backend.
   */
  operatorSet(active: boolean): void {
    this.flush();
    this.operator.active = active;
    for (const k of this.consumers) {
      if (k.operatorOff === !active) continue;
      k.operatorOff = !active;
      if (!active) {
        // Stopped: a delivery it was failing ends (a re-activation timer of a deactivated one runs on).
        if (!k.deactivated) {
          this.c.sim.cancel(k.timer);
          k.timer = NO_EVENT;
        }
      } else {
        this.c.sim.cancel(k.timer);
        k.timer = NO_EVENT;
        k.deactivated = false;
        if (!this.backendUp) this.armDeactivation(k);
      }
    }
    this.store.announce(this.activeCount);
    const ch = this.c.out.processorState;
    if (ch.active) ch.emit(this);
  }

  /** Integrates the store up to now and announces the flow. */
  flush(): void {
    const cfg = this.cfg;
    const active = this.activeCount;
    let rate: number;
    let delivers = this.backendUp;
    if (cfg.type === 'sampling') rate = 1 / cfg.interval;
    else if (this.backendUp) rate = 1 / this.forwardTime.mean;
    else if (!cfg.dropAfterMaxAttempts) rate = 0; // retrying its message until it deactivates
    else {
      rate = 1 / ((cfg.maxDeliveryAttempts - 1) * cfg.retryInterval + cfg.maxDeliveryAttempts * this.forwardTime.mean);
      delivers = false;
    }
    this.store.advance({
      capacity: active > 0 ? active * rate : 0,
      delivers,
      extraCopies: 0,
      lost: false,
      active,
      pollS: cfg.interval,
    });
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
