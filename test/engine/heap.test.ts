import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventHeap } from '../../sim/engine/heap.js';

/** The order of heap.ts: time, then sequence number. */
interface Entry {
  timeS: number;
  seq: number;
  payload: number;
}
const before = (a: Entry, b: Entry): boolean => a.timeS < b.timeS || (a.timeS === b.timeS && a.seq < b.seq);

/** Naive reference: an unsorted list; the first entry is found by a linear scan. */
class ListModel {
  entries: Entry[] = [];
  push(e: Entry): void {
    this.entries.push(e);
  }
  firstIndex(): number {
    let best = -1;
    for (let i = 0; i < this.entries.length; i++) if (best < 0 || before(this.entries[i]!, this.entries[best]!)) best = i;
    return best;
  }
  pop(): Entry {
    const i = this.firstIndex();
    return this.entries.splice(i, 1)[0]!;
  }
  peek(): Entry | undefined {
    const i = this.firstIndex();
    return i < 0 ? undefined : this.entries[i];
  }
}

type HeapOp =
  | { kind: 'push'; timeS: number; count: number }
  | { kind: 'pop'; count: number }
  | { kind: 'filter'; mod: number; rem: number };

// Times from a small set (many ties) or arbitrary non-negative doubles.
const timeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 1, 2, 2.5, 7) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
);
const heapOpArb: fc.Arbitrary<HeapOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), timeS: timeArb, count: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pop' as const), count: fc.integer({ min: 1, max: 60 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('filter' as const), mod: fc.integer({ min: 1, max: 4 }), rem: fc.integer({ min: 0, max: 3 }) }),
  },
);

describe('EventHeap', () => {
  it('an empty heap peeks Infinity and -1', () => {
    const heap = new EventHeap();
    expect(heap.size).toBe(0);
    expect(heap.peekTime()).toBe(Infinity);
    expect(heap.peekPayload()).toBe(-1);
  });

  it('pops by time, then by sequence number, whatever the insertion order', () => {
    const heap = new EventHeap();
    heap.push(5, 3, 30);
    heap.push(1, 9, 90);
    heap.push(5, 1, 10);
    heap.push(1, 2, 20);
    heap.push(0, 100, 1000);
    heap.push(5, 2, 25);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    expect(out).toEqual([1000, 20, 90, 10, 25, 30]);
  });

  it('grows past its initial capacity and keeps the order (10 000 entries, ties)', () => {
    const heap = new EventHeap(16);
    const model: Entry[] = [];
    let x = 12345;
    for (let seq = 0; seq < 10_000; seq++) {
      x = (x * 1103515245 + 12345) % 2147483648; // a fixed LCG: deterministic spread of times
      const timeS = x % 50;
      heap.push(timeS, seq, seq);
      model.push({ timeS, seq, payload: seq });
    }
    expect(heap.size).toBe(10_000);
    model.sort((a, b) => (before(a, b) ? -1 : 1));
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    expect(out).toEqual(model.map((e) => e.payload));
  });

  it('filter keeps exactly the entries that pass, returns the count removed, and keeps the order', () => {
    const heap = new EventHeap();
    for (let seq = 0; seq < 100; seq++) heap.push(seq % 7, seq, seq);
    const removed = heap.filter((p) => p % 3 !== 0);
    expect(removed).toBe(34);
    expect(heap.size).toBe(66);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    const expected = [...Array(100).keys()].filter((p) => p % 3 !== 0).sort((a, b) => a % 7 - (b % 7) || a - b);
    expect(out).toEqual(expected);
  });

  it('filter that removes everything or nothing', () => {
    const heap = new EventHeap();
    for (let seq = 0; seq < 20; seq++) heap.push(1, seq, seq);
    expect(heap.filter(() => true)).toBe(0);
    expect(heap.size).toBe(20);
    expect(heap.filter(() => false)).toBe(20);
    expect(heap.size).toBe(0);
    expect(heap.peekTime()).toBe(Infinity);
    heap.push(3, 21, 7);
    expect(heap.pop()).toBe(7);
  });

  it('matches a naive list for any sequence of push / pop / filter (property)', () => {
    fc.assert(
      fc.property(fc.array(heapOpArb, { maxLength: 60 }), fc.integer({ min: 0, max: 64 }), (ops, initialCapacity) => {
        const heap = new EventHeap(initialCapacity);
        const model = new ListModel();
        let seq = 0;
        let payload = 0;
        for (const op of ops) {
          if (op.kind === 'push') {
            for (let i = 0; i < op.count; i++) {
              const e = { timeS: op.timeS + (i % 3), seq: seq++, payload: payload++ };
              heap.push(e.timeS, e.seq, e.payload);
              model.push(e);
            }
          } else if (op.kind === 'pop') {
            for (let i = 0; i < op.count && model.entries.length > 0; i++) {
              const expected = model.pop();
              expect(heap.peekTime()).toBe(expected.timeS);
              expect(heap.peekPayload()).toBe(expected.payload);
              expect(heap.pop()).toBe(expected.payload);
            }
          } else {
            const keep = (p: number): boolean => p % op.mod !== op.rem;
            const sizeBefore = model.entries.length;
            model.entries = model.entries.filter((e) => keep(e.payload));
            expect(heap.filter(keep)).toBe(sizeBefore - model.entries.length);
          }
          expect(heap.size).toBe(model.entries.length);
          const first = model.peek();
          expect(heap.peekTime()).toBe(first ? first.timeS : Infinity);
          expect(heap.peekPayload()).toBe(first ? first.payload : -1);
        }
        // Drain: the rest comes out in model order.
        while (model.entries.length > 0) expect(heap.pop()).toBe(model.pop().payload);
        expect(heap.size).toBe(0);
      }),
      { seed: 31, numRuns: 300 },
    );
  });

  it('orders by sequence among equal times even when sequence numbers are pushed out of order (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 3 }), (seqs, nTimes) => {
        const heap = new EventHeap(16);
        const model: Entry[] = seqs.map((seq, i) => ({ timeS: seq % nTimes, seq, payload: i }));
        for (const e of model) heap.push(e.timeS, e.seq, e.payload);
        model.sort((a, b) => (before(a, b) ? -1 : 1));
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop());
        expect(out).toEqual(model.map((e) => e.payload));
      }),
      { seed: 32, numRuns: 200 },
    );
  });
});
