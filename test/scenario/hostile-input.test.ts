// Hostile and unusual scenario texts, read by the loader itself (issue 8: "every input either runs
// or gets a located error"). Each test names the defect or message it guards; the process-level
// side (file size, encodings, devices, pipes) is in test/e2e/hostile-cli.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clipName, formatCompare, formatRun } from '../../cli/format.js';
import { runExperiment } from '../../sim/experiment/index.js';
import { describeFound } from '../../sim/scenario/errors.js';
import { MAX_TOKENS } from '../../sim/scenario/compose.js';
import { load, MINIMAL, ROOT } from './helpers.js';

const TOO_DEEP = /^deep\.yaml:\d+:\d+: document nested too deeply: more than 100 levels of lists and mappings inside one another$/;

/** Every message of a load that must fail. */
function failing(text: string, file = 's.yaml', overrides: string[] = []): string[] {
  const r = load(text, file, overrides);
  expect(r.scenario, r.messages.join('\n')).toBeUndefined();
  return r.messages;
}

describe('defect 3: the parser stops early on huge inputs under the size limit', () => {
  it('a megabyte of `]` gives the first ten syntax errors and says reading stopped', () => {
    const messages = failing(']'.repeat(1_000_000), 'close.yaml');
    expect(messages).toHaveLength(11);
    expect(messages[0]).toBe('close.yaml:1:1: YAML syntax error: Unexpected flow-seq-end token in YAML document: "]"');
    expect(messages[10]).toBe('close.yaml:1:10: ... and more syntax errors: reading stopped here (is this a YAML file?)');
  });

  it('a valid flow list of a megabyte stops at the token limit, located where it was reached', () => {
    const messages = failing(`[${'1,'.repeat(500_000)}1]`, 'flow.yaml');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^flow\.yaml:1:\d+: document too large: more than 100,000 YAML tokens \(keys, values, indicators and line breaks\) by here; a scenario has a few thousand at most$/);
  });

  it('one token under the limit is read; the limit counts lexical tokens', () => {
    // `[` + n times `1,` + `1]`: the document marker, `[`, `]` and two tokens (scalar marker, text) per value, one per comma.
    const values = Math.floor((MAX_TOKENS - 3) / 3);
    expect(failing(`[${'1,'.repeat(values - 1)}1]`)).toEqual(['s.yaml:1:1: expected a mapping of scenario fields, got a list']);
    expect(failing(`[${'1,'.repeat(values + 1)}1]`)[0]).toMatch(/document too large/);
  });

  it('a mapping with 20,000 keys is read in linear time (duplicate keys are found without comparing every pair)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}:`).join('\n');
    const messages = failing(`${keys}\nworkloads: [{name: mi}]\n`);
    expect(messages).toHaveLength(20_000);
    expect(messages[0]).toMatch(/^s\.yaml:1:1 k0: expected one of the fields name, /);
  });

  it('duplicate keys are still an error at the second one', () => {
    expect(failing('horizon: 1d\nworkloads: [{name: mi}]\nhorizon: 2d\n')).toEqual(['s.yaml:3:1: YAML syntax error: Map keys must be unique']);
    expect(failing('workloads: [{name: mi, replicas: 1, replicas: 2}]\n')).toEqual(['s.yaml:1:37: YAML syntax error: Map keys must be unique']);
  });

  it('an alias bomb stops at 100,000 values', () => {
    let text = 'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n';
    for (const [from, to] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) text += `${to}: &${to} [${Array(10).fill(`*${from}`).join(', ')}]\n`;
    expect(failing(text)).toEqual([expect.stringMatching(/^s\.yaml:\d+:\d+: document too large: more than 100,000 values once its aliases are expanded$/)]);
  });
});

