// `deploysim report`'s errors (issue 12, item 9): a clear one-line message naming what is wrong and
// what is expected, exit status 1 (bad input), no stack trace, and no file left behind, not even a
// partial one, nor an older file at --out changed. The page itself is tested in
// test/browser/report.test.ts; here also the pieces cli/report.ts builds the file from.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError } from '../../cli/scenarios.js';
import { readReportPage, reportHtml, scriptJson, shellQuote } from '../../cli/report.js';
import { REPORT_DATA_ID, type ReportData } from '../../viz/data/report.js';
import { BIN, deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt, ROOT } from './cli-process.js';

/** The program by its full path: these runs work in a folder of their own, to see what they leave there. */
const SCRIPT = join(ROOT, BIN);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'deploysim-report-cli-'));
  dirs.push(d);
  return d;
}

const FAST = ['--replications', '2', '--horizon', '1d'];

describe('deploysim report: bad input', () => {
  const cases: Array<[string, (out: string) => string[], RegExp]> = [
    ['without --out', () => ['report', 'single-replica', ...FAST], /^report: --out FILE is required: the HTML file to write, e\.g\. --out report\.html$/],
    ['an unknown scenario', (out) => ['report', 'single-replica', 'no-such-pattern', ...FAST, '--out', out], /^no-such-pattern: no such scenario file or built-in pattern \(built-in: single-replica, .*\)$/],
    ['a --set of a value the field cannot take', (out) => ['report', 'single-replica', ...FAST, '--set', 'workloads[0].replicas=-1', '--out', out], /^single-replica: --set workloads\[0\]\.replicas=-1 workloads\[0\]\.replicas: expected an integer between 0 and 1000, got -1$/],
    ['a --set of a field that does not exist', (out) => ['report', ...FAST, '--set', 'replicaz=3', '--out', out], /^single-replica: --set replicaz=3 replicaz: expected one of the fields .*, got "replicaz"$/],
    ['an --out in a folder that does not exist', (out) => ['report', 'single-replica', ...FAST, '--out', join(out, '..', 'no-such-folder', 'r.html')], /^--out .*no-such-folder\/r\.html: cannot write the file \(ENOENT\)$/],
    ['a run that stops at its event limit', (out) => ['report', 'single-replica', ...FAST, '--set', 'limits.maxEventsPerReplication=10', '--out', out], /^scenario single-replica: replication \d+ needed more than 10 events .*raise limits\.maxEventsPerReplication or shorten the horizon$/],
  ];

  test.concurrent.each(cases)('%s: one clear line, exit status 1, nothing written', async (_name, args, message) => {
    requireBuilt();
    const dir = tempDir();
    const out = join(dir, 'report.html');
    const r = await deploysim(args(out), { cwd: dir, script: SCRIPT });
    expectExit(r, 1);
    expectNoStackTrace(r);
    expect(r.stderr, describeRun(r)).toMatch(/^[^\n]+\n$/);
    expect(r.stderr.trimEnd(), describeRun(r)).toMatch(message);
    expect(r.stdout).toBe('');
    // No report and no partial file beside it.
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a failed run leaves a file already at --out as it was', async () => {
    requireBuilt();
    const dir = tempDir();
    const out = join(dir, 'report.html');
    writeFileSync(out, 'an older report\n');
    const r = await deploysim(['report', 'single-replica', ...FAST, '--set', 'limits.maxEventsPerReplication=10', '--out', out], { cwd: dir, script: SCRIPT });
    expectExit(r, 1);
    expect(readFileSync(out, 'utf8')).toBe('an older report\n');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  test('--json and --shard are compare\'s, not report\'s', async () => {
    requireBuilt();
    for (const option of [['--json'], ['--shard', '0/2']]) {
      const dir = tempDir();
      const r = await deploysim(['report', 'single-replica', ...FAST, ...option, '--out', join(dir, 'r.html')], { cwd: dir, script: SCRIPT });
      expectExit(r, 1);
      expect(r.stderr).toContain(`unknown option '${option[0]}'`);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  test('--help names the command and its required --out', async () => {
    requireBuilt();
    const r = await deploysim(['report', '--help']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/Usage: deploysim report \[options\] \[scenarios\.\.\.\]/);
    expect(r.stdout).toMatch(/--out <file>\s+the HTML file to write \(required/);
    expect(r.stdout).toContain('--baseline <name>');
    expect(r.stdout).not.toContain('--json');
  });
});

describe('the report file', () => {
  test('without the built page, says to build it', () => {
    const dir = tempDir();
    expect(() => readReportPage(dir)).toThrow(InputError);
    expect(() => readReportPage(dir)).toThrow(/^report: the report page is not built \(report\.js in .*: ENOENT\); run npm run build$/);
  });

  test('data cannot end its script element: every < is escaped, and it parses back unchanged', () => {
    const value = { label: '</script><script>alert(1)</script><!-- x', line: 'a\u2028b' };
    const text = scriptJson(value);
    expect(text).not.toContain('<');
    expect(text).not.toContain('\u2028');
    expect(JSON.parse(text)).toEqual(value);
  });

  test('the page script and style are inlined so that nothing in them ends their element', () => {
    const data = { labels: ['a'], seed: 1, replications: 2, version: '0.0.0' } as unknown as ReportData;
    const html = reportHtml(data, { js: 'const s = "</script><!--";', css: 'a::after { content: "</style>"; }' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).toContain('const s = "<\\/script><\\x21--";');
    expect(html).toContain(`<script type="application/json" id="${REPORT_DATA_ID}">`);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  });

  test('the compare command it names quotes what a shell would split', () => {
    expect(['multiple-replicas@workloads[0].replicas=5', '--label', "one's pod", '--set', 'a=b c'].map(shellQuote)).toEqual(['multiple-replicas@workloads[0].replicas=5', '--label', `'one'\\''s pod'`, '--set', "'a=b c'"]);
  });
});
