import { RunLimitError } from '../../engine/errors.js';
import { NO_EVENT } from '../../engine/simulation.js';

/** Most tries a front makes for one request (the scenario field is checked against it). */
export const MAX_TRIES = 20;

/**
 * Requests in flight, as parallel typed arrays indexed by a request id (no object per request).
 * Ids are reused once a request is done; the arrays grow by doubling. A limit on the number in
 * flight turns an overload that would exhaust memory into a clear error.
 */
export class RequestPool {
  arrivalS = new Float64Array(256);
  /** Workload (flow) index. */
  flow = new Int32Array(256);
  /** Slot of the pod the request is at, or -1. */
  pod = new Int32Array(256);
  /** Position in that pod's list of requests it holds. */
  posInPod = new Int32Array(256);
  /** Tries made so far. */
  tries = new Int32Array(256);
  /** Pod slots tried, MAX_TRIES per request. */
  tried = new Int32Array(256 * MAX_TRIES);
  /** The request's pending event (service completion, connect timeout, read timeout). */
  timer = new Float64Array(256);
  /** Stage of the request at its pod (requests-mode.ts). */
  stage = new Uint8Array(256);
  /** When the current try started (for the EWMA policy's response times). */
  tryStartS = new Float64Array(256);
  /** When the request started service (NaN while queued). */
  serviceStartS = new Float64Array(256);
  private free: number[] = [];
  private next = 0;
  inFlight = 0;

  constructor(private readonly limit: number) {}

  /** A fresh request id. */
  acquire(flow: number, arrivalS: number): number {
    let r = this.free.pop();
    if (r === undefined) {
      r = this.next++;
      if (r >= this.arrivalS.length) this.grow();
    }
    if (++this.inFlight > this.limit) {
      throw new RunLimitError(
        `more than ${this.limit} requests in flight at once: the offered load far exceeds what the pods serve; ` +
          'lower the rate, bound the queues (workloads[].serving.queue), use traffic.mode fluid, or raise limits.maxRequestsInFlight',
      );
    }
    this.arrivalS[r] = arrivalS;
    this.flow[r] = flow;
    this.pod[r] = -1;
    this.tries[r] = 0;
    this.timer[r] = NO_EVENT;
    this.serviceStartS[r] = NaN;
    return r;
  }

  release(r: number): void {
    this.inFlight--;
    this.pod[r] = -1;
    this.timer[r] = NO_EVENT;
    this.free.push(r);
  }

  /** True if pod slot `slot` was already tried for request `r`. */
  wasTried(r: number, slot: number): boolean {
    const base = r * MAX_TRIES;
    for (let i = 0; i < this.tries[r]!; i++) if (this.tried[base + i] === slot) return true;
    return false;
  }

  recordTry(r: number, slot: number): void {
    this.tried[r * MAX_TRIES + this.tries[r]!] = slot;
    this.tries[r] = this.tries[r]! + 1;
  }

  private grow(): void {
    const n = this.arrivalS.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array, k = 1) => {
      const b = new Int32Array(n * k);
      b.set(a);
      return b;
    };
    this.arrivalS = f64(this.arrivalS);
    this.timer = f64(this.timer);
    this.serviceStartS = f64(this.serviceStartS);
    this.tryStartS = f64(this.tryStartS);
    const stage = new Uint8Array(n);
    stage.set(this.stage);
    this.stage = stage;
    this.flow = i32(this.flow);
    this.pod = i32(this.pod);
    this.posInPod = i32(this.posInPod);
    this.tries = i32(this.tries);
    this.tried = i32(this.tried, MAX_TRIES);
  }
}
