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

/** Mutated input number `i` of the corpus, from `seed`: the same numbers give the same text. */
export function mutatedInput(corpus: readonly CorpusEntry[], seed: number, i: number): SoakInput {
  const entry = corpus[i % corpus.length]!;
  const m = mutate(entry.text, new RandomStreams(seed).stream(`mutation/${i}`));
  const file = entry.name.endsWith('.json') || entry.name.startsWith('random') ? 'mutant.json' : 'mutant.yaml';
  return { part: 'mutation', name: `${entry.name} #${i}: ${m.what}`, file, text: m.text, overrides: [], saturation: i % SATURATION_EVERY === 0 };
}

/** Every case of the field sweep over the base text (each field, each extreme value). */
export function sweepCases(baseText: string): SoakInput[] {
  const base = loadScenarioText(baseText, SWEEP_BASE);
  if (base.scenario === undefined) throw new Error(`${SWEEP_BASE} does not load`);
  const cases = sweepInputs(SWEEP_BASE, baseText, sweepFields(base.scenario).fields);
  // Rates and traffic fields always go through the saturation search: it is what they change.
  return cases.map((c, i) => ({ ...c, saturation: /traffic|rate/i.test(c.overrides[0]!) || i % SATURATION_EVERY === 0 }));
}

/** Random scenario number `i` of the run seeded `seed`. */
export function randomInput(seed: number, i: number): RandomInput {
  const s = seed * 1_000_003 + i;
  return { part: 'random', name: `random scenario (seed ${s})`, seed: s };
}
