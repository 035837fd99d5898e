import type { EventBus } from '../engine/bus.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import type { Workload } from '../model/kube/types.js';
import { SUCCEEDED, OUTCOME_COUNT } from '../model/traffic/outcomes.js';
import type { MetricValues } from './replication-metrics.js';
import type { DistributionValues } from './artifact-metrics.js';

interface Window {
  w: Workload;
  startS: number;
  /** Infinity while the rollout runs. */
  endS: number;
  /** Pods above the desired replicas at the most, so far. */
  peakExtra: number;
}

/**
 * Rollouts (`rolling-update` faults) in the measured window: how long each took, from the new
 * template to every desired pod of it Ready with no old pod left (`rollouts.durationS`, pooled;
 * a rollout still running at the horizon counts up to the horizon, a lower bound), the requests to
 * its workload that arrived during it and failed (`rollouts.failedRequests`), and the most pods
 * above the desired replicas it ran at once (`rollouts.peakExtraPods`, the surge).
 */
export class RolloutMetrics {
  private readonly windows: Window[] = [];
  private windowStartS = 0;
  private failed = 0;

  constructor(
    private readonly c: Cluster,
    bus: EventBus<ModelEvents>,
  ) {
    // (Nothing to watch without rolling updates: the per-request listener below would cost every run.)
    if (!c.scenario.faults.some((f) => f.type === 'rolling-update')) return;
    bus.on('fault', (f) => {
      if (f.type !== 'rolling-update') return;
      const w = c.workloadByName.get(f.target);
      if (w === undefined) return;
      // A new rollout of the same workload ends the one before it (the controller rolls to the newest).
      for (const win of this.windows) if (win.w === w && win.endS === Infinity) win.endS = c.sim.nowS;
      const win: Window = { w, startS: c.sim.nowS, endS: Infinity, peakExtra: 0 };
      this.windows.push(win);
      this.check(win);
    });
    const onChange = (w: Workload) => {
      for (const win of this.windows) if (win.w === w && win.endS === Infinity) this.check(win);
    };
    bus.on('workload.counts', onChange);
    bus.on('pod.created', (pod) => onChange(pod.workload));
    bus.on('pod.ready', (pod) => onChange(pod.workload));
    // (The last old pod going away is a phase change: Gone.)
    bus.on('pod.phase', ({ pod }) => onChange(pod.workload));
    bus.on('request.done', (d) => {
      if (d.outcome !== SUCCEEDED) this.failed += this.share(d.flow, d.arrivalS, d.arrivalS);
    });
    bus.on('traffic.fluid', (inc) => {
      let failed = 0;
      for (let k = 0; k < OUTCOME_COUNT; k++) if (k !== SUCCEEDED) failed += inc.outcomes[k]!;
      if (failed !== 0) this.failed += failed * this.share(inc.flow, inc.fromS, inc.toS);
    });
  }

  /** The share of [fromS, toS] (a point when equal) inside a measured rollout of workload `flow`. */
  private share(flow: number, fromS: number, toS: number): number {
    let inside = 0;
    for (const win of this.windows) {
      if (win.w.index !== flow || win.startS < this.windowStartS) continue;
      if (toS <= fromS) {
        if (fromS >= win.startS && fromS < win.endS) return 1;
        continue;
      }
      inside += Math.max(0, Math.min(toS, win.endS) - Math.max(fromS, win.startS));
    }
    return toS <= fromS ? 0 : Math.min(1, inside / (toS - fromS));
  }

  /** Updates a running rollout's surge, and ends it once the new template's pods are all Ready with no old pod left. */
  private check(win: Window): void {
    const w = win.w;
    let live = 0;
    let old = 0;
    let freshReady = 0;
    for (const pod of w.pods) {
      if (pod.revision !== w.revision) old++;
      if (pod.deleted) continue;
      live++;
      if (pod.revision === w.revision && pod.apiReady) freshReady++;
    }
    win.peakExtra = Math.max(win.peakExtra, live - w.desired);
    if (old === 0 && freshReady >= w.desired) win.endS = this.c.sim.nowS;
  }

  startWindow(tS: number): void {
    this.windowStartS = tS;
    this.failed = 0;
  }

  finish(tS: number, into: MetricValues, dists: DistributionValues): void {
    if (!this.c.scenario.faults.some((f) => f.type === 'rolling-update')) return;
    const measured = this.windows.filter((win) => win.startS >= this.windowStartS && win.startS < tS);
    into.set('rollouts.count', measured.length);
    dists.set('rollouts.durationS', measured.map((win) => Math.min(win.endS, tS) - win.startS));
    into.set('rollouts.failedRequests', this.failed);
    into.set('rollouts.peakExtraPods', measured.reduce((m, win) => Math.max(m, win.peakExtra), 0));
  }
}
