import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NO_EVENT, Simulation, type EventHandle, type StopReason } from '../../sim/engine/simulation.js';
import { InvariantError } from '../../sim/engine/errors.js';

// ---------------------------------------------------------------------------------------------
// Reference model: a plain list of pending events sorted by (time, insertion sequence), the order
// docs/model.md §2.1 and heap.ts define. Cancellation removes from the list. It shares nothing
// with the implementation (no heap, no slots, no generations, no lazy deletion).
// ---------------------------------------------------------------------------------------------

/** What an event does when it runs, looked up by its id so that the model and the sim agree. */
interface Behaviour {
  /** Schedule a child event this many seconds later (only up to depth 3, so runs terminate). */
  childDelayS: number | null;
  /** Cancel the event whose id is `cancelTarget % (events scheduled so far)`, after the child. */
  cancelTarget: number | null;
  /** Call stop(). */
  stops: boolean;
}
const MAX_DEPTH = 3;

interface ModelEntry {
  timeS: number;
  seq: number;
  id: number;
}

class Model {
  nowS = 0;
  eventsExecuted = 0;
  /** Pending events, sorted so that the NEXT one to run is LAST (pop from the end). */
  private list: ModelEntry[] = [];
  private readonly entryOf = new Map<number, ModelEntry>();
  private nextSeq = 0;
  private readonly depth: number[] = [];
  readonly log: Array<[number, number]> = [];
  readonly cancelResults: boolean[] = [];

  constructor(private readonly behaviour: (id: number) => Behaviour) {}

  get count(): number {
    return this.depth.length;
  }
  get pendingCount(): number {
    return this.list.length;
  }
  isPending(id: number): boolean {
    return this.entryOf.has(id);
  }
  peekTimeS(): number {
    return this.list.length > 0 ? this.list[this.list.length - 1]!.timeS : Infinity;
  }
  /** First index whose entry runs before (timeS, seq), or is it when `orSame`. */
  private position(timeS: number, seq: number, orSame = false): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.list[mid]!;
      const runsBefore = e.timeS < timeS || (e.timeS === timeS && (e.seq < seq || (orSame && e.seq === seq)));
      if (runsBefore) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  scheduleAt(timeS: number, depth: number): number {
    const id = this.depth.length;
    this.depth.push(depth);
    const e = { timeS, seq: this.nextSeq++, id };
    this.list.splice(this.position(e.timeS, e.seq), 0, e);
    this.entryOf.set(id, e);
    return id;
  }
  cancel(id: number): boolean {
    const e = this.entryOf.get(id);
    if (e === undefined) return false;
    this.entryOf.delete(id);
    const i = this.position(e.timeS, e.seq, true);
    expect(this.list[i]).toBe(e); // self-check of the model
    this.list.splice(i, 1);
    return true;
  }
  /** Cancels many at once (same result as one by one, in linear time). */
  cancelMany(ids: number[]): boolean[] {
    const results = ids.map((id) => {
      const pending = this.entryOf.has(id);
      this.entryOf.delete(id);
      return pending;
    });
    this.list = this.list.filter((e) => this.entryOf.has(e.id));
    return results;
  }
  run(untilS = Infinity, maxEvents = Infinity): StopReason {
    let budget = maxEvents;
    let reason: StopReason;
    for (;;) {
      const next = this.list[this.list.length - 1];
      if (next === undefined) {
        reason = 'empty';
        break;
      }
      if (next.timeS > untilS) {
        reason = 'until';
        break;
      }
      if (budget <= 0) {
        reason = 'maxEvents';
        break;
      }
      this.list.pop();
      this.entryOf.delete(next.id);
      this.nowS = next.timeS;
      this.eventsExecuted++;
      budget--;
      this.log.push([next.id, this.nowS]);
      const b = this.behaviour(next.id);
      if (b.childDelayS !== null && this.depth[next.id]! < MAX_DEPTH) this.scheduleAt(this.nowS + b.childDelayS, this.depth[next.id]! + 1);
      if (b.cancelTarget !== null) this.cancelResults.push(this.cancel(b.cancelTarget % this.count));
      if (b.stops) {
        reason = 'stopped';
        break;
      }
    }
    if ((reason === 'until' || reason === 'empty') && untilS !== Infinity && untilS > this.nowS) this.nowS = untilS;
    return reason;
  }
}

