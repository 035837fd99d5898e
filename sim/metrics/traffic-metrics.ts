import type { EventBus } from '../engine/bus.js';
import type { ModelEvents } from '../model/events.js';
import type { Cluster } from '../model/kube/cluster.js';
import type { Pod, Workload } from '../model/kube/types.js';
import { OUTCOME_COUNT, OUTCOME_NAMES, REJECTED, TIMED_OUT } from '../model/traffic/outcomes.js';
import { decodeLatencyKey, holdTemplate, mixtureQuantile, type ServiceTemplate } from '../model/traffic/service-template.js';
import { lossCause, REQUEST_CAUSES, stampCause, type RequestCause } from './causes.js';
import { Histogram } from './histogram.js';
import type { MetricValues } from './replication-metrics.js';

const SUCCEEDED = 0;
/**
 * A request that timed out is the workload's last pod loss's when that loss came at most this long
 * before its arrival (a hung or paused pod, or one on a dead node, takes requests until its
 * readiness probe or the load balancer's health check takes it out of rotation, far sooner), or
 * after it while the request waited.
 */
const LOSS_REACH_S = 300;

const REQUEST_CAUSE_INDEX = Object.fromEntries(REQUEST_CAUSES.map((cause, i) => [cause, i])) as Record<RequestCause, number>;

type Component = readonly [ServiceTemplate, number, number];

/**
 * Request metrics of one replication, from the traffic events: counts by outcome (requests are
 * counted when they arrive inside the measured window), throughput, the latency of the requests
 * that succeeded, end to end and at the pod (microsecond histograms in the requests mode; in the
 * fluid mode, mixtures of each flow's hold-time distribution at its CPU stretch, shifted by the
 * computed waits and connect timeouts), and overload: the time a workload was offered more than
 * its serving pods can take.
 */
export class TrafficMetrics {
  private readonly arrived: Float64Array;
  private readonly outcomes: Float64Array[];
  private latencyHistogram: Histogram | null = null;
  private podHistogram: Histogram | null = null;
  /** Fluid mode: weight of successes by latency key, per flow (service-template.ts). */
  private readonly fluidLatency: Array<Map<number, number>>;
  /** Per flow: overloaded seconds, requests offered then, what the pods could serve then, peak offered / capacity. */
  private readonly overloadedS: Float64Array;
  private readonly overloadOffered: Float64Array;
  private readonly overloadCapacity: Float64Array;
  private readonly peakLoad: Float64Array;
  private serviceOverloadedS = 0;
  private windowStartS = Infinity;
  private readonly withTraffic: number[];
  /** Per flow: failed requests by cause (REQUEST_CAUSES order). */
  private readonly failedByCause: Float64Array[];
  /** Hung pods and what hung them, as of the last 'pod.hung' event (after the traffic model integrated up to the change). */
  private readonly hungPods = new Map<Pod, RequestCause>();

