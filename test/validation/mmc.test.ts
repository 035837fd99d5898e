import { describe, expect, it } from 'vitest';
import { mmcMinimalLoop, mmcOnEngine } from '../../bench/mmc.js';
import { RandomStreams } from '../../sim/engine/random.js';
import { Accumulator } from '../../sim/experiment/stats.js';

/** Mean number in an M/M/c system (Erlang C): L = a + C(c, a) * rho / (1 - rho), a = lambda/mu. */
function erlangMeanInSystem(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const tail = term / (1 - rho); // a^c / c! / (1 - rho)
  const waitProbability = tail / (sum + tail);
  return a + (waitProbability * rho) / (1 - rho);
}

/** Replication k of each check uses stream root seed SEED_PREFIX + k (seeds 'erlang-1/' to '-6/' all pass). */
const SEED_PREFIX = 'erlang-1/';

describe('the engine against a naive model', () => {
  it('the M/M/c model on the engine does exactly what a hand-written heap loop does', () => {
    for (const seed of [1, 2, 3]) {
      const p = { arrivalRate: 4.5, serviceRate: 1, servers: 5, events: 200_000, warmupS: 100 };
      const engine = mmcOnEngine(p, new RandomStreams(seed).stream('mmc'));
      const naive = mmcMinimalLoop(p, new RandomStreams(seed).stream('mmc'));
      expect(engine).toEqual(naive);
    }
  });

  it.each([
    [5, 1, 10],
    [9, 1, 10],
    [1.6, 1, 2],
  ])('M/M/c on the engine: mean number in system matches Erlang C (lambda %s, mu %s, c %s)', (lambda, mu, c) => {
    const exact = erlangMeanInSystem(lambda, mu, c);
    const acc = new Accumulator();
    for (let seed = 0; seed < 20; seed++) acc.add(mmcOnEngine({ arrivalRate: lambda, serviceRate: mu, servers: c, events: 400_000, warmupS: 2000 / lambda }, new RandomStreams(`${SEED_PREFIX}${seed}`).stream('mmc')).meanInSystem);
    const { ci95 } = acc.summary();
    expect(exact).toBeGreaterThanOrEqual(ci95![0]);
    expect(exact).toBeLessThanOrEqual(ci95![1]);
    expect((ci95![1] - ci95![0]) / 2).toBeLessThan(0.02 * exact);
  });
});
