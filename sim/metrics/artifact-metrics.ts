import type { EventBus } from '../engine/bus.js';
import type { Artifact, Runner } from '../model/artifacts/types.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import type { MetricValues } from './replication-metrics.js';
import { CausedDowntime, UpDownTracker } from './up-down.js';
import { ARTIFACT_CAUSES, DUPLICATE_CAUSES, stampCause } from './causes.js';
import type { Pod } from '../model/kube/types.js';
import { timeTolerance } from '../model/kube/probes.js';
import { Histogram } from './histogram.js';
import { makeDistribution } from '../engine/distributions.js';
import { ProcessorModel } from '../model/artifacts/processor.js';
import type { InboundModel } from '../model/artifacts/inbound.js';
import type { ArtifactFlow } from '../model/artifacts/flow.js';
import type { ArtifactConfig } from '../scenario/types.js';

/** Per-replication samples of a distribution metric (pooled across replications by the experiment). */
export type DistributionValues = Map<string, number[]>;


interface Active {
  runner: Runner;
  /** Start of the current accounting segment (its role, primary or not, is constant in it). */
  segStartS: number;
  /** Its last fire so far (for taking over as primary without a false gap). */
  lastFireS: number;
}

/**
 * Fire accounting of one scheduled task, by arithmetic over runner segments (no fire is
 * simulated). The oldest runner is the primary: its fires are the task's executions; every fire
 * of another runner at the same time is a duplicate. A slot is missed when the schedule the last
 * execution followed passes it before the next execution: for an interval task, the fires the
 * old owner would have made before the new owner's first; for fixed times, the times nobody ran.
 */
export class TaskAccount {
  readonly coverage = new UpDownTracker();
  /** The same downtime by cause; `causeOfDown` is set by ArtifactMetrics. */
  readonly caused = new CausedDowntime('startup');
  causeOfDown: () => string = () => 'other';
  private readonly active: Active[] = [];
  private windowS = Infinity;
  /** The last execution, and the anchor of the schedule it followed. */
  private lastExecS = -Infinity;
  private refAnchorS = 0;
  /** Missed slots are counted up to here. */
  private missedUntilS = -Infinity;
  private gapSinceS = NaN;
  executions = 0;
  duplicates = 0;
  missed = 0;
  readonly takeovers: number[] = [];
  /** Duplicate runs by cause; `duplicateCause` (set by ArtifactMetrics) names why the runners overlap. */
  readonly duplicatesBy = new Map<string, number>();
  duplicateCause: (runners: readonly Runner[]) => string = () => 'other';
  private overlapCause = 'other';

  constructor(readonly artifact: Artifact) {}

  change(t: number, runner: Runner, started: boolean): void {
    this.closeSegments(t);
    if (started) {
      if (this.active.length === 0 && !Number.isNaN(this.gapSinceS)) {
        if (this.gapSinceS >= this.windowS && t > this.gapSinceS) this.takeovers.push(t - this.gapSinceS);
        this.gapSinceS = NaN;
      }
      this.active.push({ runner, segStartS: t, lastFireS: -Infinity });
    } else {
      const i = this.active.findIndex((a) => a.runner === runner);
      if (i >= 0) this.active.splice(i, 1);
      if (this.active.length === 0) this.gapSinceS = t;
    }
    this.coverage.set(t, this.active.length > 0);
    this.caused.set(t, this.active.length > 0, this.causeOfDown);
    if (this.active.length > 1) this.overlapCause = this.duplicateCause(this.active.map((a) => a.runner));
  }

  startWindow(t: number): void {
    this.closeSegments(t);
    this.windowS = t;
    this.executions = this.duplicates = this.missed = 0;
    this.duplicatesBy.clear();
    this.takeovers.length = 0;
    this.missedUntilS = Math.max(this.missedUntilS, t);
    this.coverage.startWindow(t);
    this.caused.startWindow(t, this.causeOfDown);
  }

  finish(t: number): void {
    this.closeSegments(t);
    this.coverage.finish(t);
    this.caused.finish(t);
    // A gap still open at the horizon counts, censored: up to the horizon (a lower bound).
    if (this.active.length === 0 && this.gapSinceS >= this.windowS && t > this.gapSinceS) this.takeovers.push(t - this.gapSinceS);
  }

