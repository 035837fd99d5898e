/**
 * A streaming log-linear histogram of non-negative values (HdrHistogram's bucketing): exact below
 * 2048 units, then 1024 sub-buckets per power of two, so every recorded value is known to within
 * 0.1% of itself. Buckets live in blocks of 1024 (one per power of two) allocated when first used,
 * so memory is bounded (256 KiB at most) and small in practice; recording is a few arithmetic
 * operations; values can be recorded with a weight (the fluid traffic mode records distributions).
 *
 * Not hdr-histogram-js: that library records in about 120 ns here, a large share of the
 * per-request budget of the requests mode; this one takes a few nanoseconds.
 */
const LINEAR = 2048;
const SUB = 1024;
/** Values up to 2^42 units (51 days in microseconds) are kept to 0.1%; larger ones share the top bucket. */
const MAX_EXPONENT = 42;
const SIZE = LINEAR + (MAX_EXPONENT - 10) * SUB;

function indexOf(value: number): number {
  if (value < LINEAR) return value < 0 ? 0 : Math.floor(value);
  const exponent = value < 4294967296 ? 31 - Math.clz32(value) : Math.floor(Math.log2(value));
  const e = Math.min(exponent, MAX_EXPONENT - 1);
  const shift = e - 10;
  const mantissa = Math.min(Math.floor(value / 2 ** shift), 2 * SUB - 1);
  return LINEAR + (e - 11) * SUB + (mantissa - SUB);
}

/** The range of values that fall in bucket `index`: [low, high). */
function rangeOf(index: number): [number, number] {
  if (index < LINEAR) return [index, index + 1];
  const k = index - LINEAR;
  const e = Math.floor(k / SUB) + 11;
  const shift = e - 10;
  const mantissa = (k % SUB) + SUB;
  return [mantissa * 2 ** shift, (mantissa + 1) * 2 ** shift];
}

const BLOCK_BITS = 10;
const BLOCK = 1 << BLOCK_BITS;

function newBlock(): number[] {
  return new Array<number>(BLOCK).fill(0);
}

export class Histogram {
  // Blocks are plain arrays of doubles, not Float64Arrays: a replication makes many histograms, and
  // in Chromium (V8 with its sandbox) allocating a typed array costs ten times what it does in
  // Node, which made a replication in the browser 2-3 times slower. The arithmetic is the same.
  private readonly blocks: Array<number[] | undefined> = Array.from({ length: SIZE / BLOCK }, () => undefined);
  /** Total weight in each block, so that a quantile search skips whole blocks. */
  private readonly blockTotals: number[] = new Array<number>(SIZE / BLOCK).fill(0);
  /** Total weight recorded. */
  count = 0;
  private sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Records `value` (in the histogram's unit, e.g. microseconds) `weight` times. */
  record(value: number, weight = 1): void {
    if (!(weight > 0) || !(value >= 0)) return;
    const i = indexOf(value);
    const b = i >> BLOCK_BITS;
    (this.blocks[b] ??= newBlock())[i & (BLOCK - 1)] += weight;
    this.blockTotals[b] += weight;
    this.count += weight;
    this.sum += value * weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /**
   * Records `weight` spread evenly over [lo, hi] (values known only as a uniform range, e.g. the
   * delays of a fluid flow). Within the exact unit buckets each gets the share it covers; a range
   * beyond them is cut into at most `slices` equal slices, each recorded at its middle, so a
   * quantile is off by at most half a slice.
   */
  recordUniform(lo: number, hi: number, weight: number, slices = 16): void {
    if (!(weight > 0) || !(lo >= 0)) return;
    if (!(hi > lo)) {
      this.record(lo, weight);
      return;
    }
    if (hi <= LINEAR && hi - lo <= slices) {
      // Unit buckets, no more than the slices: each gets exactly the share of the range it covers.
      const span = hi - lo;
      for (let i = Math.floor(lo); i < hi; i++) {
        const overlap = Math.min(i + 1, hi) - Math.max(i, lo);
        if (overlap <= 0) continue;
        const w = (weight * overlap) / span;
        const b = i >> BLOCK_BITS;
        (this.blocks[b] ??= newBlock())[i & (BLOCK - 1)] += w;
        this.blockTotals[b] += w;
      }
    } else this.recordSlices(lo, hi, weight, slices);
    this.count += weight;
    this.sum += ((lo + hi) / 2) * weight;
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
  }

  private recordSlices(lo: number, hi: number, weight: number, slices: number): void {
    const n = Math.max(1, Math.min(slices, indexOf(hi) - indexOf(lo) + 1));
    const width = (hi - lo) / n;
    const w = weight / n;
    for (let k = 0; k < n; k++) {
      const i = indexOf(lo + (k + 0.5) * width);
      const b = i >> BLOCK_BITS;
      (this.blocks[b] ??= newBlock())[i & (BLOCK - 1)] += w;
      this.blockTotals[b] += w;
    }
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /**
   * The value at quantile q (0..1): the midpoint of the bucket holding it, clamped to the
   * recorded range. NaN when empty.
   */
  quantile(q: number): number {
    return this.quantiles([q])[0]!;
  }

  /** Several quantiles (ascending) in one pass, skipping whole blocks below the next target. */
  quantiles(qs: readonly number[]): number[] {
    const out = qs.map(() => NaN);
    if (this.count === 0) return out;
    let k = 0;
    let seen = 0;
    const target = (q: number) => Math.min(Math.max(q, 0), 1) * this.count;
    for (let b = 0; b < this.blocks.length && k < qs.length; b++) {
      const block = this.blocks[b];
      if (block === undefined) continue;
      if (seen + this.blockTotals[b]! < target(qs[k]!)) {
        seen += this.blockTotals[b]!;
        continue;
      }
      for (let j = 0; j < BLOCK && k < qs.length; j++) {
        const c = block[j]!;
        if (c === 0) continue;
        seen += c;
        while (k < qs.length && seen >= target(qs[k]!)) {
          const [lo, hi] = rangeOf(b * BLOCK + j);
          out[k++] = Math.min(Math.max((lo + hi) / 2, this.min), this.max);
        }
      }
    }
    for (; k < qs.length; k++) out[k] = this.max;
    return out;
  }

  /** Adds another histogram's records to this one. */
  merge(other: Histogram): void {
    other.blocks.forEach((block, b) => {
      if (block === undefined) return;
      const mine = (this.blocks[b] ??= newBlock());
      for (let j = 0; j < BLOCK; j++) mine[j] += block[j]!;
      this.blockTotals[b] += other.blockTotals[b]!;
    });
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** Forgets every record. */
  reset(): void {
    this.blocks.fill(undefined);
    this.blockTotals.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}
