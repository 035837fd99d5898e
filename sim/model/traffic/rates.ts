import type { RateProfile } from '../../scenario/types.js';

/** An arrival rate over time (requests per second) and what the traffic modes need of it. */
export interface Rate {
  at(tS: number): number;
  /** Expected arrivals in [aS, bS]. */
  integral(aS: number, bS: number): number;
  /** An upper bound of the rate over [aS, bS] (for thinning and load checks). */
  max(aS: number, bS: number): number;
  /** Times in (aS, bS) where the rate jumps. */
  jumps(aS: number, bS: number): number[];
  /** Over [aS, bS]: how long the rate is above `threshold`, and the arrivals expected in that time. */
  above(threshold: number, aS: number, bS: number): { seconds: number; integral: number };
}

function piecewise(points: Array<[number, number]>): Rate {
  // points: [start time, rate from then on], sorted, first at -Infinity.
  const rateAt = (t: number): number => {
    let r = points[0]![1];
    for (const [s, v] of points) if (t >= s) r = v;
    return r;
  };
  return {
    at: rateAt,
    integral(a, b) {
      let total = 0;
      for (let i = 0; i < points.length; i++) {
        const start = Math.max(a, points[i]![0]);
        const end = Math.min(b, i + 1 < points.length ? points[i + 1]![0] : Infinity);
        if (end > start) total += (end - start) * points[i]![1];
      }
      return total;
    },
    max(a, b) {
      let m = rateAt(a);
      for (const [s, v] of points) if (s > a && s < b) m = Math.max(m, v);
      return m;
    },
    jumps(a, b) {
      return points.map(([s]) => s).filter((s) => s > a && s < b);
    },
    above(threshold, a, b) {
      let seconds = 0;
      let integral = 0;
      for (let i = 0; i < points.length; i++) {
        if (!(points[i]![1] > threshold)) continue;
        const start = Math.max(a, points[i]![0]);
        const end = Math.min(b, i + 1 < points.length ? points[i + 1]![0] : Infinity);
        if (end > start) {
          seconds += end - start;
          integral += (end - start) * points[i]![1];
        }
      }
      return { seconds, integral };
    },
  };
}

/**
 * For the cosine 1 + amplitude * cos(x): the measure of the x in [-x0, x] where it is above its
 * level (cos(x) > cos(x0): intervals [2 pi k - x0, 2 pi k + x0]) and the integral over them,
 * counted from -x0 (both increase with x, so differences give any interval).
 */
function cosineAbove(x: number, x0: number, amplitude: number): [number, number] {
  const u = x + x0;
  const k = Math.floor(u / (2 * Math.PI));
  const r = Math.min(Math.max(u - 2 * Math.PI * k, 0), 2 * x0);
  const full = 2 * x0 + 2 * amplitude * Math.sin(x0);
  return [k * 2 * x0 + r, k * full + r + amplitude * (Math.sin(r - x0) + Math.sin(x0))];
}

/** The rate function of a profile. */
export function makeRate(p: RateProfile): Rate {
  switch (p.profile) {
    case 'constant':
      return piecewise([[-Infinity, p.rate]]);
    case 'step':
      return piecewise([
        [-Infinity, p.from],
        [p.at, p.to],
      ]);
    case 'spike':
      return piecewise([
        [-Infinity, p.base],
        [p.at, p.peak],
        [p.at + p.duration, p.base],
      ]);
    case 'diurnal': {
      const w = (2 * Math.PI) / p.period;
      const { mean, amplitude, peakAt } = p;
      // Integrals come in chains ([a, b] then [b, c]): the sine at the shared end is kept.
      let lastT = NaN;
      let lastSin = 0;
      const sinAt = (t: number): number => {
        if (t === lastT) return lastSin;
        lastT = t;
        return (lastSin = Math.sin(w * (t - peakAt)));
      };
      return {
        at: (t) => mean * (1 + amplitude * Math.cos(w * (t - peakAt))),
        integral: (a, b) => {
          const sa = sinAt(a);
          return mean * (b - a) + ((mean * amplitude) / w) * (sinAt(b) - sa);
        },
        max: () => mean * (1 + amplitude),
        jumps: () => [],
        above: (threshold, a, b) => {
          if (!(b > a)) return { seconds: 0, integral: 0 };
          // cos(w (t - peakAt)) > level on arcs of half-width x0 around each peak.
          const level = amplitude > 0 ? (threshold / mean - 1) / amplitude : threshold < mean ? -Infinity : Infinity;
          if (!(mean > 0) || level >= 1) return { seconds: 0, integral: 0 };
          if (level < -1) return { seconds: b - a, integral: mean * (b - a) + ((mean * amplitude) / w) * (sinAt(b) - sinAt(a)) };
          const x0 = Math.acos(level);
          const [ga, ha] = cosineAbove(w * (a - peakAt), x0, amplitude);
          const [gb, hb] = cosineAbove(w * (b - peakAt), x0, amplitude);
          return { seconds: Math.max(0, gb - ga) / w, integral: Math.max(0, ((hb - ha) * mean) / w) };
        },
      };
    }
  }
}