  /** Accounts every runner's fires up to t and starts new segments there. */
  private closeSegments(t: number): void {
    const s = this.artifact.schedule;
    if (s === null) {
      // Not a scheduled task: only who runs it is tracked (coverage, takeovers).
      for (const a of this.active) a.segStartS = t;
      return;
    }
    const from = (x: number): number => Math.max(x, this.windowS);
    if (this.active.length === 0) {
      this.countMissed(t);
      return;
    }
    this.active.forEach((a, i) => {
      const anchor = a.runner.anchorS;
      const last = s.lastBefore(anchor, t);
      if (i === 0) {
        // A runner that becomes primary with an earlier fire of its own takes the schedule from there.
        if (a.lastFireS > this.lastExecS) {
          this.lastExecS = a.lastFireS;
          this.refAnchorS = anchor;
        }
        const first = s.firstAtOrAfter(anchor, a.segStartS);
        this.countMissed(Math.min(first, t));
        if (first < t) {
          this.executions += s.count(anchor, from(a.segStartS), t);
          this.lastExecS = last;
          this.refAnchorS = anchor;
          this.missedUntilS = t;
        }
      } else {
        const n = s.count(anchor, from(a.segStartS), t);
        if (n > 0) {
          this.duplicates += n;
          this.duplicatesBy.set(this.overlapCause, (this.duplicatesBy.get(this.overlapCause) ?? 0) + n);
        }
      }
      if (last >= a.segStartS) a.lastFireS = last;
      a.segStartS = t;
    });
  }

  /** Slots of the last execution's schedule strictly after it and before `until`, not counted yet. */
  private countMissed(until: number): void {
    const after = this.lastExecS === -Infinity ? -Infinity : this.lastExecS + 2 * timeTolerance(this.lastExecS);
    const a = Math.max(after, this.missedUntilS, this.windowS);
    const s = this.artifact.schedule;
    if (s !== null && until > a) this.missed += s.count(this.refAnchorS, a, until);
    this.missedUntilS = Math.max(this.missedUntilS, until);
  }
}

/**
 * A message processor's or inbound endpoint's flows (artifact.flow): messages delivered, their
 * duplicates and the ones lost, the backlog's peak, the delivery delay distribution (queueing in
 * the store, or the wait for the next poll when it was empty, plus the processing time), time with
 * an active consumer (and its gaps: for an inbound endpoint the takeover, which may wait for the
 * broker), and with two or more (ordering no longer guaranteed).
 */
export class FlowAccount {
  readonly active = new UpDownTracker();
  readonly caused = new CausedDowntime('startup');
  causeOfDown: () => string = () => 'other';
  /** Changes of what keeps it down, applied as its flows (which come after the fact) reach their time. */
  private readonly recauses: Array<[number, string]> = [];
  private measuring = false;
  private windowS = Infinity;
  delivered = 0;
  duplicated = 0;
  dropped = 0;
  backlogMax = 0;
  parallelS = 0;
  readonly delayMs = new Histogram();
  /** Time some server ran it in another state than the operator's, and messages consumed while the operator wanted it inactive (docs/model.md §10.5). */
  againstOperatorS = 0;
  againstOperatorMessages = 0;
  /** Gaps of the active signal that ended (inbound endpoints report these as takeovers). */
  readonly gaps: number[] = [];
  private gapSinceS = NaN;
  private readonly processMs: number;
  private deactivationsAtStart = 0;
  private idleDelivered = 0;
  private pollS = 0;

  constructor(readonly model: ProcessorModel | InboundModel) {
    const cfg = model.artifact.config;
    this.processMs =
      cfg.kind === 'message-processor'
        ? cfg.type === 'forwarding'
          ? makeDistribution(cfg.forwardTime).mean * 1000
          : 0
        : cfg.kind === 'inbound-endpoint'
          ? makeDistribution(cfg.processingTime).mean * 1000
          : 0;
    this.active.set(0, false);
  }

  /** What keeps it down changed at `t` (now): applied once its flows have reached `t`. */
  recauseAt(t: number, cause: string): void {
    this.recauses.push([t, cause]);
  }

  private applyRecauses(untilS: number): void {
    let k = 0;
    while (k < this.recauses.length && this.recauses[k]![0] <= untilS) {
      const [t, cause] = this.recauses[k]!;
      this.caused.recause(t, cause);
      k++;
    }
    if (k > 0) this.recauses.splice(0, k);
  }