describe('message: nesting deeper than the limit says so, not "Maximum call stack size exceeded"', () => {
  it.each([
    ['800 flow lists', '['.repeat(800) + ']'.repeat(800)],
    ['800 flow mappings', '{a: '.repeat(800) + '1' + '}'.repeat(800)],
    ['800 block mappings', Array.from({ length: 800 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
    ['800 block lists on one line', `${'- '.repeat(800)}x`],
    ['5000 flow lists', '['.repeat(5000) + ']'.repeat(5000)],
  ])('%s', (_name, text) => {
    expect(failing(text, 'deep.yaml')).toEqual([expect.stringMatching(TOO_DEEP)]);
  });

  it('the limit is 100 levels below the root', () => {
    expect(failing(`x: ${'['.repeat(100)}${']'.repeat(100)}`, 'deep.yaml')[0]).toMatch(/expected one of the fields/);
    expect(failing(`x: ${'['.repeat(101)}${']'.repeat(101)}`, 'deep.yaml')).toEqual([expect.stringMatching(TOO_DEEP)]);
  });

  it('lines that yaml nests one inside another after a syntax error get that error, not the depth message', () => {
    const messages = failing('a: b: c\n'.repeat(500));
    expect(messages[0]).toBe('s.yaml:1:4: YAML syntax error: Nested mappings are not allowed in compact mappings');
    expect(messages.some((m) => /nested too deeply/.test(m))).toBe(false);
  });
});

describe('message: aliases', () => {
  it('an alias to an unknown anchor says so, at the alias and its field', () => {
    expect(failing('workloads: [{name: mi}]\nhorizon: *nope\n')).toEqual(['s.yaml:2:10 horizon: expected a value, got *nope: an alias to an unknown anchor (no &nope comes before it)']);
  });

  it('an alias before its anchor is unknown there', () => {
    expect(failing('horizon: *h\nwarmup: &h 1m\nworkloads: [{name: mi}]\n')).toEqual(['s.yaml:1:10 horizon: expected a value, got *h: an alias to an unknown anchor (no &h comes before it)']);
  });

  it('an alias inside its own anchor is a cycle', () => {
    expect(failing('workloads: &w [{name: mi, x: *w}]\n')).toEqual(['s.yaml:1:30 workloads[0].x: expected a value, got *w: an alias to the anchor &w that contains it (a cycle)']);
  });
});

describe('message: a file of several documents', () => {
  it('says a scenario is one document and where the second begins', () => {
    expect(failing('workloads: [{name: mi}]\n---\nhorizon: 1d\n')).toEqual([
      's.yaml:2:1: a scenario must be one YAML document, but a second one begins at line 2 (after a --- or ... line); remove the marker or split the file',
    ]);
    expect(failing('workloads: [{name: mi}]\n...\nhorizon: 1d\n')[0]).toMatch(/^s\.yaml:3:1: a scenario must be one YAML document, but a second one begins at line 3/);
  });

  it('one document with its markers is fine', () => {
    expect(load('---\nworkloads: [{name: mi}]\n...\n').messages).toEqual([]);
  });
});

describe('message: encodings and line endings in the text', () => {
  it('CR-only line endings are named, at the first line', () => {
    expect(failing('workloads:\r  - name: mi\r    replicas: 2\r')).toEqual([
      's.yaml:1:11: a line ends with a lone carriage return (CR-only line endings, as on classic Mac OS); save the file with LF or CRLF line endings',
    ]);
  });

  it('a lone carriage return further down is located', () => {
    expect(failing('workloads: [{name: mi}]\nhorizon: 1d\rwarmup: 1m\n')[0]).toMatch(/^s\.yaml:2:12: a line ends with a lone carriage return/);
  });

  it('CRLF line endings and a UTF-8 byte order mark are accepted', () => {
    expect(load('workloads: [{name: mi}]\r\nhorizon: 1d\r\n').messages).toEqual([]);
    expect(load(`\uFEFF${MINIMAL}`).messages).toEqual([]);
  });

  it('UTF-16 text decoded as UTF-8 (NUL characters) is not a text file', () => {
    const utf16 = Buffer.from(MINIMAL, 'utf16le').toString('utf8');
    expect(failing(utf16)).toEqual(['s.yaml:1:2: not a text file: it contains a NUL character (binary data, or text in UTF-16; save it as UTF-8 text)']);
  });
});

describe('message: errors from a --set value name the --set as their origin', () => {
  const rich = readFileSync(`${ROOT}test/fixtures/rich.yaml`, 'utf8');

  it('a distribution whose p95 the --set puts below the file median', () => {
    expect(failing(rich, 'rich.yaml', ['workloads[0].startup.serverStart.p95=1s'])).toEqual([
      '--set workloads[0].startup.serverStart.p95=1s workloads[0].startup.serverStart: expected p95 > median, got median 5s and p95 1s',
    ]);
  });

  it('a list whose names the --set makes collide', () => {
    expect(failing(MINIMAL, 's.yaml', ['workloads[1].name=mi'])).toEqual(['--set workloads[1].name=mi workloads: expected workload names that are unique (mi appears twice), got a list that is not']);
  });

  it('an error the file has without the --set stays at the file', () => {
    const messages = failing('workloads: [{name: mi}, {name: mi}]\n', 's.yaml', ['workloads[0].replicas=2']);
    expect(messages).toEqual(['s.yaml:1:12 workloads: expected workload names that are unique (mi appears twice), got a list that is not']);
  });

  it.each([
    ['workloads=[{name: mi, replicas: -1}]', 'workloads[0].replicas: expected an integer between 0 and 1000, got -1'],
    ['workloads[0]={name: mi, startup: {serverStart: {dist: lognormal, median: 5s, p95: 1s}}}', 'workloads[0].startup.serverStart: expected p95 > median, got median 5s and p95 1s'],
    ['horizon=[1', 'horizon: YAML syntax error: '],
    ['horizon={a: 1', 'horizon: YAML syntax error: '],
    ['horizon=*nope', 'horizon: expected a value, got *nope: an alias to an unknown anchor (no &nope comes before it)'],
    ['workloads=[&w {name: mi, x: *w}]', 'workloads[0].x: expected a value, got *w: an alias to the anchor &w that contains it (a cycle)'],
    ['horizon=!!binary aGVsbG8=', 'horizon: expected a duration such as 90s, 5m, 2h or 30d, got binary data (5 bytes, !!binary)'],
    ['horizon=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', 'document nested too deeply'],
  ])('--set %s', (set, message) => {
    const messages = failing(MINIMAL, 's.yaml', [set]);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m.startsWith(`--set ${set} `), m).toBe(true);
    expect(messages.join('\n')).toContain(message);
  });

  it('a value that is not YAML and does not start like YAML is text, as before', () => {
    expect(load(MINIMAL, 's.yaml', ['description=a: b: c']).scenario?.description).toBe('a: b: c');
  });
});

describe('message: values of explicit YAML tags are described as what they are', () => {
  it.each([
    ['!!binary aGVsbG8=', 'binary data (5 bytes, !!binary)'],
    ['!!timestamp 2001-12-14', 'a timestamp (2001-12-14T00:00:00.000Z, !!timestamp)'],
    ['!!set {a, b}', 'a set (!!set)'],
    ['!!omap [a: 1, b: 2]', 'an ordered mapping (!!omap or !!pairs)'],
  ])('in the file: %s', (value, found) => {
    // Located at the value after its tag: `horizon: ` is 9 characters.
    const col = 10 + value.indexOf(' ') + 1;
    expect(failing(`${MINIMAL}horizon: ${value}\n`)).toEqual([`s.yaml:2:${col} horizon: expected a duration such as 90s, 5m, 2h or 30d, got ${found}`]);
  });

  it('describeFound names binary data, timestamps, sets and ordered mappings', () => {
    expect(describeFound(new Uint8Array(1))).toBe('binary data (1 byte, !!binary)');
    expect(describeFound(new Date(Number.NaN))).toBe('an invalid timestamp (!!timestamp)');
    expect(describeFound(new Set())).toBe('a set (!!set)');
    expect(describeFound(new Map())).toBe('an ordered mapping (!!omap or !!pairs)');
    expect(describeFound({})).toBe('a mapping');
  });
});

describe('message: a huge scenario name does not widen the table', () => {
  it('a name of a megabyte is an error at the field, quoted short', () => {
    const r = load(`name: ${'n'.repeat(1_000_000)}\nworkloads: [{name: mi}]\n`);
    expect(r.messages).toEqual([`s.yaml:1:7 name: expected a name of at most 100 characters (it heads a table column), got "${'n'.repeat(57)}..."`]);
  });

  // The longest name a scenario may have (100 characters) still fits the table.
  const name = 'n'.repeat(100);
  const result = runExperiment(load(`name: ${name}\nhorizon: 1h\nwarmup: 0s\nreplications: 1\nworkloads: [{name: mi}]\n`).scenario!);

  it('run and compare show at most 40 characters of it, with an ellipsis', () => {
    for (const text of [formatRun(result), formatCompare([result, result])]) {
      const longest = Math.max(...text.split('\n').map((l) => l.length));
      expect(longest).toBeLessThan(200);
      expect(text).toContain(`${'n'.repeat(39)}…`);
    }
  });

  it('clipName leaves short names alone', () => {
    expect(clipName('multiple-replicas-coordination')).toBe('multiple-replicas-coordination');
    expect(clipName('x'.repeat(41))).toBe(`${'x'.repeat(39)}…`);
  });
});