/** The real Simulation driven the same way, recording what it observes. */
class Harness {
  readonly sim = new Simulation();
  readonly handles: EventHandle[] = [];
  private readonly depth: number[] = [];
  readonly log: Array<[number, number]> = [];
  readonly cancelResults: boolean[] = [];
  private lastNowS = 0;
  clockWentBack = false;

  constructor(private readonly behaviour: (id: number) => Behaviour) {}

  private readonly callback = (id: number): void => {
    const sim = this.sim;
    if (sim.nowS < this.lastNowS) this.clockWentBack = true;
    this.lastNowS = sim.nowS;
    this.log.push([id, sim.nowS]);
    const b = this.behaviour(id);
    if (b.childDelayS !== null && this.depth[id]! < MAX_DEPTH) this.schedule(b.childDelayS, this.depth[id]! + 1);
    if (b.cancelTarget !== null) this.cancelResults.push(sim.cancel(this.handles[b.cancelTarget % this.handles.length]!));
    if (b.stops) sim.stop();
  };

  schedule(delayS: number, depth = 0): number {
    const id = this.handles.length;
    this.depth.push(depth);
    this.handles.push(this.sim.schedule(delayS, this.callback, id));
    return id;
  }
  scheduleAt(timeS: number): number {
    const id = this.handles.length;
    this.depth.push(0);
    this.handles.push(this.sim.scheduleAt(timeS, this.callback, id));
    return id;
  }
  noteClock(): void {
    if (this.sim.nowS < this.lastNowS) this.clockWentBack = true;
    this.lastNowS = this.sim.nowS;
  }
}

type Op =
  | { kind: 'schedule'; delayS: number }
  | { kind: 'scheduleAt'; delayS: number }
  | { kind: 'bulkSchedule'; n: number; delaysS: number[] }
  | { kind: 'cancel'; target: number }
  | { kind: 'bulkCancel'; stride: number; offset: number; from: number }
  | { kind: 'runUntil'; dS: number }
  | { kind: 'runMax'; n: number }
  | { kind: 'runBoth'; dS: number; n: number }
  | { kind: 'runAll' }
  | { kind: 'runUntilPast' }
  | { kind: 'peek' }
  | { kind: 'checkPending' }
  | { kind: 'stopOutsideRun' };

// Few distinct delays so that many events share a time (ties), plus arbitrary ones.
const delayArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 0, 0.5, 1, 1, 2, 3) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 10, noNaN: true }) },
);

function opArb(bulkWeight: number): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('schedule' as const), delayS: delayArb }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('scheduleAt' as const), delayS: delayArb }) },
    {
      weight: bulkWeight,
      arbitrary: fc.record({
        kind: fc.constant('bulkSchedule' as const),
        n: fc.integer({ min: 1, max: 3000 }),
        delaysS: fc.array(fc.constantFrom(0, 0.5, 1, 2, 4), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() }) },
    {
      weight: bulkWeight,
      arbitrary: fc.record({
        kind: fc.constant('bulkCancel' as const),
        stride: fc.integer({ min: 1, max: 3 }),
        offset: fc.integer({ min: 0, max: 2 }),
        from: fc.nat(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('runUntil' as const), dS: fc.oneof(delayArb, fc.constant(0)) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('runMax' as const), n: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('runBoth' as const), dS: delayArb, n: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'runAll' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'runUntilPast' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'peek' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'checkPending' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'stopOutsideRun' as const }) },
  );
}

const behaviourArb: fc.Arbitrary<Behaviour> = fc.record({
  childDelayS: fc.option(fc.constantFrom(0, 0, 0.5, 1, 2.5), { freq: 3 }),
  cancelTarget: fc.option(fc.nat(), { freq: 3 }),
  stops: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
});

/** How often a cancel purged the heap in bulk (observed through the private heap size). */
let purgesObserved = 0;
const heapSize = (sim: Simulation): number => (sim as unknown as { heap: { size: number } }).heap.size;