  constructor(
    private readonly c: Cluster,
    bus: EventBus<ModelEvents>,
    /** False: the latency metrics are NaN (nothing is computed for them). */
    private readonly latency = true,
  ) {
    const n = c.workloads.length;
    this.arrived = new Float64Array(n);
    this.outcomes = c.workloads.map(() => new Float64Array(OUTCOME_COUNT));
    this.fluidLatency = c.workloads.map(() => new Map());
    this.overloadedS = new Float64Array(n);
    this.overloadOffered = new Float64Array(n);
    this.overloadCapacity = new Float64Array(n);
    this.peakLoad = new Float64Array(n);
    this.withTraffic = c.workloads.filter((w) => w.config.traffic !== null).map((w) => w.index);
    this.failedByCause = c.workloads.map(() => new Float64Array(REQUEST_CAUSES.length));
    if (this.withTraffic.length > 0) {
      bus.on('pod.hung', (pod) => {
        if (pod.hung) this.hungPods.set(pod, stampCause(pod.disruption) ?? 'containerHang');
        else this.hungPods.delete(pod);
      });
    }
    bus.on('request.arrived', (flow) => {
      if (c.sim.nowS >= this.windowStartS) this.arrived[flow]++;
    });
    bus.on('request.done', (d) => {
      if (d.arrivalS < this.windowStartS) return;
      this.outcomes[d.flow]![d.outcome]++;
      if (d.outcome !== SUCCEEDED) {
        const w = c.workloads[d.flow]!;
        // (A request held by a pod that died after it arrived times out up to the client's timeout later.)
        this.failedByCause[d.flow]![this.causeOf(w, d.outcome, d.arrivalS - LOSS_REACH_S, d.arrivalS + (w.config.traffic?.timeout ?? 0))]++;
      }
      if (d.outcome === SUCCEEDED) {
        (this.latencyHistogram ??= new Histogram()).record(d.latencyS * 1e6);
        (this.podHistogram ??= new Histogram()).record(d.podLatencyS * 1e6);
      }
    });
    bus.on('traffic.fluid', (inc) => {
      if (inc.fromS < this.windowStartS) return;
      this.arrived[inc.flow] += inc.arrived;
      const o = this.outcomes[inc.flow]!;
      // A transfer (a pod died holding requests counted as successes) moves at most the successes
      // counted: the requests it held that arrived before the window were never counted.
      const moving = -inc.outcomes[SUCCEEDED]!;
      const scale = inc.arrived === 0 && moving > o[SUCCEEDED]! ? Math.max(0, o[SUCCEEDED]!) / moving : 1;
      const caused = this.failedByCause[inc.flow]!;
      const w = c.workloads[inc.flow]!;
      for (let k = 0; k < OUTCOME_COUNT; k++) {
        const n = inc.outcomes[k]! * scale;
        o[k] += n;
        if (k === SUCCEEDED || n === 0) continue;
        if (k !== TIMED_OUT) {
          caused[this.causeOf(w, k, Infinity, -Infinity)] += n;
          continue;
        }
        // The increment says which of its timeouts a hung pod or a dead node's pod caused (held
        // when it stopped answering, sent to it, or delayed by its connect timeouts); the rest
        // waited too long: overload. (An interval may span days: only these are a loss's.)
        const all = inc.outcomes[TIMED_OUT]!;
        const hung = all > 0 ? n * Math.min(1, inc.hungTimedOut / all) : 0;
        const lost = all > 0 ? n * Math.min(1 - hung / n, inc.lossTimedOut / all) : 0;
        if (hung > 0) caused[this.hungCause(w)] += hung;
        if (lost > 0) caused[REQUEST_CAUSE_INDEX[lossCause(c, w)]] += lost;
        caused[REQUEST_CAUSE_INDEX.overload] += n - hung - lost;
      }
      const latency = this.fluidLatency[inc.flow]!;
      for (let i = 0; i < inc.latencyCount; i++) {
        const key = inc.latencyKeys[i]!;
        latency.set(key, (latency.get(key) ?? 0) + inc.latencyWeights[i]!);
      }
    });
    bus.on('traffic.overload', (inc) => {
      if (inc.fromS < this.windowStartS) return;
      if (inc.flow < 0) {
        this.serviceOverloadedS += inc.overloadedS;
        return;
      }
      this.overloadedS[inc.flow] += inc.overloadedS;
      this.overloadOffered[inc.flow] += inc.offered;
      this.overloadCapacity[inc.flow] += inc.capacity;
      this.peakLoad[inc.flow] = Math.max(this.peakLoad[inc.flow]!, inc.peakRatio);
    });
  }

  startWindow(tS: number): void {
    this.windowStartS = tS;
  }

  /**
   * The cause (index into REQUEST_CAUSES) of a request to `w` that failed now with `outcome`: a
   * full queue is overload; a timeout is the hung or paused pod's when one is hung, the last pod
   * loss's when that came within [earliestLossS, latestLossS] (the requests mode: from shortly
   * before the request's arrival to its timeout; the fluid mode: the instant a pod stopped
   * answering), else overload (a wait past the timeout); every other failure is the last pod
   * loss's (lossCause).
   */
  /**
   * The cause of timeouts a hung pod of `w` gave over the interval just integrated: its stamp (the
   * pods hung then, as the last 'pod.hung' events left them), or, for the requests a pod held at
   * the instant it hung (announced before the event), the workload's last loss, that hang.
   */
  private hungCause(w: Workload): number {
    for (const [pod, cause] of this.hungPods) if (pod.workload === w && pod.phase !== 'Gone') return REQUEST_CAUSE_INDEX[cause];
    return REQUEST_CAUSE_INDEX[lossCause(this.c, w)];
  }

  private causeOf(w: Workload, outcome: number, earliestLossS: number, latestLossS: number): number {
    let cause: RequestCause;
    if (outcome === REJECTED) cause = 'overload';
    else if (outcome === TIMED_OUT) {
      const hung = w.pods.find((p) => p.hung);
      const last = w.lastLoss;
      if (hung !== undefined) cause = stampCause(hung.disruption) ?? 'containerHang';
      else if (last !== null && last.t >= earliestLossS && last.t <= latestLossS) cause = lossCause(this.c, w);
      else cause = 'overload';
    } else cause = lossCause(this.c, this.c.traffic?.ingressDown() ?? w);
    return REQUEST_CAUSE_INDEX[cause];
  }

  /**
   * The fluid latency mixtures, end to end and at the pod: [hold template at its stretch, shift,
   * weight] per latency key (each stretch's template looked up once).
   */
  private fluidComponents(): { e2e: Component[]; pod: Component[] } {
    const overheadS = this.c.scenario.loadBalancer.overhead;
    const e2e: Component[] = [];
    const pod: Component[] = [];
    for (const w of this.withTraffic) {
      const t = this.c.workloads[w]!.config.traffic!;
      const templates = new Map<number, ServiceTemplate>();
      for (const [key, weight] of this.fluidLatency[w]!) {
        const [stretch, frontS, waitS] = decodeLatencyKey(key);
        let template = templates.get(stretch);
        if (template === undefined) templates.set(stretch, (template = holdTemplate(t.cpuPerRequest, t.backendTime, stretch)));
        e2e.push([template, overheadS + frontS + waitS, weight]);
        pod.push([template, waitS, weight]);
      }
    }
    return { e2e, pod };
  }

