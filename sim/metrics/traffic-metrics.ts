import { makeDistribution } from '../engine/distributions.js';
import { mixtureQuantile, serviceTemplate, type ServiceTemplate } from '../model/traffic/service-template.js';
import type { EventBus } from '../engine/bus.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import { OUTCOME_COUNT, OUTCOME_NAMES } from '../model/traffic/outcomes.js';
import { Histogram } from './histogram.js';
import type { MetricValues } from './replication-metrics.js';

const SUCCEEDED = 0;

/**
 * Request metrics of one replication, from the traffic events: counts by outcome (requests are
 * counted when they arrive inside the measured window), throughput, and the latency of the
 * requests that succeeded (microsecond histogram; the fluid mode's latencies are its service-time
 * distribution shifted by the computed waits and connect timeouts).
 */
export class TrafficMetrics {
  private readonly arrived: Float64Array;
  private readonly outcomes: Float64Array[];
  private latencyHistogram: Histogram | null = null;
  /** Fluid mode: weight of successes with no extra delay, per flow (recorded at the end). */
  private readonly undelayed: Float64Array;
  /** Fluid mode: weight of successes by extra delay (seconds), per flow (recorded at the end). */
  private readonly delayed: Array<Map<number, number>>;
  private windowStartS = Infinity;
  private readonly withTraffic: number[];

  constructor(private readonly c: Cluster, bus: EventBus<ModelEvents>) {
    const n = c.workloads.length;
    this.arrived = new Float64Array(n);
    this.outcomes = c.workloads.map(() => new Float64Array(OUTCOME_COUNT));
    this.undelayed = new Float64Array(n);
    this.delayed = c.workloads.map(() => new Map());
    this.withTraffic = c.workloads.filter((w) => w.config.traffic !== null).map((w) => w.index);
    bus.on('request.arrived', (flow) => {
      if (c.sim.nowS >= this.windowStartS) this.arrived[flow]++;
    });
    bus.on('request.done', (d) => {
      if (d.arrivalS < this.windowStartS) return;
      this.outcomes[d.flow]![d.outcome]++;
      if (d.outcome === SUCCEEDED) this.latency().record(d.latencyS * 1e6);
    });
    bus.on('traffic.fluid', (inc) => {
      if (inc.fromS < this.windowStartS) return;
      this.arrived[inc.flow] += inc.arrived;
      const o = this.outcomes[inc.flow]!;
      // A transfer (a pod died holding requests counted as successes) moves at most the successes
      // counted: the requests it held that arrived before the window were never counted.
      const moving = -inc.outcomes[SUCCEEDED]!;
      const scale = inc.arrived === 0 && moving > o[SUCCEEDED]! ? Math.max(0, o[SUCCEEDED]!) / moving : 1;
      for (let k = 0; k < OUTCOME_COUNT; k++) o[k] += inc.outcomes[k]! * scale;
      const delayed = this.delayed[inc.flow]!;
      for (let i = 0; i < inc.latencyCount; i++) {
        const delay = inc.latencyDelays[i]!;
        const weight = inc.latencyWeights[i]!;
        if (delay === 0) this.undelayed[inc.flow] += weight;
        else delayed.set(delay, (delayed.get(delay) ?? 0) + weight);
      }
    });
  }

  startWindow(tS: number): void {
    this.windowStartS = tS;
  }

  /** The histogram, made on first use (a run with no latency to record allocates none). */
  private latency(): Histogram {
    return (this.latencyHistogram ??= new Histogram());
  }

  /**
   * Latency quantiles in ms: from the histogram of the requests mode, or, in the fluid mode, of
   * the mixture of each flow's service-time distribution shifted by the computed delays.
   */
  private latencyQuantilesMs(qs: number[]): number[] {
    if (this.latencyHistogram !== null) return this.latencyHistogram.quantiles(qs).map((us) => us / 1000);
    const components: Array<readonly [ServiceTemplate, number, number]> = [];
    for (const w of this.withTraffic) {
      const t = serviceTemplate(this.c.workloads[w]!.config.traffic!.serviceTime);
      components.push([t, 0, this.undelayed[w]!]);
      for (const [delay, weight] of this.delayed[w]!) components.push([t, delay, weight]);
    }
    return qs.map((q) => mixtureQuantile(components, q) * 1000);
  }

  /** Mean latency of the successful requests, in ms (fluid undelayed weight at its service-time mean). */
  private meanLatencyMs(): number {
    let weight = this.latencyHistogram?.count ?? 0;
    let sum = (this.latencyHistogram?.mean ?? 0) * weight;
    for (const w of this.withTraffic) {
      const serviceMeanUs = makeDistribution(this.c.workloads[w]!.config.traffic!.serviceTime).mean * 1e6;
      for (const [delay, u] of [[0, this.undelayed[w]!], ...this.delayed[w]!]) {
        if (!(u! > 0)) continue;
        sum += u! * (serviceMeanUs + delay! * 1e6);
        weight += u!;
      }
    }
    return weight > 0 ? sum / weight / 1000 : NaN;
  }

  finish(tS: number, into: MetricValues): void {
    if (this.withTraffic.length === 0) return;
    const spanS = tS - this.windowStartS;
    let arrived = 0;
    const totals = new Float64Array(OUTCOME_COUNT);
    for (const w of this.withTraffic) {
      const o = this.outcomes[w]!;
      arrived += this.arrived[w]!;
      for (let k = 0; k < OUTCOME_COUNT; k++) totals[k] += o[k]!;
      const name = this.c.workloads[w]!.name;
      const resolved = o.reduce((a, b) => a + b, 0);
      into.set(`workloads.${name}.requestSuccessRate`, resolved > 0 ? o[SUCCEEDED]! / resolved : NaN);
      into.set(`workloads.${name}.throughputRps`, o[SUCCEEDED]! / spanS);
    }
    // Requests still in flight at the end of the horizon have no outcome yet and are left out of the rate.
    let resolved = 0;
    for (let k = 0; k < OUTCOME_COUNT; k++) resolved += totals[k]!;
    into.set('service.requestSuccessRate', resolved > 0 ? totals[SUCCEEDED]! / resolved : NaN);
    into.set('service.throughputRps', totals[SUCCEEDED]! / spanS);
    const meanMs = this.meanLatencyMs();
    const [p50, p95, p99] = this.latencyQuantilesMs([0.5, 0.95, 0.99]);
    into.set('service.latencyMs.mean', meanMs);
    into.set('service.latencyMs.p50', p50!);
    into.set('service.latencyMs.p95', p95!);
    into.set('service.latencyMs.p99', p99!);
    into.set('service.requests.arrived', arrived);
    // (The fluid mode ends with nothing in flight; its sums' rounding noise is not a request.)
    const inFlight = arrived - resolved;
    into.set('service.requests.inFlightAtEnd', inFlight >= 0.5 ? inFlight : 0);
    OUTCOME_NAMES.forEach((name, k) => into.set(`service.requests.${name}`, totals[k]!));
  }
}