function checkRun(h: Harness, m: Model, untilS: number | undefined, maxEvents: number | undefined): void {
  const options: { untilS?: number; maxEvents?: number } = {};
  if (untilS !== undefined) options.untilS = untilS;
  if (maxEvents !== undefined) options.maxEvents = maxEvents;
  const got = h.sim.run(options);
  const expected = m.run(untilS, maxEvents);
  if (expected === 'empty' && untilS !== undefined && untilS !== Infinity && got === 'until') {
    // Allowed: only cancelled entries (not yet purged) remain, later than untilS. The heap still
    // holds them, so the simulation reports 'until'; no live event is pending in either case.
    expect(h.sim.pendingCount).toBe(0);
  } else {
    expect(got).toBe(expected);
  }
  h.noteClock();
}

function runOps(behaviours: Behaviour[], ops: Op[]): void {
  const behaviour = (id: number): Behaviour => behaviours[id % behaviours.length]!;
  const h = new Harness(behaviour);
  const m = new Model(behaviour);
  const sim = h.sim;
  for (const op of ops) {
    switch (op.kind) {
      case 'schedule':
        expect(h.schedule(op.delayS)).toBe(m.scheduleAt(m.nowS + op.delayS, 0));
        break;
      case 'scheduleAt':
        expect(h.scheduleAt(sim.nowS + op.delayS)).toBe(m.scheduleAt(m.nowS + op.delayS, 0));
        break;
      case 'bulkSchedule':
        for (let i = 0; i < op.n; i++) {
          const d = op.delaysS[i % op.delaysS.length]!;
          h.schedule(d);
          m.scheduleAt(m.nowS + d, 0);
        }
        break;
      case 'cancel': {
        if (m.count === 0) {
          expect(sim.cancel(NO_EVENT)).toBe(false);
          break;
        }
        const id = op.target % m.count;
        const sizeBefore = heapSize(sim);
        expect(sim.cancel(h.handles[id]!)).toBe(m.cancel(id));
        if (heapSize(sim) < sizeBefore) purgesObserved++;
        break;
      }
      case 'bulkCancel': {
        const ids: number[] = [];
        for (let id = m.count === 0 ? 0 : op.from % m.count; id < m.count; id++) if (id % op.stride === op.offset % op.stride) ids.push(id);
        const sizeBefore = heapSize(sim);
        const got = ids.map((id) => sim.cancel(h.handles[id]!));
        expect(got).toEqual(m.cancelMany(ids));
        if (heapSize(sim) < sizeBefore) purgesObserved++;
        break;
      }
      case 'runUntil':
        checkRun(h, m, m.nowS + op.dS, undefined);
        break;
      case 'runMax':
        checkRun(h, m, undefined, op.n);
        break;
      case 'runBoth':
        checkRun(h, m, m.nowS + op.dS, op.n);
        break;
      case 'runAll':
        checkRun(h, m, undefined, undefined);
        break;
      case 'runUntilPast':
        checkRun(h, m, m.nowS - 1, undefined);
        break;
      case 'peek':
        expect(sim.peekTimeS()).toBe(m.peekTimeS());
        break;
      case 'checkPending':
        for (let id = 0; id < m.count; id++) expect(sim.isPending(h.handles[id]!)).toBe(m.isPending(id));
        break;
      case 'stopOutsideRun':
        sim.stop(); // must not affect the next run
        break;
    }
    expect(h.log).toEqual(m.log);
    expect(h.cancelResults).toEqual(m.cancelResults);
    expect(sim.nowS).toBe(m.nowS);
    expect(sim.eventsExecuted).toBe(m.eventsExecuted);
    expect(sim.pendingCount).toBe(m.pendingCount);
    expect(h.clockWentBack).toBe(false);
  }
  // Drain everything (runs may stop early on stop()): the rest also comes in model order.
  for (let i = 0; m.pendingCount > 0 || sim.pendingCount > 0; i++) {
    if (i > 100_000) throw new Error('drain does not terminate');
    checkRun(h, m, undefined, undefined);
  }
  expect(h.log).toEqual(m.log);
  expect(sim.pendingCount).toBe(0);
  expect(h.clockWentBack).toBe(false);
}