  flow(f: ArtifactFlow): void {
    this.applyRecauses(f.fromS);
    const up = f.active > 0;
    if (up !== this.active.isUp) {
      if (!up) this.gapSinceS = f.fromS;
      else if (!Number.isNaN(this.gapSinceS)) {
        if (this.gapSinceS >= this.windowS && f.fromS > this.gapSinceS) this.gaps.push(f.fromS - this.gapSinceS);
        this.gapSinceS = NaN;
      }
    }
    this.active.set(f.fromS, up);
    this.caused.set(f.fromS, up, this.causeOfDown);
    if (!this.measuring) return;
    this.delivered += f.delivered;
    this.duplicated += f.duplicated;
    this.dropped += f.dropped;
    if (f.backlogFrom > this.backlogMax) this.backlogMax = f.backlogFrom;
    if (f.backlogTo > this.backlogMax) this.backlogMax = f.backlogTo;
    if (f.active >= 2) this.parallelS += f.toS - f.fromS;
    // (Flows are reported before the model changes state: its operator state now is the flow's.)
    if (this.model.againstOperator) this.againstOperatorS += f.toS - f.fromS;
    if (!this.model.intendedActive) this.againstOperatorMessages += f.delivered + f.duplicated;
    if (f.delivered > 0) {
      if (f.idle) {
        // Every message from an empty store waited U(0, poll): the same range, recorded once at the end.
        this.idleDelivered += f.delivered;
        this.pollS = f.pollS;
      } else {
        // The delivered messages' delays are spread evenly between the two ends.
        const [fromS, toS] = f.delayFrom <= f.delayTo ? [f.delayFrom, f.delayTo] : [f.delayTo, f.delayFrom];
        this.delayMs.recordUniform(fromS * 1000 + this.processMs, toS * 1000 + this.processMs, f.delivered);
      }
    }
  }

  redelivered(): void {
    if (this.measuring) this.duplicated++;
  }

  startWindow(t: number): void {
    this.measuring = true;
    this.windowS = t;
    this.delivered = this.duplicated = this.dropped = this.parallelS = this.againstOperatorS = this.againstOperatorMessages = 0;
    this.backlogMax = this.model.currentBacklog;
    this.gaps.length = 0;
    this.delayMs.reset();
    this.idleDelivered = 0;
    this.deactivationsAtStart = this.deactivationsNow();
    this.active.startWindow(t);
    this.caused.startWindow(t, this.causeOfDown);
  }

  finish(t: number): void {
    this.applyRecauses(t);
    this.active.set(t, this.model.activeCount > 0);
    this.caused.set(t, this.model.activeCount > 0, this.causeOfDown);
    this.active.finish(t);
    this.caused.finish(t);
    // A gap still open at the horizon counts, censored: up to the horizon (a lower bound).
    if (!this.active.isUp && this.gapSinceS >= this.windowS && t > this.gapSinceS) this.gaps.push(t - this.gapSinceS);
    this.measuring = false;
    this.delayMs.recordUniform(this.processMs, this.pollS * 1000 + this.processMs, this.idleDelivered, 2048);
    this.idleDelivered = 0;
  }

  private deactivationsNow(): number {
    return this.model instanceof ProcessorModel ? this.model.deactivations : 0;
  }

  get deactivations(): number {
    return this.deactivationsNow() - this.deactivationsAtStart;
  }
}


/**
 * Metrics of the stateful artifacts (docs/model.md §11.5): per artifact `availability` (time with
 * a runner; for a message processor, an active one), `executions` (fires; messages delivered),
 * `missedExecutions` (slots nobody ran; messages dropped), `duplicateExecutions`, `takeovers` and
 * the `takeoverS` distribution (a runner lost to the next one running); for message processors
 * also `backlogMax`, `deliveryDelayMs` (mean, p99), `deactivations` and `parallelFraction`, and for
 * them and inbound endpoints `againstOperatorS` and `againstOperatorMessages` (docs/model.md §10.5); per
 * capability the time every artifact of that kind was available, the totals and the takeovers pooled.
 */
export class ArtifactMetrics {
  private readonly accounts: TaskAccount[];
  private readonly processors: Array<FlowAccount | null>;
  private readonly capabilities: Array<{ key: string; members: number[]; up: UpDownTracker; down: number }>;

