// The page's first worker works out the first scenario's first replications before the page asks
// (viz/src/worker/sim.worker.ts), from the URL query alone. The page reuses them only when the
// worker's source is the page's to the last character (they are matched as JSON): this checks
// that the two derivations agree for every kind of link, and that the built-ins are all there.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, type VizState } from '../../viz/data/url-state.js';
import { BUILTIN_TEXT, BUILTINS, commonOverrides, firstSourceOf, inputsOf } from '../../viz/src/scenarios.js';
import { loadComparison } from '../../viz/src/worker/comparison.js';
import { PATTERN_ORDER } from '../../sim/scenario/patterns.js';

/** The first scenario's source as the page sends it (main.ts: loadComparison of the state's inputs). */
function pageFirstSource(query: string): string {
  const { state } = decodeState(query, BUILTINS);
  const comparison = loadComparison(inputsOf(state.scenarios), commonOverrides(state));
  if ('errors' in comparison) throw new Error(comparison.errors.join('\n'));
  return JSON.stringify(comparison.sources[0]);
}

describe('the built-in scenarios in the page', () => {
  it('are every file in scenarios/, the patterns first in their order', () => {
    const files = readdirSync(new URL('../../scenarios', import.meta.url)).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect(new Set(BUILTINS)).toEqual(new Set(files));
    expect(BUILTINS.slice(0, PATTERN_ORDER.length)).toEqual([...PATTERN_ORDER]);
    for (const name of BUILTINS) expect(BUILTIN_TEXT[name]!.length, name).toBeGreaterThan(100);
  });
});

describe("the first worker's source for a link", () => {
  const links = [
    '',
    '?reps=200',
    '?seed=5&reps=3',
    '?view=explorer&rep=3&time=120&show=0,1',
    '?s0=multiple-replicas&o0=workloads%5B0%5D.replicas%3D2&o0=horizon%3D30d&s1=single-replica',
    `?t0=${encodeState({ view: 'compare', scenarios: [{ name: null, text: BUILTIN_TEXT['rolling-update']!, overrides: ['seed=9'] }], seed: null, replications: 4, timeS: null, replication: null, shown: null }).replace(/^.*t0=([^&]*).*$/, '$1')}&o0=seed%3D9&reps=4`,
  ];
  it.each(links)('is the one the page sends, character for character: %s', (query) => {
    expect(JSON.stringify(firstSourceOf(query))).toBe(pageFirstSource(query));
  });

  it('is the default view\'s first scenario for a link the page cannot read (the page shows the default view)', () => {
    for (const query of ['?bogus=1', '?s0=no-such-scenario', '?reps=0', '?t0=%%%']) {
      expect(decodeState(query, BUILTINS).error, query).not.toBeNull();
      expect(JSON.stringify(firstSourceOf(query)), query).toBe(pageFirstSource(''));
    }
  });

  it('agrees for any state a link can hold', () => {
    const state = fc.record<VizState>({
      view: fc.constantFrom('compare', 'scenario', 'explorer'),
      scenarios: fc.array(fc.record({ name: fc.constantFrom(...BUILTINS), text: fc.constant(null), overrides: fc.subarray(['seed=3', 'horizon=20d', 'replications=2']) }), { maxLength: 3 }),
      seed: fc.option(fc.nat({ max: 1e6 })),
      replications: fc.option(fc.integer({ min: 1, max: 500 })),
      timeS: fc.constant(null),
      replication: fc.option(fc.nat({ max: 9 })),
      shown: fc.constant(null),
    });
    fc.assert(
      fc.property(state, (s) => {
        const query = `?${encodeState(s)}`;
        expect(JSON.stringify(firstSourceOf(query))).toBe(pageFirstSource(query));
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
