// The scenario's sweep: section and the LIST syntax it shares with --vary: ranges, comma lists and
// YAML lists, each value as the --set text that reads back as the value written.
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { loadScenarioText, parseSweepList, serializeScenario, sweepAxesProblem, sweepProduct } from '../../sim/scenario/index.js';
import { parseOverride } from '../../sim/scenario/overrides.js';

const BASE = 'workloads:\n  - name: mi\n';

describe('parseSweepList', () => {
  test('reads a range of whole numbers, both ends included, and values separated by commas', () => {
    expect(parseSweepList('1..4')).toEqual({ values: ['1', '2', '3', '4'] });
    expect(parseSweepList(' -2 .. 0 ')).toEqual({ values: ['-2', '-1', '0'] });
    expect(parseSweepList('5s, 10s,30s')).toEqual({ values: ['5s', '10s', '30s'] });
    expect(parseSweepList('round-robin')).toEqual({ values: ['round-robin'] });
  });

  test('says what it expected of a backward range, an empty value, a repeated value or too many values', () => {
    expect(parseSweepList('5..1')).toEqual({ expected: 'a range of whole numbers from low to high, e.g. 1..6' });
    expect(parseSweepList('1,,2')).toEqual({ expected: 'values separated by commas with no empty value among them, e.g. 1,2,3' });
    expect(parseSweepList('1,2,1')).toEqual({ expected: 'each value once (1 is listed twice)' });
    expect(parseSweepList('1..10001')).toEqual({ expected: 'a range of at most 10,000 values (a sweep takes at most 10,000 points)' });
    expect(parseSweepList('  ')).toHaveProperty('expected');
  });
});

describe('the sweep: section', () => {
  test('resolves each axis to --set value texts that read back as the values written', () => {
    const text = `${BASE}sweep:\n  - field: workloads[0].replicas\n    values: 1..3\n  - field: coordination.heartbeatInterval\n    values: [5s, 10s]\n  - field: description\n    values: ['a: b', '7', yes, 2.5]\n`;
    const r = loadScenarioText(text, 's.yaml');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.sweep).toEqual([
      { field: 'workloads[0].replicas', values: ['1', '2', '3'] },
      { field: 'coordination.heartbeatInterval', values: ['5s', '10s'] },
      { field: 'description', values: ['"a: b"', '"7"', 'yes', '2.5'] },
    ]);
    // Each text, given to --set, is the value the file wrote.
    const read = (v: string) => {
      const o = parseOverride(`description=${v}`);
      if (Array.isArray(o)) throw new Error('not an override');
      return o.value.t === 'scalar' ? o.value.v : undefined;
    };
    expect(r.scenario!.sweep[2]!.values.map(read)).toEqual(['a: b', '7', 'yes', 2.5]);
  });

  test('writes back in a form that loads to the same scenario', () => {
    const r = loadScenarioText(`${BASE}sweep:\n  - field: cluster.nodePools[0].count\n    values: [2, 4]\n`, 's.yaml');
    const again = loadScenarioText(stringify(serializeScenario(r.scenario!)), 'again.yaml');
    expect(again.errors).toEqual([]);
    expect(again.scenario!.sweep).toEqual(r.scenario!.sweep);
  });

  test('is empty when left out, and located errors name a bad path, value, repeat and axis', () => {
    expect(loadScenarioText(BASE, 's.yaml').scenario!.sweep).toEqual([]);
    const r = loadScenarioText(
      `${BASE}sweep:\n  - field: workloads[0]..replicas\n    values: [1]\n  - field: seed\n    values: []\n  - field: seed\n    values: 1..2\n`,
      's.yaml',
    );
    expect(r.errors.map((e) => `${'line' in e.loc ? e.loc.line : '?'} ${e.path}: ${e.message}`)).toEqual([
      '4 sweep[0].field: expected a field path as --set takes it, e.g. workloads[0].replicas or coordination.heartbeatInterval, got "workloads[0]..replicas"',
      '7 sweep[1].values: expected a list of values ([1, 2, 3] or [5s, 10s]) or a text 1..6 (a range of whole numbers), got a list',
    ]);
    const twice = loadScenarioText(`${BASE}sweep:\n  - field: seed\n    values: [1]\n  - field: seed\n    values: 1..2\n`, 's.yaml');
    expect(twice.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['sweep: expected axes each of a different field (seed is varied twice; give all its values in one list), got a list that is not']);
  });
});

describe('sweep axes', () => {
  test('make the cartesian product, the first axis varying slowest, within 10,000 points', () => {
    const axes = [
      { field: 'a', values: ['1', '2'] },
      { field: 'b', values: ['x', 'y', 'z'] },
    ];
    expect(sweepProduct(axes.map((a) => a.values)).map((p) => p.join(''))).toEqual(['1x', '1y', '1z', '2x', '2y', '2z']);
    expect(sweepAxesProblem(axes)).toBeUndefined();
    const big = Array.from({ length: 5 }, (_, i) => ({ field: `f${i}`, values: Array.from({ length: 7 }, (_, j) => String(j)) }));
    expect(sweepAxesProblem(big)).toBe('axes that make at most 10,000 points (these make 16,807)');
  });
});