  constructor(c: Cluster, bus: EventBus<ModelEvents>) {
    const rt = c.artifacts;
    const artifacts = rt?.artifacts ?? [];
    this.accounts = artifacts.map((a) => new TaskAccount(a));
    this.processors = artifacts.map((a) => (rt?.flows[a.index] ? new FlowAccount(rt.flows[a.index]!) : null));
    this.capabilities = CAPABILITIES.map(([key, kind]) => {
      const members = artifacts.filter((a) => a.config.kind === kind).map((a) => a.index);
      const up = new UpDownTracker();
      up.set(0, members.length === 0);
      return { key, members, up, down: members.length };
    }).filter((cap) => cap.members.length > 0);
    // A consumer's availability as announced when it changes (its flows arrive after the fact).
    const consuming = new Uint8Array(artifacts.length);
    const isUp = (i: number): boolean => (this.processors[i] ? consuming[i] === 1 : this.accounts[i]!.coverage.isUp);
    const track = (i: number, was: boolean, t: number): void => {
      const is = isUp(i);
      if (was === is) return;
      for (const cap of this.capabilities) {
        if (!cap.members.includes(i)) continue;
        cap.down += is ? -1 : 1;
        cap.up.set(t, cap.down === 0);
      }
    };
    // What keeps each artifact down (docs: sim/metrics/causes.ts): the cause of its last runner's
    // stop, or what the coordination cluster does meanwhile.
    const rejected = new Set<string>();
    const fenced = new Set<string>();
    const assigned = new Map<string, string>();
    const stopCause = new Map<number, string>();
    const keptDownBy = (i: number): string | null => {
      const a = artifacts[i]!;
      // The operator wants it inactive, or its servers run it inactive as an operator once set it (docs/model.md §10.5).
      const flow = rt?.flows[i];
      if (flow && (!flow.intendedActive || flow.allOperatorOff)) return 'operator';
      const on = assigned.get(a.name);
      if (on !== undefined && rejected.has(on)) return 'duplicateNodeCheck';
      if (fenced.size > 0 && (on === undefined || fenced.has(on)) && a.config.coordination) return 'coordinationDb';
      const proc = this.processors[i];
      if (proc?.model instanceof ProcessorModel && proc.model.allDeactivated) return 'backend';
      return null;
    };
    const causeOf = (i: number) => () => keptDownBy(i) ?? stopCause.get(i) ?? 'startup';
    // Servers the coordination cluster removed while they lived, by what made them look dead (for
    // the container that lived then: a restarted one starts afresh; a rejoin does not stop its tasks).
    const removedAlive = new Map<string, { why: string; container: number }>();
    const joinedContainer = new Map<string, number>();
    let leader: string | null = null;
    const frozeIn = new Map<string, { why: string; container: number }>();
    const podNamed = (name: string): Pod | undefined => {
      for (const w of c.workloads) for (const p of w.pods) if (p.name === name) return p;
      return undefined;
    };
    const whyRemoved = (pod: Pod): string | null => {
      if (pod.phase !== 'Running' || pod.node === null || !pod.node.up) return null;
      const stamp = stampCause(pod.disruption);
      if (stamp !== null) return stamp;
      const now = c.sim.nowS;
      const db = rt!.database;
      if (!db.reachable(pod.node, now)) return 'nodePartition';
      if (db.isDown(now) || db.isSlow(now) || fenced.has(pod.name)) return 'coordinationDb';
      // Heartbeats are written and judged by the servers' own clocks: the removed one's, or the
      // leader's that swept it.
      const judge = leader === null ? undefined : podNamed(leader);
      if ((pod.node.clockOffsetS ?? 0) !== 0 || (judge?.node?.clockOffsetS ?? 0) !== 0) return 'clockSkew';
      return 'other';
    };
    const duplicateCause = (runners: readonly Runner[]): string => {
      for (const r of runners) {
        const removed = removedAlive.get(r.pod.name);
        if (removed !== undefined && removed.container === r.pod.containerStartS) return removed.why;
      }
      // A pod on its way out (replaced by a rollout, scale change or drain) or cut off by a
      // partition, still running beside its replacement.
      const leaving = (r: Runner) => r.pod.phase === 'Terminating' || r.pod.phase === 'Killing' || r.pod.disruption === 'node-partition';
      const staying = runners.filter((r) => !leaving(r));
      // Uncoordinated servers that each run it, by design (whatever else is going on).
      if (staying.length >= 2 && staying.some((r) => !r.coordinated)) return 'uncoordinated';
      for (const r of runners) if (leaving(r)) return stampCause(r.pod.disruption) ?? 'other';
      // A coordinated server that froze (a JVM pause or hang) while another took its tasks, and resumed them.
      for (const r of runners) {
        const froze = frozeIn.get(r.pod.name);
        if (r.coordinated && froze !== undefined && froze.container === r.pod.containerStartS) return froze.why;
      }
      return runners.some((r) => !r.coordinated) ? 'uncoordinated' : 'other';
    };
    for (const account of this.accounts) account.duplicateCause = duplicateCause;
    artifacts.forEach((a) => {
      this.accounts[a.index]!.causeOfDown = causeOf(a.index);
      const proc = this.processors[a.index];
      if (proc) proc.causeOfDown = causeOf(a.index);
    });
    const recause = () => {
      for (const a of artifacts) {
        const proc = this.processors[a.index];
        // (A consumer's flows reach the present later: its change waits for them.)
        if (proc) proc.recauseAt(c.sim.nowS, causeOf(a.index)());
        else if (this.accounts[a.index]!.caused.isDown) this.accounts[a.index]!.caused.recause(c.sim.nowS, causeOf(a.index)());
      }
    };
    bus.on('coordination', (e) => {
      if (e.kind === 'elected') leader = e.node;
      if (e.kind === 'joined' || e.kind === 'rejoined') {
        const pod = podNamed(e.node);
        if (pod !== undefined) joinedContainer.set(e.node, pod.containerStartS);
      } else if (e.kind === 'removed') {
        // Only the member the living container joined as (not an earlier container's row), and
        // the first reason it was taken for dead (the container stays removed-while-alive till it restarts).
        const pod = podNamed(e.node);
        const earlier = removedAlive.get(e.node);
        if (pod !== undefined && joinedContainer.get(e.node) === pod.containerStartS && earlier?.container !== pod.containerStartS) {
          const why = whyRemoved(pod);
          if (why !== null) removedAlive.set(e.node, { why, container: pod.containerStartS });
        }
      }
      if (e.kind === 'duplicate-node') rejected.add(e.node);
      else if (e.kind === 'joined' || e.kind === 'rejoined' || e.kind === 'removed' || e.kind === 'self-removed') {
        rejected.delete(e.node);
        if (e.kind !== 'joined') fenced.delete(e.node);
      }
      if (e.kind === 'fenced') fenced.add(e.node);
      if (e.kind === 'rejoined') fenced.delete(e.node);
      if (e.kind === 'assigned' && e.task !== undefined) assigned.set(e.task, e.node);
      if (e.kind === 'unassigned' && e.task !== undefined && assigned.get(e.task) === e.node) assigned.delete(e.task);
      recause();
    });
    bus.on('artifact.runner', ({ runner, started }) => {
      const i = runner.artifact.index;
      if (!started) {
        const pod = runner.pod;
        if (pod.phase === 'Running' && pod.hung && (pod.disruption === 'jvm-pause' || pod.disruption === 'container-hang')) {
          frozeIn.set(pod.name, { why: stampCause(pod.disruption)!, container: pod.containerStartS });
        }
        stopCause.set(i, stampCause(pod.disruption) ?? (fenced.has(pod.name) ? 'coordinationDb' : rejected.has(pod.name) ? 'duplicateNodeCheck' : 'other'));
      }
      const was = isUp(i);
      this.accounts[i]!.change(c.sim.nowS, runner, started);
      track(i, was, c.sim.nowS);
    });
    bus.on('artifact.flow', (f) => this.processors[f.artifact.index]!.flow(f));
    bus.on('artifact.active', ({ artifact, active }) => {
      const i = artifact.index;
      const was = isUp(i);
      consuming[i] = active > 0 ? 1 : 0;
      track(i, was, c.sim.nowS);
    });
    bus.on('artifact.redelivery', ({ artifact }) => this.processors[artifact.index]!.redelivered());
    bus.on('artifact.operator', () => recause());
  }