describe('Simulation against a naive sorted-list model (property)', () => {
  it('any sequence of schedule / cancel / run(untilS, maxEvents) executes events in model order', () => {
    fc.assert(
      fc.property(fc.array(behaviourArb, { minLength: 1, maxLength: 8 }), fc.array(opArb(1), { maxLength: 40 }), runOps),
      { seed: 41, numRuns: 250 },
    );
  });

  it('bulk schedules and cancels (heap purge of more than 1024 cancelled entries) keep the model order', () => {
    const before = purgesObserved;
    fc.assert(
      fc.property(fc.array(behaviourArb, { minLength: 1, maxLength: 8 }), fc.array(opArb(12), { minLength: 5, maxLength: 25 }), runOps),
      { seed: 42, numRuns: 60 },
    );
    // The bulk purge (PURGE_MIN = 1024 in simulation.ts) must actually have been exercised.
    expect(purgesObserved - before).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------------------------

const noop = (): void => {};
const SLOT_SPAN = 2 ** 22; // simulation.ts: handle = slot + generation * SLOT_SPAN
const slotOf = (h: EventHandle): number => h % SLOT_SPAN;

describe('Simulation: scheduling and order', () => {
  it('starts at time 0 with nothing pending', () => {
    const sim = new Simulation();
    expect(sim.nowS).toBe(0);
    expect(sim.eventsExecuted).toBe(0);
    expect(sim.pendingCount).toBe(0);
    expect(sim.peekTimeS()).toBe(Infinity);
    expect(sim.run()).toBe('empty');
  });

  it('runs events by time, then insertion order, passing each its argument', () => {
    const sim = new Simulation();
    const seen: Array<[string, number]> = [];
    const record = (name: string): void => {
      seen.push([name, sim.nowS]);
    };
    sim.schedule(2, record, 'c');
    sim.schedule(1, record, 'a');
    sim.scheduleAt(2, record, 'd');
    sim.schedule(1, record, 'b');
    sim.schedule(0, record, 'first');
    expect(sim.run()).toBe('empty');
    expect(seen).toEqual([
      ['first', 0],
      ['a', 1],
      ['b', 1],
      ['c', 2],
      ['d', 2],
    ]);
    expect(sim.eventsExecuted).toBe(5);
    expect(sim.nowS).toBe(2);
  });

  it('an event scheduled for now from a callback runs after the events already due now', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.schedule(1, () => {
      seen.push('a');
      sim.schedule(0, () => seen.push('a-child'));
    });
    sim.schedule(1, () => seen.push('b'));
    sim.run();
    expect(seen).toEqual(['a', 'b', 'a-child']);
  });

  it('callbacks that schedule more events, growing past the initial 1024 slots, run them all in order', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const n = 5000;
    // One callback fans out to n events at decreasing times, each of which schedules one more.
    sim.schedule(1, () => {
      for (let i = 0; i < n; i++) {
        sim.schedule(n - i, (k: number) => {
          seen.push(k);
          sim.schedule(0.5, (j: number) => seen.push(j), -k);
        }, i);
      }
    });
    expect(sim.pendingCount).toBe(1);
    sim.run({ untilS: 1 });
    expect(sim.pendingCount).toBe(n);
    expect(sim.run()).toBe('empty');
    expect(sim.eventsExecuted).toBe(1 + 2 * n);
    // Times: event i at 1 + n - i, its child half a second later.
    const expected: number[] = [];
    for (let i = n - 1; i >= 0; i--) expected.push(i, -i);
    expect(seen).toEqual(expected);
    expect(sim.nowS).toBe(1 + n + 0.5);
  });

  it('a self-rescheduling chain with thousands of simultaneously pending events keeps its order', () => {
    const sim = new Simulation();
    const order: number[] = [];
    for (let i = 0; i < 3000; i++) sim.schedule(i % 10, (k: number) => order.push(k), i);
    sim.run();
    const expected = [...Array(3000).keys()].sort((a, b) => (a % 10) - (b % 10) || a - b);
    expect(order).toEqual(expected);
  });

  it('scheduling in the past, at Infinity, at NaN or with a negative delay throws InvariantError', () => {
    const sim = new Simulation();
    sim.schedule(5, noop);
    sim.run();
    expect(sim.nowS).toBe(5);
    expect(() => sim.scheduleAt(4.999, noop)).toThrow(InvariantError);
    expect(() => sim.schedule(-0.001, noop)).toThrow(InvariantError);
    expect(() => sim.schedule(Infinity, noop)).toThrow(InvariantError);
    expect(() => sim.scheduleAt(Infinity, noop)).toThrow(InvariantError);
    expect(() => sim.scheduleAt(NaN, noop)).toThrow(InvariantError);
    expect(() => sim.schedule(NaN, noop)).toThrow(InvariantError);
    expect(sim.pendingCount).toBe(0);
    // Scheduling exactly now is allowed.
    expect(() => sim.scheduleAt(5, noop)).not.toThrow();
    expect(sim.pendingCount).toBe(1);
  });

  it('the InvariantError says when it happened', () => {
    const sim = new Simulation();
    sim.schedule(3, noop);
    sim.run();
    let error: unknown;
    try {
      sim.scheduleAt(1, noop);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvariantError);
    const ie = error as InvariantError;
    expect(ie.timeS).toBe(3);
    expect(ie.eventNumber).toBe(1);
    expect(ie.message).toContain('t=3s');
  });
});

describe('Simulation: cancel and handles', () => {
  it('cancel returns true once, then false; the event does not run', () => {
    const sim = new Simulation();
    let ran = false;
    const h = sim.schedule(1, () => {
      ran = true;
    });
    expect(sim.isPending(h)).toBe(true);
    expect(sim.cancel(h)).toBe(true);
    expect(sim.isPending(h)).toBe(false);
    expect(sim.cancel(h)).toBe(false);
    expect(sim.pendingCount).toBe(0);
    expect(sim.run()).toBe('empty');
    expect(ran).toBe(false);
    expect(sim.eventsExecuted).toBe(0);
  });

  it('NO_EVENT and negative handles are never pending and cancel nothing', () => {
    const sim = new Simulation();
    sim.schedule(1, noop);
    expect(sim.isPending(NO_EVENT)).toBe(false);
    expect(sim.cancel(NO_EVENT)).toBe(false);
    expect(sim.cancel(-12345)).toBe(false);
    expect(sim.pendingCount).toBe(1);
  });

  it('a handle whose event already ran cancels nothing and is not pending', () => {
    const sim = new Simulation();
    const h = sim.schedule(1, noop);
    sim.run();
    expect(sim.isPending(h)).toBe(false);
    expect(sim.cancel(h)).toBe(false);
  });

  it('a stale handle whose slot was reused by a new event cancels nothing (after run)', () => {
    const sim = new Simulation();
    const old = sim.schedule(1, noop);
    sim.run();
    let ran = false;
    const fresh = sim.schedule(1, () => {
      ran = true;
    });
    expect(slotOf(fresh)).toBe(slotOf(old)); // the slot really was reused
    expect(fresh).not.toBe(old);
    expect(sim.isPending(old)).toBe(false);
    expect(sim.cancel(old)).toBe(false);
    expect(sim.isPending(fresh)).toBe(true);
    sim.run();
    expect(ran).toBe(true);
  });

  it('a stale handle whose slot was reused after a cancel cancels nothing', () => {
    const sim = new Simulation();
    const old = sim.schedule(1, noop);
    expect(sim.cancel(old)).toBe(true);
    sim.run(); // skips the cancelled entry, freeing its slot
    let ran = false;
    const fresh = sim.schedule(1, () => {
      ran = true;
    });
    expect(slotOf(fresh)).toBe(slotOf(old));
    expect(sim.cancel(old)).toBe(false);
    expect(sim.isPending(fresh)).toBe(true);
    sim.run();
    expect(ran).toBe(true);
  });

  it('handles stay unique over many reuses of the same slot', () => {
    const sim = new Simulation();
    const handles = new Set<EventHandle>();
    let last: EventHandle = NO_EVENT;
    for (let i = 0; i < 5000; i++) {
      last = sim.schedule(1, noop);
      handles.add(last);
      sim.run();
    }
    expect(handles.size).toBe(5000);
    const live = sim.schedule(1, noop);
    for (const h of handles) expect(sim.cancel(h)).toBe(false);
    expect(sim.isPending(live)).toBe(true);
    expect(last).not.toBe(live);
  });

  it('an event cancelled by an earlier event at the same time does not run', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    let victim: EventHandle = NO_EVENT;
    sim.schedule(1, () => {
      seen.push('killer');
      expect(sim.cancel(victim)).toBe(true);
    });
    victim = sim.schedule(1, () => seen.push('victim'));
    sim.schedule(1, () => seen.push('bystander'));
    sim.run();
    expect(seen).toEqual(['killer', 'bystander']);
    expect(sim.eventsExecuted).toBe(2);
  });

  it('the running event cannot cancel itself', () => {
    const sim = new Simulation();
    let self: EventHandle = NO_EVENT;
    let result: boolean | undefined;
    self = sim.schedule(1, () => {
      result = sim.cancel(self);
    });
    sim.run();
    expect(result).toBe(false);
  });

  it('bulk cancellation (more than 1024, more than half the queue) purges and keeps the rest in order', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const handles: EventHandle[] = [];
    for (let i = 0; i < 4000; i++) handles.push(sim.schedule(i % 13, (k: number) => seen.push(k), i));
    let purged = false;
    for (let i = 0; i < 4000; i++) {
      if (i % 5 === 0) continue;
      const size = heapSize(sim);
      expect(sim.cancel(handles[i]!)).toBe(true);
      if (heapSize(sim) < size) purged = true;
    }
    expect(purged).toBe(true);
    expect(sim.pendingCount).toBe(800);
    for (let i = 0; i < 4000; i++) expect(sim.isPending(handles[i]!)).toBe(i % 5 === 0);
    // Stale handles after the purge still cancel nothing, and fresh events reuse purged slots.
    const fresh: EventHandle[] = [];
    for (let i = 0; i < 3000; i++) fresh.push(sim.schedule(0.5, (k: number) => seen.push(k), 10_000 + i));
    // The two purges freed 2001 + 1025 slots: no fresh event needed a slot beyond the first 4000.
    expect(Math.max(...fresh.map(slotOf))).toBeLessThan(4000);
    for (let i = 0; i < 4000; i++) if (i % 5 !== 0) expect(sim.cancel(handles[i]!)).toBe(false);
    expect(sim.pendingCount).toBe(3800);
    sim.run();
    const kept = [...Array(4000).keys()].filter((i) => i % 5 === 0);
    const expected = [
      ...kept.filter((i) => i % 13 === 0),
      ...[...Array(3000).keys()].map((i) => 10_000 + i),
      ...kept.filter((i) => i % 13 !== 0).sort((a, b) => (a % 13) - (b % 13) || a - b),
    ];
    expect(seen).toEqual(expected);
  });
  it('a purge triggered from inside a callback, mid-run, keeps the run going in order', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const handles: EventHandle[] = [];
    let purged = false;
    sim.schedule(1, () => {
      seen.push(-1);
      const size = heapSize(sim);
      for (let i = 0; i < 3000; i++) if (i % 3 !== 0) sim.cancel(handles[i]!);
      purged = heapSize(sim) < size;
      for (let i = 0; i < 50; i++) sim.schedule(0, (k: number) => seen.push(k), 5000 + i);
    });
    for (let i = 0; i < 3000; i++) handles.push(sim.schedule(1 + (i % 4), (k: number) => seen.push(k), i));
    expect(sim.run()).toBe('empty');
    expect(purged).toBe(true);
    const kept = [...Array(3000).keys()].filter((i) => i % 3 === 0);
    const expected = [
      -1,
      ...kept.filter((i) => i % 4 === 0),
      ...[...Array(50).keys()].map((i) => 5000 + i),
      ...kept.filter((i) => i % 4 !== 0).sort((a, b) => (a % 4) - (b % 4) || a - b),
    ];
    expect(seen).toEqual(expected);
    expect(sim.eventsExecuted).toBe(1 + 1000 + 50);
  });
});

