import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../sim/engine/random.js';
import { POLICIES, type PolicyView } from '../../sim/model/traffic/policies/index.js';

/** One contract every load-balancing policy must pass. */

function view(slots: number[], tried: Set<number>, active: Map<number, number>, ewma: Map<number, number>, cursor = 0): PolicyView {
  return {
    slots,
    cursor,
    eligible: (slot) => !tried.has(slot),
    active: (slot) => active.get(slot) ?? 0,
    ewma: (slot) => ewma.get(slot) ?? 0,
  };
}

const upstreams = fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 0, maxLength: 12 });

describe.each(Object.entries(POLICIES))('policy %s', (_name, policy) => {
  it('returns an eligible upstream, or -1 when there is none; never a tried one', () => {
    fc.assert(
      fc.property(upstreams, fc.array(fc.boolean(), { maxLength: 12 }), fc.array(fc.nat(50), { maxLength: 12 }), fc.integer(), fc.nat(20), (slots, triedFlags, loads, seed, cursor) => {
        const tried = new Set(slots.filter((_, i) => triedFlags[i]));
        const active = new Map(slots.map((s, i) => [s, loads[i] ?? 0]));
        const ewma = new Map(slots.map((s, i) => [s, (loads[i] ?? 0) / 100]));
        const before = [...slots];
        const chosen = policy(view(slots, tried, active, ewma, cursor), new RandomStreams(seed).stream('p'));
        const eligible = slots.filter((s) => !tried.has(s));
        if (eligible.length === 0) expect(chosen).toBe(-1);
        else expect(eligible).toContain(chosen);
        expect(slots).toEqual(before); // the rotation is not modified
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('is a pure function of the view and the random stream', () => {
    const slots = [3, 8, 1, 9, 4];
    const run = () => {
      const rng = new RandomStreams('pure').stream('p');
      const v = view(slots, new Set([8]), new Map([[3, 2], [1, 5]]), new Map([[9, 0.2]]));
      return Array.from({ length: 50 }, () => policy(v, rng));
    };
    expect(run()).toEqual(run());
  });

  it('spreads requests evenly over equal upstreams', () => {
    const slots = [10, 11, 12, 13];
    const rng = new RandomStreams('even').stream('p');
    const v = view(slots, new Set(), new Map(), new Map());
    const picks = new Map<number, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const s = policy(v, rng);
      picks.set(s, (picks.get(s) ?? 0) + 1);
    }
    // Within 4 standard deviations of a fair multinomial share.
    const sd = Math.sqrt(n * 0.25 * 0.75);
    for (const s of slots) expect(Math.abs((picks.get(s) ?? 0) - n / 4)).toBeLessThan(4 * sd);
  });
});

describe('load-aware policies prefer idle upstreams', () => {
  it('least-connections always picks the least busy eligible upstream', () => {
    const v = view([1, 2, 3], new Set(), new Map([[1, 5], [2, 1], [3, 7]]), new Map());
    expect(POLICIES['least-connections'](v, () => 0.5)).toBe(2);
  });

  it('power-of-two and ewma send clearly more to the idle upstream than to a loaded one', () => {
    for (const name of ['power-of-two', 'ewma'] as const) {
      const rng = new RandomStreams(name).stream('p');
      const v = view([1, 2, 3], new Set(), new Map([[1, 0], [2, 10], [3, 10]]), new Map([[1, 0.01], [2, 0.05], [3, 0.05]]));
      let idle = 0;
      for (let i = 0; i < 3000; i++) if (POLICIES[name](v, rng) === 1) idle++;
      expect(idle / 3000, name).toBeGreaterThan(0.55); // 2/3 of the pairs include it, and it wins them
    }
  });
});
