import { makeDistribution, type DistSpec } from '../engine/distributions.js';
import type { EventBus } from '../engine/bus.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import { OUTCOME_COUNT, OUTCOME_NAMES } from '../model/traffic/outcomes.js';
import { Histogram } from './histogram.js';
import type { MetricValues } from './replication-metrics.js';

const SUCCEEDED = 0;
/** Points of a service-time distribution used to spread fluid latencies. */
const GRID = 200;
const templates = new WeakMap<DistSpec, Float64Array>();

/** Quantiles of a service-time distribution at (j + 0.5) / GRID, computed once per spec. */
function template(spec: DistSpec): Float64Array {
  let t = templates.get(spec);
  if (t === undefined) {
    const d = makeDistribution(spec);
    t = new Float64Array(GRID);
    for (let j = 0; j < GRID; j++) t[j] = d.quantile((j + 0.5) / GRID);
    templates.set(spec, t);
  }
  return t;
}

/**
 * Request metrics of one replication, from the traffic events: counts by outcome (requests are
 * counted when they arrive inside the measured window), throughput, and the latency of the
 * requests that succeeded (microsecond histogram; the fluid mode's latencies are its service-time
 * distribution shifted by the computed waits and connect timeouts).
 */
export class TrafficMetrics {
  private readonly arrived: Float64Array;
  private readonly outcomes: Float64Array[];
  private readonly latency = new Histogram();
  /** Fluid mode: weight of successes with no extra delay, per flow (recorded at the end). */
  private readonly undelayed: Float64Array;
  private windowStartS = Infinity;
  private readonly withTraffic: number[];

  constructor(private readonly c: Cluster, bus: EventBus<ModelEvents>) {
    const n = c.workloads.length;
    this.arrived = new Float64Array(n);
    this.outcomes = c.workloads.map(() => new Float64Array(OUTCOME_COUNT));
    this.undelayed = new Float64Array(n);
    this.withTraffic = c.workloads.filter((w) => w.config.traffic !== null).map((w) => w.index);
    bus.on('request.arrived', (flow) => {
      if (c.sim.nowS >= this.windowStartS) this.arrived[flow]++;
    });
    bus.on('request.done', (d) => {
      if (d.arrivalS < this.windowStartS) return;
      this.outcomes[d.flow]![d.outcome]++;
      if (d.outcome === SUCCEEDED) this.latency.record(d.latencyS * 1e6);
    });
    bus.on('traffic.fluid', (inc) => {
      if (inc.fromS < this.windowStartS) return;
      this.arrived[inc.flow] += inc.arrived;
      const o = this.outcomes[inc.flow]!;
      for (let k = 0; k < OUTCOME_COUNT; k++) o[k] += inc.outcomes[k]!;
      const grid = template(c.workloads[inc.flow]!.config.traffic!.serviceTime);
      for (let i = 0; i < inc.latencyCount; i++) {
        const delay = inc.latencyDelays[i]!;
        const weight = inc.latencyWeights[i]!;
        if (delay === 0) this.undelayed[inc.flow] += weight;
        else for (let j = 0; j < GRID; j++) this.latency.record((grid[j]! + delay) * 1e6, weight / GRID);
      }
    });
  }

  startWindow(tS: number): void {
    this.windowStartS = tS;
  }

  finish(tS: number, into: MetricValues): void {
    if (this.withTraffic.length === 0) return;
    for (const w of this.withTraffic) {
      const weight = this.undelayed[w]!;
      if (weight > 0) {
        const grid = template(this.c.workloads[w]!.config.traffic!.serviceTime);
        for (let j = 0; j < GRID; j++) this.latency.record(grid[j]! * 1e6, weight / GRID);
      }
    }
    const spanS = tS - this.windowStartS;
    let arrived = 0;
    const totals = new Float64Array(OUTCOME_COUNT);
    for (const w of this.withTraffic) {
      const o = this.outcomes[w]!;
      arrived += this.arrived[w]!;
      for (let k = 0; k < OUTCOME_COUNT; k++) totals[k] += o[k]!;
      const name = this.c.workloads[w]!.name;
      into.set(`workloads.${name}.requestSuccessRate`, this.arrived[w]! > 0 ? o[SUCCEEDED]! / this.arrived[w]! : NaN);
      into.set(`workloads.${name}.throughputRps`, o[SUCCEEDED]! / spanS);
    }
    into.set('service.requestSuccessRate', arrived > 0 ? totals[SUCCEEDED]! / arrived : NaN);
    into.set('service.throughputRps', totals[SUCCEEDED]! / spanS);
    into.set('service.latencyMs.mean', this.latency.mean / 1000);
    into.set('service.latencyMs.p50', this.latency.quantile(0.5) / 1000);
    into.set('service.latencyMs.p95', this.latency.quantile(0.95) / 1000);
    into.set('service.latencyMs.p99', this.latency.quantile(0.99) / 1000);
    into.set('service.requests.arrived', arrived);
    OUTCOME_NAMES.forEach((name, k) => into.set(`service.requests.${name}`, totals[k]!));
  }
}
