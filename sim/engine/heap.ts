/**
 * A binary min-heap of events stored in parallel typed arrays.
 *
 * THE ORDER (the only place it is defined): an event A comes before an event B when
 *   A.timeS < B.timeS, or
 *   A.timeS === B.timeS and A.seq < B.seq,
 * where `seq` is the insertion sequence number handed out by the simulation (strictly increasing).
 * Two events never share a sequence number, so the order is total: the same schedule of insertions
 * always pops in the same order, whatever the heap's internal layout.
 *
 * Each entry carries an int32 payload (the simulation's callback slot). Nothing here allocates per
 * operation; the arrays double when full.
 */
export class EventHeap {
  private timeS: Float64Array;
  private seq: Float64Array;
  private payload: Int32Array;
  /** Number of entries in the heap. */
  size = 0;

  constructor(initialCapacity = 64) {
    const cap = Math.max(16, initialCapacity | 0);
    this.timeS = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.payload = new Int32Array(cap);
  }

  /** Time of the first event; Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.timeS[0]! : Infinity;
  }

  /** Payload of the first event; -1 when empty. */
  peekPayload(): number {
    return this.size > 0 ? this.payload[0]! : -1;
  }

  push(timeS: number, seq: number, payload: number): void {
    if (this.size === this.timeS.length) this.grow();
    const t = this.timeS;
    const s = this.seq;
    const p = this.payload;
    // Sift up with a hole.
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent]!;
      if (pt < timeS || (pt === timeS && s[parent]! < seq)) break;
      t[i] = pt;
      s[i] = s[parent]!;
      p[i] = p[parent]!;
      i = parent;
    }
    t[i] = timeS;
    s[i] = seq;
    p[i] = payload;
  }

  /** Removes every entry. */
  clear(): void {
    this.size = 0;
  }

  /** Removes the first event and returns its payload. The heap must not be empty. */
  pop(): number {
    const p = this.payload;
    const top = p[0]!;
    const n = --this.size;
    if (n > 0) this.siftDown(0, this.timeS[n]!, this.seq[n]!, p[n]!, n);
    return top;
  }

  /**
   * Keeps only the entries whose payload passes `keep`, then restores the heap property.
   * Returns the number of entries removed. Used to purge cancelled events in bulk.
   */
  filter(keep: (payload: number) => boolean): number {
    const t = this.timeS;
    const s = this.seq;
    const p = this.payload;
    let w = 0;
    for (let r = 0; r < this.size; r++) {
      if (!keep(p[r]!)) continue;
      t[w] = t[r]!;
      s[w] = s[r]!;
      p[w] = p[r]!;
      w++;
    }
    const removed = this.size - w;
    this.size = w;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDown(i, t[i]!, s[i]!, p[i]!, w);
    return removed;
  }

  private siftDown(start: number, timeS: number, seq: number, payload: number, n: number): void {
    const t = this.timeS;
    const s = this.seq;
    const p = this.payload;
    let i = start;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (t[r]! < t[c]! || (t[r] === t[c] && s[r]! < s[c]!))) c = r;
      const ct = t[c]!;
      if (timeS < ct || (timeS === ct && seq < s[c]!)) break;
      t[i] = ct;
      s[i] = s[c]!;
      p[i] = p[c]!;
      i = c;
    }
    t[i] = timeS;
    s[i] = seq;
    p[i] = payload;
  }

  private grow(): void {
    const cap = this.timeS.length * 2;
    const t = new Float64Array(cap);
    const s = new Float64Array(cap);
    const p = new Int32Array(cap);
    t.set(this.timeS);
    s.set(this.seq);
    p.set(this.payload);
    this.timeS = t;
    this.seq = s;
    this.payload = p;
  }
}