  /** Latency quantiles and mean in ms: from the requests mode's histogram, or the fluid mixture. */
  private latencyMs(histogram: Histogram | null, components: Component[]): { mean: number; quantiles: number[] } {
    const qs = [0.5, 0.95, 0.99];
    if (!this.latency) return { mean: NaN, quantiles: qs.map(() => NaN) };
    if (histogram !== null || components.length === 0) {
      return { mean: histogram ? histogram.mean / 1000 : NaN, quantiles: histogram ? histogram.quantiles(qs).map((us) => us / 1000) : qs.map(() => NaN) };
    }
    let weight = 0;
    let sum = 0;
    for (const [t, shift, u] of components) {
      sum += u * (t.mean + shift);
      weight += u;
    }
    return { mean: weight > 0 ? (sum / weight) * 1000 : NaN, quantiles: qs.map((q) => mixtureQuantile(components, q) * 1000) };
  }

  finish(tS: number, into: MetricValues): void {
    if (this.withTraffic.length === 0) return;
    const spanS = tS - this.windowStartS;
    let arrived = 0;
    const totals = new Float64Array(OUTCOME_COUNT);
    const serviceCaused = new Float64Array(REQUEST_CAUSES.length);
    for (const w of this.withTraffic) {
      const o = this.outcomes[w]!;
      arrived += this.arrived[w]!;
      for (let k = 0; k < OUTCOME_COUNT; k++) totals[k] += o[k]!;
      const name = this.c.workloads[w]!.name;
      const resolved = o.reduce((a, b) => a + b, 0);
      REQUEST_CAUSES.forEach((cause, i) => {
        serviceCaused[i] += this.failedByCause[w]![i]!;
        into.set(`workloads.${name}.failedRequestsByCause.${cause}`, this.failedByCause[w]![i]!);
      });
      into.set(`workloads.${name}.requestSuccessRate`, resolved > 0 ? o[SUCCEEDED]! / resolved : NaN);
      into.set(`workloads.${name}.throughputRps`, o[SUCCEEDED]! / spanS);
      into.set(`workloads.${name}.overloadFraction`, spanS > 0 ? Math.min(1, this.overloadedS[w]! / spanS) : 0);
      const capacity = this.overloadCapacity[w]!;
      into.set(`workloads.${name}.overloadExcess`, capacity > 0 ? Math.max(0, this.overloadOffered[w]! / capacity - 1) : 0);
      into.set(`workloads.${name}.peakLoad`, this.peakLoad[w]!);
    }
    into.set('service.overloadFraction', spanS > 0 ? Math.min(1, this.serviceOverloadedS / spanS) : 0);
    // Requests still in flight at the end of the horizon have no outcome yet and are left out of the rate.
    let resolved = 0;
    for (let k = 0; k < OUTCOME_COUNT; k++) resolved += totals[k]!;
    into.set('service.requestSuccessRate', resolved > 0 ? totals[SUCCEEDED]! / resolved : NaN);
    into.set('service.throughputRps', totals[SUCCEEDED]! / spanS);
    const fluid = this.latency && this.latencyHistogram === null ? this.fluidComponents() : { e2e: [], pod: [] };
    const e2e = this.latencyMs(this.latencyHistogram, fluid.e2e);
    into.set('service.latencyMs.mean', e2e.mean);
    into.set('service.latencyMs.p50', e2e.quantiles[0]!);
    into.set('service.latencyMs.p95', e2e.quantiles[1]!);
    into.set('service.latencyMs.p99', e2e.quantiles[2]!);
    const pod = this.latencyMs(this.podHistogram, fluid.pod);
    into.set('service.podLatencyMs.mean', pod.mean);
    into.set('service.podLatencyMs.p50', pod.quantiles[0]!);
    into.set('service.podLatencyMs.p95', pod.quantiles[1]!);
    into.set('service.podLatencyMs.p99', pod.quantiles[2]!);
    into.set('service.requests.arrived', arrived);
    // (The fluid mode ends with nothing in flight; its sums' rounding noise is not a request.)
    const inFlight = arrived - resolved;
    into.set('service.requests.inFlightAtEnd', inFlight >= 0.5 ? inFlight : 0);
    OUTCOME_NAMES.forEach((name, k) => into.set(`service.requests.${name}`, totals[k]!));
    // Every way a request ended other than success, in one figure (the headline's "failed requests").
    into.set('service.requests.failed', resolved - totals[SUCCEEDED]!);
    REQUEST_CAUSES.forEach((cause, i) => into.set(`service.requests.failedByCause.${cause}`, serviceCaused[i]!));
  }
}