  startWindow(t: number): void {
    for (const a of this.accounts) a.startWindow(t);
    for (const p of this.processors) p?.startWindow(t);
    for (const cap of this.capabilities) cap.up.startWindow(t);
  }

  finish(t: number, spanS: number, into: MetricValues, dists: DistributionValues): void {
    const totals = new Map<string, { executions: number; missed: number; duplicates: number; deactivations: number; againstS: number; againstMessages: number; takeovers: number[] }>();
    const taskDuplicatesBy = new Map<string, number>();
    for (const a of this.accounts) {
      a.finish(t);
      const art = a.artifact;
      const p = `artifacts.${art.name}`;
      const proc = this.processors[art.index];
      let executions = a.executions + a.duplicates;
      let missed = a.missed;
      let duplicates = a.duplicates;
      let deactivations = 0;
      let takeovers = a.takeovers;
      if (proc) {
        proc.finish(t);
        executions = proc.delivered + proc.duplicated;
        missed = proc.dropped;
        duplicates = proc.duplicated;
        deactivations = proc.deactivations;
        // An inbound endpoint consumes again when a broker gives the new server the messages.
        if (art.config.kind === 'inbound-endpoint') takeovers = proc.gaps;
        into.set(`${p}.availability`, 1 - proc.active.downS / spanS);
        into.set(`${p}.downtimeS`, proc.active.downS);
        into.set(`${p}.backlogMax`, proc.backlogMax);
        if (art.config.kind === 'message-processor') into.set(`${p}.deactivations`, deactivations);
        into.set(`${p}.parallelFraction`, proc.parallelS / spanS);
        into.set(`${p}.againstOperatorS`, proc.againstOperatorS);
        into.set(`${p}.againstOperatorMessages`, proc.againstOperatorMessages);
        const [p99] = proc.delayMs.quantiles([0.99]);
        into.set(`${p}.deliveryDelayMs.mean`, proc.delivered > 0 ? proc.delayMs.mean : NaN);
        into.set(`${p}.deliveryDelayMs.p99`, proc.delivered > 0 ? p99! : NaN);
      } else {
        into.set(`${p}.availability`, 1 - a.coverage.downS / spanS);
        into.set(`${p}.downtimeS`, a.coverage.downS);
      }
      into.set(`${p}.executions`, executions);
      into.set(`${p}.missedExecutions`, missed);
      into.set(`${p}.duplicateExecutions`, duplicates);
      into.set(`${p}.takeovers`, takeovers.length);
      const caused = (proc ?? a).caused.downS;
      for (const cause of ARTIFACT_CAUSES) into.set(`${p}.downtimeByCauseS.${cause}`, caused.get(cause) ?? 0);
      if (art.config.kind === 'scheduled-task') {
        for (const cause of DUPLICATE_CAUSES) {
          const n = a.duplicatesBy.get(cause) ?? 0;
          into.set(`${p}.duplicatesByCause.${cause}`, n);
          taskDuplicatesBy.set(cause, (taskDuplicatesBy.get(cause) ?? 0) + n);
        }
      }
      dists.set(`${p}.takeoverS`, [...takeovers]);
      const key = art.config.kind;
      const tot = totals.get(key) ?? { executions: 0, missed: 0, duplicates: 0, deactivations: 0, againstS: 0, againstMessages: 0, takeovers: [] };
      tot.takeovers.push(...takeovers);
      tot.executions += executions;
      tot.missed += missed;
      tot.duplicates += duplicates;
      tot.deactivations += deactivations;
      tot.againstS += proc?.againstOperatorS ?? 0;
      tot.againstMessages += proc?.againstOperatorMessages ?? 0;
      totals.set(key, tot);
    }
    for (const cap of this.capabilities) {
      cap.up.finish(t);
      const kind = CAPABILITIES.find(([key]) => key === cap.key)![1];
      const tot = totals.get(kind)!;
      into.set(`capabilities.${cap.key}.availability`, 1 - cap.up.downS / spanS);
      into.set(`capabilities.${cap.key}.executions`, tot.executions);
      into.set(`capabilities.${cap.key}.missedExecutions`, tot.missed);
      into.set(`capabilities.${cap.key}.duplicateExecutions`, tot.duplicates);
      if (kind === 'scheduled-task') for (const cause of DUPLICATE_CAUSES) into.set(`capabilities.${cap.key}.duplicatesByCause.${cause}`, taskDuplicatesBy.get(cause) ?? 0);
      if (kind === 'message-processor') into.set(`capabilities.${cap.key}.deactivations`, tot.deactivations);
      if (kind !== 'scheduled-task') {
        // Summed over its artifacts (artifact-seconds) (docs/model.md §10.5).
        into.set(`capabilities.${cap.key}.againstOperatorS`, tot.againstS);
        into.set(`capabilities.${cap.key}.againstOperatorMessages`, tot.againstMessages);
      }
      // Every takeover of the capability's artifacts, pooled (its p95 is the headline's).
      dists.set(`capabilities.${cap.key}.takeoverS`, tot.takeovers);
    }
  }
}

/** The capabilities summarised in the table, by artifact kind. */
const CAPABILITIES: Array<[string, ArtifactConfig['kind']]> = [
  ['scheduledTasks', 'scheduled-task'],
  ['messageProcessors', 'message-processor'],
  ['inboundEndpoints', 'inbound-endpoint'],
];
