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

  constructor(
    readonly pod: Pod,
    readonly concurrency: number,
    /** Infinity when unbounded. */
    readonly queueBound: number,
  ) {}

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
