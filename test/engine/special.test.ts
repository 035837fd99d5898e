import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  erfc,
  gamma,
  incompleteBeta,
  lnGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from '../../sim/engine/special.js';

// Reference values computed with mpmath (30 significant digits) or scipy.stats, rounded to 17 digits.

/** |actual - expected| <= rel * |expected| (and exact equality for expected 0). */
function expectRel(actual: number, expected: number, rel: number): void {
  const err = Math.abs(actual - expected);
  const bound = rel * Math.abs(expected);
  if (!(err <= bound)) {
    throw new Error(`expected ${expected}, got ${actual} (relative error ${err / Math.abs(expected)} > ${rel})`);
  }
}

describe('erfc', () => {
  const table: Array<[number, number]> = [
    [0, 1],
    [0.1, 0.8875370839817151],
    [0.5, 0.47950012218695346],
    [1, 0.15729920705028513],
    [2, 0.0046777349810472658],
    [2.4999, 0.00040716990033345138], // last point of the series branch
    [2.5, 0.00040695201744495894], // first point of the continued fraction branch
    [3, 2.2090496998585441e-5],
    [5, 1.5374597944280349e-12],
    [10, 2.0884875837625448e-45],
    [26, 5.6631924088561428e-296],
    [-1, 1.8427007929497149],
    [-3, 1.9999779095030014],
  ];
  // special.ts claims "relative error about 1e-14"; the alternating Maclaurin series loses about
  // three digits to cancellation just below its cut-off at 2.5 (measured 9.4e-12 at x = 2.4999), so
  // the bound is 1e-12 except in [2.4, 2.5) where it is 2e-11.
  it.each(table)('erfc(%d) matches the reference', (x, expected) => {
    expectRel(erfc(x), expected, x >= 2.4 && x < 2.5 ? 2e-11 : 1e-12);
  });

  it('is continuous across the switch from series to continued fraction at x = 2.5', () => {
    const below = erfc(2.5 - 1e-12);
    const at = erfc(2.5);
    expectRel(below, at, 1e-11);
  });

  it('is decreasing and satisfies erfc(x) + erfc(-x) = 2', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (x, dx) => {
        expect(erfc(x)).toBeGreaterThanOrEqual(erfc(x + dx));
        expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThan(1e-14);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('goes to 0 and 2 at the extremes', () => {
    expect(erfc(40)).toBe(0);
    expect(erfc(-40)).toBe(2);
  });
});

describe('normalCdf and normalPdf', () => {
  const table: Array<[number, number]> = [
    [0, 0.5],
    [1.96, 0.97500210485177956],
    [-1, 0.15865525393145705],
    [-3, 0.0013498980316300945],
    [-5, 2.8665157187919391e-7],
    [-8, 6.2209605742717841e-16],
    [-10, 7.6198530241605261e-24],
    [6, 0.99999999901341235],
  ];
  it.each(table)('normalCdf(%d) matches the reference to 1e-12 relative', (z, expected) => {
    expectRel(normalCdf(z), expected, 1e-12);
  });

  it('normalPdf is the standard normal density', () => {
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expectRel(normalPdf(1.5), Math.exp(-1.125) / Math.sqrt(2 * Math.PI), 1e-14);
    expect(normalPdf(2)).toBe(normalPdf(-2));
  });

  it('normalCdf has normalPdf as its derivative', () => {
    for (const z of [-4, -2, -0.5, 0, 0.7, 1.9, 3.3]) {
      const h = 1e-5;
      const derivative = (normalCdf(z + h) - normalCdf(z - h)) / (2 * h);
      // Central difference: truncation error ~h^2, rounding error ~1e-15 / h relative to the density.
      expectRel(derivative, normalPdf(z), 1e-7);
    }
  });
});

describe('normalQuantile', () => {
  it('matches known quantiles', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
    expectRel(normalQuantile(0.975), 1.9599639845400542, 1e-13);
    expectRel(normalQuantile(0.025), -1.9599639845400542, 1e-13);
    expectRel(normalQuantile(0.3), -0.52440051270804078, 1e-13);
    expectRel(normalQuantile(1e-5), -4.2648907939228246, 1e-12);
    expectRel(normalQuantile(1e-10), -6.3613409024040562, 1e-12);
  });

  it('returns -Infinity / Infinity at p = 0 / 1 and beyond', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(-0.1)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBe(Infinity);
  });

  // The round trip normalCdf(normalQuantile(p)) = p. In the lower half the error is relative to p;
  // in the upper half no float64 function can do better than about one ulp of 1 (1.1e-16) absolute,
  // so the bound there is relative to 1 - p plus a few ulps.
  function checkRoundTrip(p: number): void {
    const z = normalQuantile(p);
    expect(Number.isFinite(z)).toBe(true);
    if (p <= 0.5) {
      expectRel(normalCdf(z), p, 1e-9);
    } else {
      const err = Math.abs(normalCdf(z) - p);
      expect(err).toBeLessThanOrEqual(1e-9 * (1 - p) + 4.5e-16);
      // The upper tail, read as a tail: normalCdf(-z) = 1 - p (1 - p is exact for p >= 0.5).
      expectRel(normalCdf(-z), 1 - p, 1e-5);
    }
  }

  it('round-trips on a log grid of p over [1e-10, 1 - 1e-10]', () => {
    for (let e = -10; e <= -0.31; e += 0.05) {
      const p = Math.pow(10, e);
      checkRoundTrip(p);
      checkRoundTrip(1 - p);
    }
    // Both branch boundaries of Acklam's approximation.
    for (const p of [0.02425, 0.02425 + 1e-12, 0.02425 - 1e-12, 1 - 0.02425, 1 - 0.02425 + 1e-12, 0.5]) checkRoundTrip(p);
  });

  it('round-trips for arbitrary p in [1e-10, 1 - 1e-10] (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-10, max: 1 - 1e-10, noNaN: true }), (p) => {
        checkRoundTrip(p);
      }),
      { seed: 2, numRuns: 2000 },
    );
  });

  it('is antisymmetric about 1/2 and increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-10, max: 0.5, noNaN: true }), (p) => {
        const q = 1 - p; // exact: Sterbenz
        expect(Math.abs(normalQuantile(p) + normalQuantile(q))).toBeLessThan(1e-7 * Math.max(1, -normalQuantile(p)));
        expect(normalQuantile(p)).toBeLessThanOrEqual(normalQuantile(Math.min(0.5, p * 1.001)));
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});

