import { EventHeap } from '../../engine/heap.js';
import { NO_EVENT } from '../../engine/simulation.js';
import type { Pod } from '../kube/types.js';
import type { RequestPool } from './request-pool.js';

/**
 * One pod's serving state in the requests mode: workers busy, the FIFO queue of requests waiting
 * for a worker (a growable ring), and every request the pod holds in any stage (so that a crash can
 * settle them all), kept as a list with swap-removal (positions in the request pool).
 */
export class PodServer {
  busy = 0;
  private queue = new Int32Array(16);
  private head = 0;
  queueLength = 0;
  private held = new Int32Array(16);
  heldCount = 0;
  /** The pending check of the queue head's deadline. */
  deadlineTimer = NO_EVENT;

  // ---- the CPU phase: processor sharing (cpu.ts) ----
  /** Requests in their CPU phase. */
  get cpuCount(): number {
    return this.tags.size;
  }
  /**
   * Virtual time: CPU seconds each request in the CPU phase has received since the phase last
   * emptied. A request finishes its CPU phase when it reaches the tag it entered with (virtual time
   * then plus its CPU time), so only the smallest tag needs an event.
   */
  virtualS = 0;
  /** When virtualS was last brought up to date. */
  updatedS = 0;
  /** Cores each request in the CPU phase gets now (at most 1). */
  ratePerRequest = 1;
  /** The pending end of the CPU phase of the request with the smallest tag. */
  cpuTimer = NO_EVENT;
  /** The pod is gone (its CPU-seconds were handed to its workload's total). */
  retired = false;
  /** The pods with traffic on this pod's node, sharing its CPU (set on first use). */
  node: NodeCpu | null = null;
  /** Requests in their CPU phase by tag (ties in the order they entered). */
  private readonly tags = new EventHeap(16);
  private entered = 0;

  constructor(
    readonly pod: Pod,
    readonly concurrency: number,
    /** Infinity when unbounded. */
    readonly queueBound: number,
    /** Most cores the pod may use (its CPU limit), and its share weight (its CPU request). */
    readonly limitCores: number = Infinity,
    readonly requestCores: number = 1,
  ) {}

  /** CPU-seconds the pod has used (brought up to date by advance). */
  cpuSeconds = 0;

  /** Brings the virtual time (and the CPU used) up to `nowS` at the current rate. */
  advance(nowS: number): void {
    if (this.cpuCount > 0) {
      const dt = nowS - this.updatedS;
      this.virtualS += this.ratePerRequest * dt;
      this.cpuSeconds += this.ratePerRequest * this.cpuCount * dt;
    } else this.virtualS = 0;
    this.updatedS = nowS;
  }

  /** Request `r` enters the CPU phase needing `cpuS` (call advance first). */
  pushCpu(r: number, cpuS: number): void {
    this.tags.push(this.virtualS + cpuS, this.entered++, r);
  }

  /** The smallest tag (the CPU phase must not be empty). */
  nextTag(): number {
    return this.tags.peekTime();
  }

  /** Removes the request with the smallest tag from the CPU phase and returns it. */
  popCpu(): number {
    return this.tags.pop();
  }

  /** Empties the CPU phase (the pod died or hung: what it held is settled elsewhere). */
  clearCpu(): void {
    this.tags.clear();
    this.virtualS = 0;
  }

  /** Cores the pod would use now if nothing else on its node did. */
  cpuDemand(): number {
    return Math.min(this.cpuCount, this.limitCores);
  }

  enqueue(r: number): void {
    if (this.queueLength === this.queue.length) {
      const bigger = new Int32Array(this.queue.length * 2);
      for (let i = 0; i < this.queueLength; i++) bigger[i] = this.queue[(this.head + i) % this.queue.length]!;
      this.queue = bigger;
      this.head = 0;
    }
    this.queue[(this.head + this.queueLength) % this.queue.length] = r;
    this.queueLength++;
  }

  /** The request at the head of the queue (the queue must not be empty). */
  peek(): number {
    return this.queue[this.head]!;
  }

  dequeue(): number {
    const r = this.queue[this.head]!;
    this.head = (this.head + 1) % this.queue.length;
    this.queueLength--;
    return r;
  }

  clearQueue(): void {
    this.head = 0;
    this.queueLength = 0;
  }

  hold(r: number, pool: RequestPool, slot: number): void {
    if (this.heldCount === this.held.length) {
      const bigger = new Int32Array(this.held.length * 2);
      bigger.set(this.held);
      this.held = bigger;
    }
    pool.posInPod[r] = this.heldCount;
    pool.pod[r] = slot;
    this.held[this.heldCount++] = r;
  }

  unhold(r: number, pool: RequestPool): void {
    const pos = pool.posInPod[r]!;
    const last = this.held[--this.heldCount]!;
    this.held[pos] = last;
    pool.posInPod[last] = pos;
    pool.pod[r] = -1;
  }

  /** A copy of the requests held, safe to iterate while releasing them. */
  heldRequests(): number[] {
    return Array.from(this.held.subarray(0, this.heldCount));
  }
}

/** The pods with traffic on one node, sharing its allocatable cores. */
export class NodeCpu {
  readonly servers: PodServer[] = [];
  constructor(readonly cores: number) {}
}
