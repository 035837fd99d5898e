import { RandomStreams } from '../sim/engine/random.js';
import { loadScenarioText } from '../sim/scenario/index.js';
import type { RandomInput, SoakInput } from './check.js';
import type { CorpusEntry } from './corpus.js';
import { sweepFields, sweepInputs } from './field-sweep.js';
import { mutate } from './mutate.js';

/** The base of the field sweep: the fixture that writes every section of the schema. */
export const SWEEP_BASE = 'test/fixtures/every-field.yaml';

/** One in this many mutated inputs (and sweep cases off the traffic) also runs the saturation search. */
export const SATURATION_EVERY = 10;
/** One in this many mutated inputs (and sweep cases) keeps a long horizon. */
export const LONG_HORIZON_EVERY = 20;

/**
 * Sweep cases written by hand: rate profiles at the ends of what a rate may be, in both traffic
 * modes (the arrival process of the requests mode looks for arrivals window by window).
 */
const PROFILE_CASES: readonly string[][] = [
  ['workloads[1].traffic.rate=1e-9/s'],
  ['workloads[1].traffic.rate=1e-9/s', 'traffic.mode=requests'],
  ['workloads[2].traffic.rate={profile: step, from: 0/s, to: 10/s, at: 6d}', 'traffic.mode=requests'],
  ['workloads[2].traffic.rate={profile: step, from: 1e-9/s, to: 1e-9/s, at: 1h}', 'traffic.mode=requests'],
  ['workloads[3].traffic.rate={profile: spike, base: 0/s, peak: 1e9/s, at: 1d, duration: 1ms}'],
  ['workloads[3].traffic.rate={profile: spike, base: 0/s, peak: 1e-9/s, at: 1d, duration: 1000y}', 'traffic.mode=requests'],
  ['workloads[0].traffic.rate={profile: diurnal, mean: 1e-9/s, amplitude: 1, period: 1ms, peakAt: 0s}', 'traffic.mode=requests'],
  ['workloads[0].traffic.rate={profile: diurnal, mean: 1e9/s, amplitude: 1, period: 1000y, peakAt: 0s}'],
];

/** Mutated input number `i` of the corpus, from `seed`: the same numbers give the same text. */
export function mutatedInput(corpus: readonly CorpusEntry[], seed: number, i: number): SoakInput {
  const entry = corpus[i % corpus.length]!;
  const m = mutate(entry.text, new RandomStreams(seed).stream(`mutation/${i}`));
  const file = entry.name.endsWith('.json') || entry.name.startsWith('random') ? 'mutant.json' : 'mutant.yaml';
  return {
    part: 'mutation',
    name: `${entry.name} #${i}: ${m.what}`,
    file,
    text: m.text,
    overrides: [],
    saturation: i % SATURATION_EVERY === 0,
    longHorizon: i % LONG_HORIZON_EVERY === 1,
  };
}

/** Every case of the field sweep over the base text (each field, each extreme value). */
export function sweepCases(baseText: string): SoakInput[] {
  const base = loadScenarioText(baseText, SWEEP_BASE);
  if (base.scenario === undefined) throw new Error(`${SWEEP_BASE} does not load`);
  const profiles = PROFILE_CASES.map((overrides) => ({ part: 'sweep' as const, name: `${SWEEP_BASE} --set ${overrides.join(' --set ')}`, file: SWEEP_BASE, text: baseText, overrides: [...overrides] }));
  const cases = [...sweepInputs(SWEEP_BASE, baseText, sweepFields(base.scenario).fields), ...profiles];
  // Rates and traffic fields always go through the saturation search: it is what they change.
  return cases.flatMap((c, i) => {
    const one = { ...c, saturation: /traffic|rate/i.test(c.overrides[0]!) || i % SATURATION_EVERY === 0 };
    // Every case once with the short horizon; some again with a long one.
    return i % LONG_HORIZON_EVERY === 0 || /rate/.test(c.overrides[0]!) ? [one, { ...one, name: `${one.name} (long horizon)`, longHorizon: true }] : [one];
  });
}

/** Random scenario number `i` of the run seeded `seed`. */
export function randomInput(seed: number, i: number): RandomInput {
  const s = seed * 1_000_003 + i;
  return { part: 'random', name: `random scenario (seed ${s})`, seed: s };
}