describe('lnGamma and gamma', () => {
  it('gamma(5) = 24 and gamma(0.5) = sqrt(pi)', () => {
    expectRel(gamma(5), 24, 1e-13);
    expectRel(gamma(0.5), Math.sqrt(Math.PI), 1e-13);
  });

  const table: Array<[number, number, number]> = [
    // x, lnGamma(x), gamma(x)
    [0.001, 6.9071788853838537, 999.42377248459545],
    [0.1, 2.2527126517342059, 9.5135076986687313],
    [0.5, 0.57236494292470009, 1.772453850905516],
    [1, 0, 1],
    [1.5, -0.12078223763524522, 0.88622692545275801],
    [2, 0, 1],
    [5, 3.1780538303479456, 24],
    [10.5, 13.940625219403764, 1133278.3889487856],
    [100, 359.1342053695754, 9.3326215443944153e155],
  ];
  it.each(table)('at x = %d', (x, lng, g) => {
    if (lng === 0) expect(Math.abs(lnGamma(x))).toBeLessThan(1e-14);
    else expectRel(lnGamma(x), lng, 1e-13);
    expectRel(gamma(x), g, 1e-12);
  });

  it('gamma(n + 1) = n! for small integers', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      factorial *= n;
      expectRel(gamma(n + 1), factorial, 1e-12);
    }
  });

  it('satisfies gamma(x + 1) = x gamma(x) (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 50, noNaN: true }), (x) => {
        expectRel(lnGamma(x + 1), lnGamma(x) + Math.log(x), 1e-12 + 1e-13 / Math.max(1e-3, Math.abs(lnGamma(x + 1))));
      }),
      { seed: 4, numRuns: 500 },
    );
  });
});

