import type { EventBus } from '../engine/bus.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import type { Workload } from '../model/kube/types.js';
import { TrafficMetrics } from './traffic-metrics.js';
import { ArtifactMetrics, type DistributionValues } from './artifact-metrics.js';
import { CausedDowntime, TimeIntegral, UpDownTracker } from './up-down.js';
import { CAUSES, lossCause } from './causes.js';
import { RolloutMetrics } from './rollout-metrics.js';

/** One replication's metric values, by dotted name (e.g. `service.availability`). */
export type MetricValues = Map<string, number>;

/**
 * Observes one replication through the model's event bus and computes its metrics by streaming
 * integration (no per-event storage):
 * - service: up while every traffic-serving workload could serve a request: with request traffic,
 *   while its load balancer has an upstream in rotation that serves (a request arriving now would
 *   be served); without, while it has a pod Ready and able to serve. `degradedFraction` is the
 *   time some serving workload has fewer pods serving than desired.
 * - requests (traffic-metrics.ts): success rate, throughput, latency, failures by cause.
 * - workloads.<name>: up while at least one pod serves (or, for workloads that serve no traffic,
 *   runs its server: stateful artifacts do not wait for readiness).
 * - cost: node-hours of running nodes, pod-hours and CPU-request core-hours of pods bound to them.
 */
export class ReplicationMetrics {
  private readonly service = new UpDownTracker();
  private readonly degraded = new UpDownTracker();
  private readonly perWorkload: UpDownTracker[];
  /** The same downtimes by cause. */
  private readonly serviceCauses = new CausedDowntime('startup');
  private readonly workloadCauses: CausedDowntime[];
  private readonly nodes = new TimeIntegral();
  private readonly pods = new TimeIntegral();
  private readonly cpu = new TimeIntegral();
  private readonly serving: Workload[];
  private windowStartS = 0;
  private readonly traffic: TrafficMetrics;
  /** Desired replicas over time, with the fewest and most in the window, per autoscaled workload. */
  private readonly replicas: Array<{ w: Workload; integral: TimeIntegral; min: number; max: number }>;
  private readonly artifacts: ArtifactMetrics;
  private readonly rollouts: RolloutMetrics;
  /** Per workload: pods waiting for a node (phase Pending), and the time some pod was. */
  private readonly pending: Array<{ count: number; time: TimeIntegral }>;
  /** Node-hours per pool (for their prices), by pool name. */
  private readonly poolNodes = new Map<string, { integral: TimeIntegral; up: number }>();
  /** Samples of distribution metrics (e.g. takeover times), filled by `finish`. */
  readonly distributions: DistributionValues = new Map();

  constructor(private readonly c: Cluster, bus: EventBus<ModelEvents>, options: { latency: boolean } = { latency: true }) {
    this.traffic = new TrafficMetrics(c, bus, options.latency);
    this.artifacts = new ArtifactMetrics(c, bus);
    this.rollouts = new RolloutMetrics(c, bus);
    bus.on('lb.availability', () => this.onCounts());
    this.serving = c.workloads.filter((w) => w.config.servesTraffic);
    this.perWorkload = c.workloads.map(() => new UpDownTracker());
    this.workloadCauses = c.workloads.map(() => new CausedDowntime('startup'));
    this.pending = c.workloads.map((w) => {
      const count = w.pods.filter((p) => p.phase === 'Pending').length;
      const time = new TimeIntegral();
      time.set(0, count > 0 ? 1 : 0);
      return { count, time };
    });
    const pendingBy = (pod: { workload: { index: number } }, delta: number) => {
      const p = this.pending[pod.workload.index]!;
      p.count += delta;
      p.time.set(c.sim.nowS, p.count > 0 ? 1 : 0);
    };
    bus.on('pod.created', (pod) => {
      if (pod.phase === 'Pending') pendingBy(pod, 1);
    });
    bus.on('pod.phase', ({ pod, from }) => {
      if (from === 'Pending') pendingBy(pod, -1);
      else if (pod.phase === 'Pending') pendingBy(pod, 1);
    });
    this.replicas = c.workloads
      .filter((w) => w.config.autoscaling !== null)
      .map((w) => {
        const integral = new TimeIntegral();
        integral.set(0, w.desired);
        return { w, integral, min: w.desired, max: w.desired };
      });
    bus.on('workload.counts', (w) => {
      this.onCounts();
      for (const r of this.replicas) {
        if (r.w !== w) continue;
        r.integral.set(c.sim.nowS, w.desired);
        r.min = Math.min(r.min, w.desired);
        r.max = Math.max(r.max, w.desired);
      }
    });
    bus.on('cluster.usage', (u) => {
      const t = c.sim.nowS;
      this.nodes.set(t, u.upNodes);
      this.pods.set(t, u.activePods);
      this.cpu.set(t, u.activeCpuMillicores);
    });
    this.nodes.set(0, c.usage.upNodes);
    const wasUp = new Map<unknown, boolean>();
    for (const node of c.nodes) {
      let pool = this.poolNodes.get(node.pool.name);
      if (pool === undefined) this.poolNodes.set(node.pool.name, (pool = { integral: new TimeIntegral(), up: 0 }));
      if (node.up) pool.up++;
      pool.integral.set(0, pool.up);
      wasUp.set(node, node.up);
    }
    bus.on('node.state', (node) => {
      if (wasUp.get(node) === node.up) return;
      wasUp.set(node, node.up);
      const pool = this.poolNodes.get(node.pool.name)!;
      pool.up += node.up ? 1 : -1;
      pool.integral.set(c.sim.nowS, pool.up);
    });
    this.onCounts();
  }

