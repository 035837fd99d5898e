import { Simulation } from '../sim/engine/simulation.js';
import type { Rng } from '../sim/engine/random.js';

/**
 * An M/M/c queue (Poisson arrivals, exponential service, c servers, unbounded FIFO queue), twice:
 * once on the engine's public API (closures scheduled on Simulation) and once as the practical
 * limit, a minimal hand-written loop over a typed-array binary heap with integer event codes.
 * Both draw from the same kind of stream in the same order, so they do the same work and the
 * ratio of their speeds measures what the engine costs.
 */
export interface MmcParams {
  arrivalRate: number;
  serviceRate: number;
  servers: number;
  events: number;
  /** Time before which the number in system is not averaged (start-up transient). Default 0. */
  warmupS?: number;
}

export interface MmcOutcome {
  events: number;
  served: number;
  /** Time-average number in system after the warm-up (for a check against Erlang C). */
  meanInSystem: number;
}

/** Area under the number-in-system curve from max(a, warmup) to b. */
function areaAfter(inSystem: number, aS: number, bS: number, warmupS: number): number {
  return bS > warmupS ? inSystem * (bS - Math.max(aS, warmupS)) : 0;
}

/** The M/M/c model written against the engine's public API. */
export function mmcOnEngine(p: MmcParams, rng: Rng): MmcOutcome {
  const sim = new Simulation();
  let busy = 0;
  let queued = 0;
  let served = 0;
  let area = 0;
  let lastS = 0;
  const warmupS = p.warmupS ?? 0;
  const account = (): void => {
    area += areaAfter(busy + queued, lastS, sim.nowS, warmupS);
    lastS = sim.nowS;
  };
  const departure = (): void => {
    account();
    served++;
    if (queued > 0) {
      queued--;
      sim.schedule(-Math.log1p(-rng()) / p.serviceRate, departure);
    } else busy--;
  };
  const arrival = (): void => {
    account();
    sim.schedule(-Math.log1p(-rng()) / p.arrivalRate, arrival);
    if (busy < p.servers) {
      busy++;
      sim.schedule(-Math.log1p(-rng()) / p.serviceRate, departure);
    } else queued++;
  };
  sim.schedule(0, arrival);
  sim.run({ maxEvents: p.events });
  return { events: sim.eventsExecuted, served, meanInSystem: area / (sim.nowS - warmupS) };
}

const ARRIVAL = 0;
const DEPARTURE = 1;

/** The same model as a minimal loop: a typed-array heap of (time, seq, code), no closures. */
export function mmcMinimalLoop(p: MmcParams, rng: Rng): MmcOutcome {
  let cap = 1024;
  let times = new Float64Array(cap);
  let seqs = new Float64Array(cap);
  let codes = new Int32Array(cap);
  let size = 0;
  let seq = 0;
  const push = (t: number, code: number): void => {
    if (size === cap) {
      cap *= 2;
      const t2 = new Float64Array(cap);
      const s2 = new Float64Array(cap);
      const c2 = new Int32Array(cap);
      t2.set(times);
      s2.set(seqs);
      c2.set(codes);
      times = t2;
      seqs = s2;
      codes = c2;
    }
    const sq = seq++;
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! < t || (times[parent] === t && seqs[parent]! < sq)) break;
      times[i] = times[parent]!;
      seqs[i] = seqs[parent]!;
      codes[i] = codes[parent]!;
      i = parent;
    }
    times[i] = t;
    seqs[i] = sq;
    codes[i] = code;
  };
  const popInto = (): number => {
    const code = codes[0]!;
    const n = --size;
    if (n > 0) {
      const t = times[n]!;
      const s = seqs[n]!;
      const c = codes[n]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        const r = child + 1;
        if (r < n && (times[r]! < times[child]! || (times[r] === times[child] && seqs[r]! < seqs[child]!))) child = r;
        if (t < times[child]! || (t === times[child] && s < seqs[child]!)) break;
        times[i] = times[child]!;
        seqs[i] = seqs[child]!;
        codes[i] = codes[child]!;
        i = child;
      }
      times[i] = t;
      seqs[i] = s;
      codes[i] = c;
    }
    return code;
  };
  let now = 0;
  let busy = 0;
  let queued = 0;
  let served = 0;
  let area = 0;
  let events = 0;
  const warmupS = p.warmupS ?? 0;
  push(0, ARRIVAL);
  while (size > 0 && events < p.events) {
    const t = times[0]!;
    const code = popInto();
    area += areaAfter(busy + queued, now, t, warmupS);
    now = t;
    events++;
    if (code === ARRIVAL) {
      push(now - Math.log1p(-rng()) / p.arrivalRate, ARRIVAL);
      if (busy < p.servers) {
        busy++;
        push(now - Math.log1p(-rng()) / p.serviceRate, DEPARTURE);
      } else queued++;
    } else {
      served++;
      if (queued > 0) {
        queued--;
        push(now - Math.log1p(-rng()) / p.serviceRate, DEPARTURE);
      } else busy--;
    }
  }
  return { events, served, meanInSystem: area / (now - warmupS) };
}