describe('incompleteBeta', () => {
  const table: Array<[number, number, number, number]> = [
    // x, a, b, I_x(a, b)
    [0.3, 2, 5, 0.579825],
    [0.7, 0.5, 0.5, 0.63098988043445459],
    [0.2, 10, 3, 4.5260800000000024e-6],
    [0.01, 0.5, 20, 0.47136993548501556],
    [0.5, 20, 20.5, 0.53163599208158349],
    [0.05, 3, 0.5, 3.9817687255359189e-5],
    [0.4, 100, 150, 0.50343561029854033],
  ];
  it.each(table)('I_%d(%d, %d) matches the reference', (x, a, b, expected) => {
    expectRel(incompleteBeta(x, a, b), expected, 1e-10);
  });

  it('has closed forms for a = 1 or b = 1 and is 1/2 at x = 1/2 when a = b', () => {
    for (const x of [0.01, 0.2, 0.5, 0.8, 0.99]) {
      expectRel(incompleteBeta(x, 1, 1), x, 1e-12);
      expectRel(incompleteBeta(x, 3, 1), x ** 3, 1e-12);
      expectRel(incompleteBeta(x, 1, 4), 1 - (1 - x) ** 4, 1e-12);
    }
    for (const a of [0.3, 1, 2.5, 40]) expectRel(incompleteBeta(0.5, a, a), 0.5, 1e-12);
  });

  it('is 0 at x <= 0 and 1 at x >= 1', () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(-1, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(incompleteBeta(2, 2, 3)).toBe(1);
  });

  it('is symmetric: I_x(a, b) = 1 - I_{1-x}(b, a) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.1, max: 60, noNaN: true }),
        fc.double({ min: 0.1, max: 60, noNaN: true }),
        (x, a, b) => {
          const lhs = incompleteBeta(x, a, b);
          const rhs = 1 - incompleteBeta(1 - x, b, a);
          expect(lhs).toBeGreaterThanOrEqual(0);
          expect(lhs).toBeLessThanOrEqual(1);
          expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12);
        },
      ),
      { seed: 5, numRuns: 500 },
    );
  });
});

describe('studentTCdf', () => {
  it('is the Cauchy distribution at df = 1 and has its closed form at df = 2', () => {
    for (const t of [-30, -2.5, -1, 0, 0.3, 1, 4, 100]) {
      expect(Math.abs(studentTCdf(t, 1) - (0.5 + Math.atan(t) / Math.PI))).toBeLessThan(1e-13);
      expect(Math.abs(studentTCdf(t, 2) - (0.5 + t / (2 * Math.sqrt(2 + t * t))))).toBeLessThan(1e-13);
    }
  });

  it('matches scipy at t = -2.5', () => {
    expectRel(studentTCdf(-2.5, 1), 0.12111894159084341, 1e-11);
    expectRel(studentTCdf(-2.5, 5), 0.02724504967118813, 1e-11);
    expectRel(studentTCdf(-2.5, 29), 0.009162672169213043, 1e-11);
    expectRel(studentTCdf(-2.5, 1000), 0.0062892839005454036, 1e-10);
  });
});

describe('studentTQuantile', () => {
  const table: Array<[number, number]> = [
    [1, 12.706204736],
    [2, 4.30265273],
    [9, 2.262157163],
    [29, 2.045229642],
    [1000, 1.962339],
  ];
  it.each(table)('df = %d at p = 0.975 matches the t table to 1e-6 relative', (df, expected) => {
    expectRel(studentTQuantile(0.975, df), expected, 1e-6);
  });

  it('matches scipy to 1e-10 relative at p = 0.975 and 0.995', () => {
    const scipy: Array<[number, number, number]> = [
      [1, 12.706204736174694, 63.656741162871526],
      [2, 4.302652729749462, 9.924843200918287],
      [5, 2.5705818356363146, 4.032142983555228],
      [9, 2.262157162798205, 3.249835541592126],
      [29, 2.045229642132703, 2.756385903670605],
      [1000, 1.9623390808264083, 2.580754698065951],
    ];
    for (const [df, q975, q995] of scipy) {
      expectRel(studentTQuantile(0.975, df), q975, 1e-10);
      expectRel(studentTQuantile(0.995, df), q995, 1e-10);
    }
  });

  it('is antisymmetric, 0 at p = 1/2, and NaN outside its domain', () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expectRel(studentTQuantile(0.025, 9), -2.262157162798205, 1e-10);
    expect(studentTQuantile(0, 5)).toBeNaN();
    expect(studentTQuantile(1, 5)).toBeNaN();
    expect(studentTQuantile(0.9, 0)).toBeNaN();
    expect(studentTQuantile(0.9, -1)).toBeNaN();
  });

  it('inverts studentTCdf (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, df) => {
        const t = studentTQuantile(p, df);
        expect(Math.abs(studentTCdf(t, df) - p)).toBeLessThan(1e-12);
      }),
      { seed: 6, numRuns: 200 },
    );
  });
});