describe('Simulation: run options', () => {
  it('run({untilS}) runs events at or before untilS, leaves now == untilS and runs nothing later', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    for (const t of [1, 2, 3, 3.0000001, 7]) sim.scheduleAt(t, (x: number) => seen.push(x), t);
    expect(sim.run({ untilS: 3 })).toBe('until');
    expect(seen).toEqual([1, 2, 3]);
    expect(sim.nowS).toBe(3);
    expect(sim.pendingCount).toBe(2);
    expect(sim.run({ untilS: 5 })).toBe('until');
    expect(seen).toEqual([1, 2, 3, 3.0000001]);
    expect(sim.nowS).toBe(5);
    expect(sim.run()).toBe('empty');
    expect(seen).toEqual([1, 2, 3, 3.0000001, 7]);
    expect(sim.nowS).toBe(7);
  });

  it('run({untilS}) on an empty queue advances the clock to untilS and returns empty', () => {
    const sim = new Simulation();
    expect(sim.run({ untilS: 100 })).toBe('empty');
    expect(sim.nowS).toBe(100);
    // New events are relative to the new clock.
    sim.schedule(1, noop);
    expect(sim.peekTimeS()).toBe(101);
  });

  it('run({untilS}) with untilS in the past never moves the clock back', () => {
    const sim = new Simulation();
    sim.run({ untilS: 10 });
    sim.schedule(1, noop);
    expect(sim.run({ untilS: 4 })).toBe('until');
    expect(sim.nowS).toBe(10);
    expect(sim.eventsExecuted).toBe(0);
  });

  it("run({maxEvents}) runs exactly that many and returns 'maxEvents'; the next run continues", () => {
    const sim = new Simulation();
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) sim.schedule(i, (k: number) => seen.push(k), i);
    expect(sim.run({ maxEvents: 4 })).toBe('maxEvents');
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(sim.eventsExecuted).toBe(4);
    expect(sim.nowS).toBe(3); // the clock stays at the last event run
    expect(sim.run({ maxEvents: 0 })).toBe('maxEvents');
    expect(sim.eventsExecuted).toBe(4);
    expect(sim.run({ maxEvents: 100 })).toBe('empty');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('maxEvents counts only events that run, not cancelled ones', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const handles = [0, 1, 2, 3, 4, 5].map((i) => sim.schedule(1, (k: number) => seen.push(k), i));
    sim.cancel(handles[0]!);
    sim.cancel(handles[2]!);
    expect(sim.run({ maxEvents: 2 })).toBe('maxEvents');
    expect(seen).toEqual([1, 3]);
  });

  it("with both options, whichever limit comes first decides; 'until' sets the clock, 'maxEvents' does not", () => {
    const sim = new Simulation();
    for (let i = 1; i <= 5; i++) sim.schedule(i, noop);
    expect(sim.run({ untilS: 10, maxEvents: 2 })).toBe('maxEvents');
    expect(sim.nowS).toBe(2);
    expect(sim.run({ untilS: 3.5, maxEvents: 10 })).toBe('until');
    expect(sim.nowS).toBe(3.5);
    expect(sim.eventsExecuted).toBe(3);
  });

  it('stop() from a callback ends the run after that event; the next run resumes', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.schedule(1, () => seen.push('a'));
    sim.schedule(2, () => {
      seen.push('b');
      sim.stop();
    });
    sim.schedule(2, () => seen.push('c'));
    expect(sim.run({ untilS: 10 })).toBe('stopped');
    expect(seen).toEqual(['a', 'b']);
    expect(sim.nowS).toBe(2); // not advanced to untilS
    expect(sim.run()).toBe('empty');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('stop() outside a run does not stop the next run', () => {
    const sim = new Simulation();
    sim.schedule(1, noop);
    sim.schedule(2, noop);
    sim.stop();
    expect(sim.run()).toBe('empty');
    expect(sim.eventsExecuted).toBe(2);
  });

  it('peekTimeS skips cancelled events', () => {
    const sim = new Simulation();
    const a = sim.schedule(1, noop);
    sim.schedule(2, noop);
    expect(sim.peekTimeS()).toBe(1);
    sim.cancel(a);
    expect(sim.peekTimeS()).toBe(2);
    expect(sim.pendingCount).toBe(1);
  });

  it('the clock never decreases across callbacks, runs and cancellations', () => {
    const sim = new Simulation();
    const times: number[] = [];
    let x = 7;
    const tick = (): void => {
      times.push(sim.nowS);
      x = (x * 48271) % 2147483647;
      if (times.length < 20_000) sim.schedule((x % 1000) / 100, tick);
      if (x % 3 === 0) sim.schedule(x % 7, tick);
    };
    for (let i = 0; i < 50; i++) sim.schedule(i % 4, tick);
    let last = 0;
    while (sim.run({ untilS: sim.nowS + 3, maxEvents: 997 }) !== 'empty') {
      expect(sim.nowS).toBeGreaterThanOrEqual(last);
      last = sim.nowS;
    }
    for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) throw new Error(`clock went back at event ${i}`);
    expect(times.length).toBeGreaterThan(20_000);
  });
});
