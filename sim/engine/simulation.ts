import { EventHeap } from './heap.js';
import { InvariantError } from './errors.js';

/** A callback the simulation calls with the argument given at scheduling time. */
export type EventCallback<A = any> = (arg: A) => void;

/**
 * Identifies one scheduled event for `cancel`. A handle goes stale once its event has run or been
 * cancelled; cancelling a stale handle does nothing. `NO_EVENT` is never a live handle.
 */
export type EventHandle = number;
export const NO_EVENT: EventHandle = -1;

/** Why `run` returned. */
export type StopReason = 'empty' | 'until' | 'maxEvents' | 'stopped';

export interface RunOptions {
  /** Process events with time <= untilS, then set the clock to untilS. Default Infinity. */
  untilS?: number;
  /**
   * Process at most this many events in this call, counting the extra work events charged with
   * `chargeWork` (a budget of work, so that no event can hide a loop from the limit). Default Infinity.
   */
  maxEvents?: number;
}

// A handle is slot + generation * SLOT_SPAN. The generation of a slot increases every time the
// slot is released, so an old handle never matches a new event in the same slot.
const SLOT_BITS = 22;
const SLOT_SPAN = 1 << SLOT_BITS;
const SLOT_MASK = SLOT_SPAN - 1;
const GEN_LIMIT = 1 << 30;
/** Purge cancelled entries when they exceed half the heap (and this many). */
const PURGE_MIN = 1024;

/**
 * The discrete-event kernel: a clock in seconds and one event queue. Domain-blind: the model
 * schedules closures on it. Order of events is defined in `heap.ts` (time, then insertion order).
 */
export class Simulation {
  /** Current simulated time in seconds. Never decreases. */
  nowS = 0;
  /** Events executed so far (cancelled events are not counted). */
  eventsExecuted = 0;
  /** Events executed plus the extra work they charged: what `maxEvents` budgets. */
  workDone = 0;
  private charged = 0;

  private readonly heap = new EventHeap();
  private nextSeq = 0;
  private fns: Array<EventCallback | null> = [];
  private args: unknown[] = [];
  private gens = new Uint32Array(64);
  private free = new Int32Array(64);
  private freeCount = 0;
  private slotCount = 0;
  private cancelledInHeap = 0;
  private stopRequested = false;
  private readonly keepLive = (slot: number): boolean => {
    if (this.fns[slot] !== null) return true;
    this.release(slot);
    return false;
  };

  /** Schedules `fn(arg)` after `delayS` seconds (>= 0). */
  schedule<A>(delayS: number, fn: EventCallback<A>, arg?: A): EventHandle {
    return this.scheduleAt(this.nowS + delayS, fn, arg);
  }

  /** Schedules `fn(arg)` at absolute time `timeS` (>= now). */
  scheduleAt<A>(timeS: number, fn: EventCallback<A>, arg?: A): EventHandle {
    if (!(timeS >= this.nowS) || timeS === Infinity) {
      throw new InvariantError(`event scheduled at t=${timeS}, before now (${this.nowS}) or not finite`, this);
    }
    const slot = this.acquire();
    this.fns[slot] = fn;
    this.args[slot] = arg;
    this.heap.push(timeS, this.nextSeq++, slot);
    return this.gens[slot]! * SLOT_SPAN + slot;
  }

  /** Cancels a pending event. Returns true if it was pending. */
  cancel(handle: EventHandle): boolean {
    if (handle < 0) return false;
    const slot = handle & SLOT_MASK;
    if (slot >= this.slotCount || this.fns[slot] === null) return false;
    if (this.gens[slot] !== Math.floor(handle / SLOT_SPAN)) return false;
    this.fns[slot] = null;
    this.args[slot] = undefined;
    this.gens[slot] = (this.gens[slot]! + 1) % GEN_LIMIT;
    this.cancelledInHeap++;
    if (this.cancelledInHeap > PURGE_MIN && this.cancelledInHeap * 2 > this.heap.size) {
      this.heap.filter(this.keepLive);
      this.cancelledInHeap = 0;
    }
    return true;
  }

  /** True while the event behind `handle` is waiting to run. */
  isPending(handle: EventHandle): boolean {
    if (handle < 0) return false;
    const slot = handle & SLOT_MASK;
    return slot < this.slotCount && this.fns[slot] !== null && this.gens[slot] === Math.floor(handle / SLOT_SPAN);
  }

  /** Number of events waiting (cancelled ones excluded). */
  get pendingCount(): number {
    return this.heap.size - this.cancelledInHeap;
  }

  /** Time of the next event that will run, or Infinity. */
  peekTimeS(): number {
    while (this.heap.size > 0 && this.fns[this.heap.peekPayload()] === null) this.skipCancelledTop();
    return this.heap.peekTime();
  }

  /**
   * Counts `units` steps of work done inside the current event (an iteration of a model's own
   * loop) against the `maxEvents` budget of `run`, as if each were an event.
   */
  chargeWork(units: number): void {
    this.charged += units;
  }

  /** Makes the current `run` return after the event being executed. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Runs events in order until the queue empties, `untilS` is passed, or `maxEvents` ran. */
  run(options: RunOptions = {}): StopReason {
    const untilS = options.untilS ?? Infinity;
    let budget = options.maxEvents ?? Infinity;
    const heap = this.heap;
    const fns = this.fns;
    const args = this.args;
    this.stopRequested = false;
    let reason: StopReason = 'empty';
    while (heap.size > 0) {
      const timeS = heap.peekTime();
      if (timeS > untilS) {
        reason = 'until';
        break;
      }
      const slot = heap.peekPayload();
      const fn = fns[slot];
      if (fn === null) {
        this.skipCancelledTop();
        continue;
      }
      if (budget <= 0) {
        reason = 'maxEvents';
        break;
      }
      heap.pop();
      const arg = args[slot];
      fns[slot] = null;
      args[slot] = undefined;
      this.gens[slot] = (this.gens[slot]! + 1) % GEN_LIMIT;
      this.free[this.freeCount++] = slot;
      this.nowS = timeS;
      this.eventsExecuted++;
      this.workDone++;
      budget--;
      fn!(arg);
      if (this.charged !== 0) {
        budget -= this.charged;
        this.workDone += this.charged;
        this.charged = 0;
      }
      if (this.stopRequested) {
        reason = 'stopped';
        break;
      }
    }
    if ((reason === 'until' || reason === 'empty') && untilS !== Infinity && untilS > this.nowS) this.nowS = untilS;
    return reason;
  }

  private skipCancelledTop(): void {
    const slot = this.heap.pop();
    this.cancelledInHeap--;
    this.release(slot);
  }

  private acquire(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount]!;
    const slot = this.slotCount++;
    if (slot >= SLOT_SPAN) throw new InvariantError(`more than ${SLOT_SPAN} events pending at once`, this);
    if (slot >= this.gens.length) {
      const gens = new Uint32Array(this.gens.length * 2);
      gens.set(this.gens);
      this.gens = gens;
      const free = new Int32Array(this.free.length * 2);
      free.set(this.free);
      this.free = free;
    }
    this.fns.push(null);
    this.args.push(undefined);
    return slot;
  }

  /** Returns a slot whose event was cancelled to the free list (its generation already moved on). */
  private release(slot: number): void {
    this.free[this.freeCount++] = slot;
  }
}
