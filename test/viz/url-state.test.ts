import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeState, DEFAULT_STATE, encodeState, type VizState } from '../../viz/data/url-state.js';

const BUILTINS = ['single-replica', 'multiple-replicas', 'rolling-update'];

const stateArb: fc.Arbitrary<VizState> = fc.record({
  view: fc.constantFrom('compare', 'scenario', 'explorer'),
  scenarios: fc.array(
    fc.oneof(
      fc.record({ name: fc.constantFrom(...BUILTINS), text: fc.constant(null), overrides: fc.array(fc.string(), { maxLength: 3 }) }),
      fc.record({ name: fc.constant(null), text: fc.string({ unit: 'grapheme' }), overrides: fc.array(fc.string(), { maxLength: 3 }) }),
    ),
    { maxLength: 4 },
  ),
  seed: fc.option(fc.nat()),
  replications: fc.option(fc.integer({ min: 1, max: 100_000 })),
  timeS: fc.option(fc.double({ min: 0, max: 1e12, noNaN: true })),
  replication: fc.option(fc.nat()),
  shown: fc.option(fc.array(fc.nat({ max: 999 }), { minLength: 1, maxLength: 5 })),
});

describe('the page state in the URL', () => {
  it('round-trips any state, texts in any script included', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const { state: back, error } = decodeState(`?${encodeState(state)}`, BUILTINS);
        expect(error).toBeNull();
        expect(back).toEqual(state);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('the default state is the empty query', () => {
    expect(encodeState(DEFAULT_STATE)).toBe('');
    expect(decodeState('')).toEqual({ state: DEFAULT_STATE, error: null });
  });

  it.each([
    ['view=gallery', 'view must be one of compare, scenario, explorer, not "gallery"'],
    ['s0=triple-replica', 'there is no built-in scenario "triple-replica"'],
    ['seed=-1', 'seed must be a whole number, not "-1"'],
    ['reps=0', 'reps must be a whole number of at least 1, not "0"'],
    ['time=soon', 'time must be a number of seconds >= 0, not "soon"'],
    ['t0=%%%', 'the text of scenario 0 is damaged'],
    ['s1=single-replica', 'scenario 0 is missing (the scenarios are numbered from 0)'],
    ['o0=replicas%3D3', 'scenario 0 needs a name (s0) or a text (t0), not neither'],
    ['zoom=4', 'unknown parameter "zoom"'],
    ['rep=-1', 'rep must be a whole number (a replication, from 0), not "-1"'],
    ['show=1,,2', 'show must list scenario positions, e.g. 0,2, not "1,,2"'],
  ])('a bad link (%s) gives the default state and says why', (query, why) => {
    expect(decodeState(query, BUILTINS)).toEqual({ state: DEFAULT_STATE, error: `This link could not be read: ${why}. Showing the default view.` });
  });
});

describe('seeds', () => {
  it('every seed the loader accepts (up to 2^53 - 1) survives the link; one more does not', () => {
    const state: VizState = { ...DEFAULT_STATE, seed: Number.MAX_SAFE_INTEGER };
    expect(decodeState(encodeState(state))).toEqual({ state, error: null });
    expect(decodeState('seed=9007199254740992').error).toMatch(/seed must be a whole number/);
  });
});