  private onCounts(): void {
    const t = this.c.sim.nowS;
    let up = this.serving.length > 0;
    let degraded = false;
    const traffic = this.c.traffic;
    for (const w of this.serving) {
      if (traffic !== null && w.config.traffic !== null ? traffic.servingCandidates(w.index) < 1 : w.servingCount < 1) up = false;
      if (w.servingCount < w.desired) degraded = true;
    }
    this.service.set(t, up);
    this.serviceCauses.set(t, up, () => this.serviceCause());
    // The degraded tracker is "up" while nothing is degraded, so its down time is the degraded time.
    this.degraded.set(t, !degraded);
    for (const w of this.c.workloads) {
      const up = (w.config.servesTraffic ? w.servingCount : w.runningCount) > 0;
      this.perWorkload[w.index]!.set(t, up);
      this.workloadCauses[w.index]!.set(t, up, () => lossCause(this.c, w));
    }
  }

  /** The service went down: the cause of the serving workload whose pod was lost last. */
  private serviceCause(): string {
    const traffic = this.c.traffic;
    let latest: (typeof this.serving)[number] | null = null;
    for (const w of this.serving) {
      const down = traffic !== null && w.config.traffic !== null ? traffic.servingCandidates(w.index) < 1 : w.servingCount < 1;
      if (down && (latest === null || (w.lastLoss?.t ?? -Infinity) > (latest.lastLoss?.t ?? -Infinity))) latest = w;
    }
    return latest === null ? 'other' : lossCause(this.c, latest);
  }

  private all(): Array<UpDownTracker | TimeIntegral | CausedDowntime> {
    return [this.service, this.serviceCauses, ...this.workloadCauses, ...this.pending.map((p) => p.time), this.degraded, ...this.perWorkload, this.nodes, this.pods, this.cpu, ...this.replicas.map((r) => r.integral), ...[...this.poolNodes.values()].map((p) => p.integral)];
  }

  /** Starts measuring (end of warmup). */
  startWindow(tS: number): void {
    this.windowStartS = tS;
    for (const t of this.all()) if (!(t instanceof CausedDowntime)) t.startWindow(tS);
    this.serviceCauses.startWindow(tS, () => this.serviceCause());
    for (const w of this.c.workloads) this.workloadCauses[w.index]!.startWindow(tS, () => lossCause(this.c, w));
    for (const r of this.replicas) r.min = r.max = r.w.desired;
    this.traffic.startWindow(tS);
    this.artifacts.startWindow(tS);
    this.rollouts.startWindow(tS);
  }

  /**
   * What the measured window cost at the scenario's prices: each pool's node-hours at its price, the
   * coordination database's hours when a workload uses it, the load balancer's when a workload gets
   * traffic, and the requests that arrived.
   */
  private money(spanS: number, requests: number): number {
    const prices = this.c.scenario.cost.prices;
    let total = 0;
    for (const [name, pool] of this.poolNodes) total += (pool.integral.total / 3600) * (prices.pools.find((p) => p.pool === name)?.nodeHour ?? prices.nodeHour);
    const hours = spanS / 3600;
    if (this.c.workloads.some((w) => w.config.coordination)) total += hours * prices.coordinationDatabaseHour;
    if (this.c.workloads.some((w) => w.config.servesTraffic && w.config.traffic !== null)) total += hours * prices.loadBalancerHour + (requests / 1e6) * prices.perMillionRequests;
    return total;
  }

  /** Stops measuring and returns the values. */
  finish(tS: number): MetricValues {
    for (const t of this.all()) t.finish(tS);
    const spanS = tS - this.windowStartS;
    const v: MetricValues = new Map();
    const s = this.service;
    v.set('service.availability', this.serving.length > 0 ? 1 - s.downS / spanS : NaN);
    v.set('service.downtimeS', s.downS);
    v.set('service.incidents', s.incidents);
    v.set('service.mttrS', s.incidents > 0 ? s.downS / s.incidents : NaN);
    v.set('service.degradedFraction', this.degraded.downS / spanS);
    if (this.serving.length > 0) for (const cause of CAUSES) v.set(`service.downtimeByCauseS.${cause}`, this.serviceCauses.downS.get(cause) ?? 0);
    for (const w of this.c.workloads) {
      const t = this.perWorkload[w.index]!;
      v.set(`workloads.${w.name}.availability`, 1 - t.downS / spanS);
      v.set(`workloads.${w.name}.downtimeS`, t.downS);
      v.set(`workloads.${w.name}.incidents`, t.incidents);
      // The share of the time some pod of it waited for a node (the scheduler could not place it).
      v.set(`workloads.${w.name}.pendingFraction`, this.pending[w.index]!.time.total / spanS);
      const caused = this.workloadCauses[w.index]!.downS;
      for (const cause of CAUSES) v.set(`workloads.${w.name}.downtimeByCauseS.${cause}`, caused.get(cause) ?? 0);
    }
    for (const r of this.replicas) {
      const name = r.w.name;
      v.set(`workloads.${name}.replicasMean`, r.integral.total / spanS);
      v.set(`workloads.${name}.replicasMin`, r.min);
      v.set(`workloads.${name}.replicasMax`, r.max);
      // Against running the most replicas the autoscaler may make, all the time.
      v.set(`workloads.${name}.podHoursSaved`, (r.w.config.autoscaling!.maxReplicas * spanS - r.integral.total) / 3600);
    }
    v.set('cost.nodeHours', this.nodes.total / 3600);
    v.set('cost.podHours', this.pods.total / 3600);
    v.set('cost.cpuCoreHours', this.cpu.total / 3600 / 1000);
    this.traffic.finish(tS, v);
    v.set('cost.money', this.money(spanS, v.get('service.requests.arrived') ?? 0));
    this.artifacts.finish(tS, spanS, v, this.distributions);
    this.rollouts.finish(tS, v, this.distributions);
    return v;
  }
}
