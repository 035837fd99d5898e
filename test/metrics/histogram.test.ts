import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../sim/metrics/histogram.js';

describe('Histogram', () => {
  it('quantiles of recorded values are within 0.1% of the exact order statistics', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (values, q) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        const exact = sorted[Math.max(0, Math.ceil(q * values.length) - 1)]!;
        expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(Math.max(1, exact * 1e-3));
        expect(h.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 0);
      }),
    );
  });

  it('a uniform range spreads its weight: quantiles of U(lo, hi) and the mean', () => {
    // Cut into `slices` equal slices: a quantile is off by at most half a slice (plus a bucket).
    for (const slices of [16, 64, 2048]) {
      const h = new Histogram();
      h.recordUniform(0, 1000, 500, slices);
      expect(h.count).toBe(500);
      expect(h.mean).toBe(500);
      for (const q of [0.1, 0.5, 0.9, 0.99]) expect(Math.abs(h.quantile(q) - 1000 * q)).toBeLessThanOrEqual(Math.max(1000 / slices / 2, 1) + 1);
      const wide = new Histogram();
      wide.recordUniform(1e4, 1e7, 1, slices);
      for (const q of [0.05, 0.5, 0.95]) {
        const exact = 1e4 + q * (1e7 - 1e4);
        expect(Math.abs(wide.quantile(q) - exact)).toBeLessThan((1e7 - 1e4) / slices / 2 + exact * 1e-3);
      }
    }
  });

  it('a zero-width range is a point, weights add across ranges', () => {
    const h = new Histogram();
    h.recordUniform(42, 42, 3);
    h.recordUniform(100, 200, 1, 100);
    expect(h.count).toBe(4);
    expect(h.quantile(0.5)).toBe(42.5);
    expect(h.quantile(0.99)).toBeGreaterThan(195);
  });
});
