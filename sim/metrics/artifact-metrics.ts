import type { EventBus } from '../engine/bus.js';
import type { Artifact, Runner } from '../model/artifacts/types.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import type { MetricValues } from './replication-metrics.js';
import { UpDownTracker } from './up-down.js';
import { timeTolerance } from '../model/kube/probes.js';

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
  }

  startWindow(t: number): void {
    this.closeSegments(t);
    this.windowS = t;
    this.executions = this.duplicates = this.missed = 0;
    this.takeovers.length = 0;
    this.missedUntilS = Math.max(this.missedUntilS, t);
    this.coverage.startWindow(t);
  }

  finish(t: number): void {
    this.closeSegments(t);
    this.coverage.finish(t);
  }

  /** Accounts every runner's fires up to t and starts new segments there. */
  private closeSegments(t: number): void {
    const s = this.artifact.schedule;
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
        this.duplicates += s.count(anchor, from(a.segStartS), t);
      }
      if (last >= a.segStartS) a.lastFireS = last;
      a.segStartS = t;
    });
  }

  /** Slots of the last execution's schedule strictly after it and before `until`, not counted yet. */
  private countMissed(until: number): void {
    const after = this.lastExecS === -Infinity ? -Infinity : this.lastExecS + 2 * timeTolerance(this.lastExecS);
    const a = Math.max(after, this.missedUntilS, this.windowS);
    if (until > a) this.missed += this.artifact.schedule.count(this.refAnchorS, a, until);
    this.missedUntilS = Math.max(this.missedUntilS, until);
  }
}

/**
 * Metrics of the stateful artifacts (design.md section 6): per artifact `availability` (time with
 * a runner), `executions`, `missedExecutions`, `duplicateExecutions`, `takeovers` and the
 * `takeoverS` distribution (a runner lost to the next one running); per capability the time every
 * artifact of that kind had a runner and the totals.
 */
export class ArtifactMetrics {
  private readonly tasks: TaskAccount[];
  private readonly allTasks = new UpDownTracker();
  private uncovered: number;

  constructor(c: Cluster, bus: EventBus<ModelEvents>) {
    const artifacts = c.artifacts?.artifacts ?? [];
    this.tasks = artifacts.map((a) => new TaskAccount(a));
    this.uncovered = this.tasks.length;
    this.allTasks.set(0, this.uncovered === 0);
    bus.on('artifact.runner', ({ runner, started }) => {
      const t = c.sim.nowS;
      const acc = this.tasks[runner.artifact.index]!;
      const was = acc.coverage.isUp;
      acc.change(t, runner, started);
      const is = acc.coverage.isUp;
      if (was !== is) this.uncovered += is ? -1 : 1;
      this.allTasks.set(t, this.uncovered === 0);
    });
  }

  get empty(): boolean {
    return this.tasks.length === 0;
  }

  startWindow(t: number): void {
    for (const a of this.tasks) a.startWindow(t);
    this.allTasks.startWindow(t);
  }

  finish(t: number, spanS: number, into: MetricValues, dists: DistributionValues): void {
    if (this.tasks.length === 0) return;
    let missed = 0;
    let duplicates = 0;
    let executions = 0;
    for (const a of this.tasks) {
      a.finish(t);
      const p = `artifacts.${a.artifact.name}`;
      into.set(`${p}.availability`, 1 - a.coverage.downS / spanS);
      into.set(`${p}.downtimeS`, a.coverage.downS);
      into.set(`${p}.executions`, a.executions + a.duplicates);
      into.set(`${p}.missedExecutions`, a.missed);
      into.set(`${p}.duplicateExecutions`, a.duplicates);
      into.set(`${p}.takeovers`, a.takeovers.length);
      dists.set(`${p}.takeoverS`, [...a.takeovers]);
      missed += a.missed;
      duplicates += a.duplicates;
      executions += a.executions + a.duplicates;
    }
    this.allTasks.finish(t);
    into.set('capabilities.scheduledTasks.availability', 1 - this.allTasks.downS / spanS);
    into.set('capabilities.scheduledTasks.executions', executions);
    into.set('capabilities.scheduledTasks.missedExecutions', missed);
    into.set('capabilities.scheduledTasks.duplicateExecutions', duplicates);
  }
}
