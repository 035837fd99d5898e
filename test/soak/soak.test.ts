import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../sim/engine/random.js';
import { loadScenarioText } from '../../sim/scenario/index.js';
import { checkInput, checkRandom, runChecked, type Outcome, type SoakInput } from '../../soak/check.js';
import { soakCorpus } from '../../soak/corpus.js';
import { sweepFields } from '../../soak/field-sweep.js';
import { mutatedInput, randomInput, sweepCases, SWEEP_BASE } from '../../soak/inputs.js';
import { mutate } from '../../soak/mutate.js';
import { ROOT } from '../scenario/helpers.js';

/**
 * A short, seeded run of each part of the soak harness (`npm run soak` runs them for minutes): no
 * input may end in an internal error, whatever it is, and the field sweep must reach every
 * duration, distribution and rate field of the schema.
 */

const BASE_TEXT = readFileSync(`${ROOT}${SWEEP_BASE}`, 'utf8');

function expectNoInternal(inputs: Array<{ name: string }>, outcomes: Outcome[]): Map<string, number> {
  const counts = new Map<string, number>();
  outcomes.forEach((o, i) => {
    counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
    if (o.kind === 'internal') expect.fail(`${inputs[i]!.name}\n${o.message}`);
  });
  return counts;
}

describe('soak harness, short seeded run', () => {
  it('the sweep base writes every duration, distribution and rate field of the schema', () => {
    const base = loadScenarioText(BASE_TEXT, SWEEP_BASE);
    expect(base.errors).toEqual([]);
    const { fields, uncovered } = sweepFields(base.scenario);
    expect(uncovered).toEqual([]);
    expect(fields.length).toBeGreaterThan(150);
  });

  it('field sweep (every 12th case, the saturation search where it applies): no internal error', () => {
    const cases = sweepCases(BASE_TEXT).filter((_, i) => i % 12 === 0);
    const counts = expectNoInternal(cases, cases.map(checkInput));
    expect(counts.get('rejected')).toBeGreaterThan(100);
    expect(counts.get('ran')).toBeGreaterThan(20);
  });

  it('400 mutated scenarios (seed 1): no internal error', () => {
    const corpus = soakCorpus(ROOT);
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    const inputs: SoakInput[] = Array.from({ length: 400 }, (_, i) => mutatedInput(corpus, 1, i));
    const counts = expectNoInternal(inputs, inputs.map(checkInput));
    expect(counts.get('rejected')).toBeGreaterThan(100);
    expect(counts.get('ran')).toBeGreaterThan(30);
  });

  it('10 random scenarios under the invariants after every event: no internal error', () => {
    const inputs = Array.from({ length: 10 }, (_, i) => randomInput(1, i));
    const counts = expectNoInternal(inputs, inputs.map(checkRandom));
    expect(counts.get('ran')).toBe(10);
  });

  it('mutations are a function of the text and the seed', () => {
    const text = readFileSync(`${ROOT}scenarios/single-replica.yaml`, 'utf8');
    const a = mutate(text, new RandomStreams(5).stream('m'));
    const b = mutate(text, new RandomStreams(5).stream('m'));
    expect(a).toEqual(b);
    expect(a.text).not.toBe(text);
  });

  it('classifies: a valid input runs, a limit is an operating error, a model that throws is internal (with its stack)', () => {
    const input = (text: string): SoakInput => ({ part: 'mutation', name: 'x', file: 'x.yaml', text, overrides: [] });
    expect(checkInput(input('workloads: [{name: mi}]\n')).kind).toBe('ran');
    expect(checkInput(input('workloads: [{name: mi, replicas: -1}]\n')).kind).toBe('rejected');
    expect(checkInput(input('workloads: [{name: mi}]\nlimits: {maxEventsPerReplication: 1}\n')).kind).toBe('limit');
    const s = loadScenarioText('workloads: [{name: mi}]\nhorizon: 1d\n', 'x.yaml').scenario!;
    (s.workloads[0]!.startup as { serverStart: unknown }).serverStart = { dist: 'no-such-kind' };
    const broken = runChecked(s, false);
    expect(broken.kind).toBe('internal');
    expect(broken.message).toMatch(/the run threw: .*\n\s+at /);
  });
});
