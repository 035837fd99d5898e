// The deploysim command on hostile inputs, as a user meets them (issue 8): files past the size
// limit, inputs without an end (devices, FIFOs), text in other encodings, binary data, output to a
// pipe that closes, a scenario name of a megabyte. Each run is a real child process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt, type CliResult } from './cli-process.js';

const LIMIT_BYTES = 1024 * 1024;
const MINIMAL = 'workloads: [{name: mi}]\n';
let dir: string;

beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'deploysim-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file in the test's folder and returns its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Bad input: exit 1, nothing on stdout, no stack trace, and this message on stderr. */
function expectBadInput(r: CliResult, message: string | RegExp): void {
  expectExit(r, 1);
  expectNoStackTrace(r);
  expect(r.stdout, describeRun(r)).toBe('');
  if (typeof message === 'string') expect(r.stderr, describeRun(r)).toContain(message);
  else expect(r.stderr, describeRun(r)).toMatch(message);
}

describe.concurrent('defect 3 and the size message: files past the limit', () => {
  test('4,000,000 characters of `]` are refused by size, with the exact figures', async () => {
    const path = file('close.yaml', ']'.repeat(4_000_000));
    expectBadInput(await deploysim(['validate', path]), `close.yaml: 4,000,000 bytes is too large for a scenario file (limit 1,048,576 bytes = 1 MiB; is it the right file?)`);
  });

  test('one byte over the limit is refused, with a size that is not the limit', async () => {
    const path = file('over.yaml', `${MINIMAL}#${'x'.repeat(LIMIT_BYTES - MINIMAL.length)}`);
    expectBadInput(await deploysim(['run', path]), 'over.yaml: 1,048,577 bytes is too large for a scenario file (limit 1,048,576 bytes = 1 MiB;');
  });

  test('a file of exactly the limit is read', async () => {
    const path = file('limit.yaml', `${MINIMAL}#${'x'.repeat(LIMIT_BYTES - MINIMAL.length - 2)}\n`);
    const r = await deploysim(['validate', path]);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/limit\.yaml: ok/);
  });

  test('a megabyte of `]` gives its first syntax errors, not a crash', async () => {
    const path = file('close1m.yaml', ']'.repeat(1_000_000));
    expectBadInput(await deploysim(['validate', path]), 'close1m.yaml:1:10: ... and more syntax errors: reading stopped here (is this a YAML file?)');
  });
});

describe.concurrent('defect 4: inputs without an end are read up to the limit', () => {
  test('/dev/zero is not a text file', async () => {
    expectBadInput(await deploysim(['run', '/dev/zero']), '/dev/zero:1:1: not a text file: a NUL byte (binary data?)');
  });

  test('a FIFO fed by `yes` stops at the limit', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    // The shell opens the FIFO for writing once deploysim opens it for reading; `yes` ends on SIGPIPE when deploysim stops.
    const writer = spawn('sh', ['-c', `exec yes > '${fifo}'`], { stdio: 'ignore' });
    try {
      expectBadInput(await deploysim(['validate', fifo]), 'fifo.yaml: more than 1,048,576 bytes is too large for a scenario file (limit 1,048,576 bytes = 1 MiB;');
    } finally {
      writer.kill();
    }
  });

  test('a small scenario on /dev/stdin is read', async () => {
    const r = await deploysim(['validate', '/dev/stdin'], { input: MINIMAL });
    expectExit(r, 0);
    expect(r.stdout).toBe('/dev/stdin: ok\n');
  });

  test('binary data is not a text file', async () => {
    const path = file('binary.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
    expectBadInput(await deploysim(['validate', path]), 'binary.yaml:1:8: not a text file: a NUL byte (binary data?)');
  });
});

describe.concurrent('message: encodings of a file', () => {
  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  test.each([
    ['UTF-16 little-endian with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MINIMAL, 'utf16le')]), 'the file is UTF-16 encoded (little-endian, with a byte order mark); save it as UTF-8'],
    ['UTF-16 big-endian with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(MINIMAL)]), 'the file is UTF-16 encoded (big-endian, with a byte order mark); save it as UTF-8'],
    ['UTF-16 little-endian without one', Buffer.from(MINIMAL, 'utf16le'), 'the file is UTF-16 encoded (little-endian, without a byte order mark); save it as UTF-8'],
    ['UTF-16 big-endian without one', utf16be(MINIMAL), 'the file is UTF-16 encoded (big-endian, without a byte order mark); save it as UTF-8'],
    ['UTF-32 with a byte order mark', Buffer.from([0xff, 0xfe, 0, 0, 0x77, 0, 0, 0]), 'the file is UTF-32 encoded (little-endian, with a byte order mark); save it as UTF-8'],
  ])('%s', async (name, bytes, message) => {
    const path = file(`${name.replace(/\W+/g, '-')}.yaml`, bytes);
    expectBadInput(await deploysim(['validate', path]), `.yaml: ${message}`);
  });

  test('a UTF-8 byte order mark is accepted, and columns on the first line do not count it', async () => {
    const ok = await deploysim(['validate', file('bom.yaml', `\uFEFF${MINIMAL}`)]);
    expectExit(ok, 0);
    expectBadInput(await deploysim(['validate', file('bom-bad.yaml', `\uFEFFhorizon: x\n${MINIMAL}`)]), 'bom-bad.yaml:1:10 horizon: expected a duration');
  });

  test('CR-only line endings are named', async () => {
    const path = file('mac.yaml', 'workloads:\r  - name: mi\r');
    expectBadInput(await deploysim(['validate', path]), 'mac.yaml:1:11: a line ends with a lone carriage return (CR-only line endings, as on classic Mac OS)');
  });
});

describe.concurrent('defect 10: output to a pipe that closes', () => {
  test('validate ... | head -1 exits quietly', async () => {
    const r = await deploysim(['validate', 'scenarios/single-replica.yaml', 'scenarios/multiple-replicas.yaml'], { closeStdout: true });
    expectExit(r, 0);
    expectNoStackTrace(r);
    expect(r.stderr).toBe('');
  });

  test('compare --json ... | head -1 exits quietly', async () => {
    const r = await deploysim(['compare', '--json', '--replications', '2', '--horizon', '1d'], { closeStdout: true });
    expectExit(r, 0);
    expectNoStackTrace(r);
    expect(r.stderr).toBe('');
  });

  test('an error message still gets its exit status when stdout is closed', async () => {
    const r = await deploysim(['validate', 'scenarios/single-replica.yaml', file('bad.yaml', 'horizon: x\n')], { closeStdout: true });
    expectBadInput(r, 'bad.yaml:1:10 horizon: expected a duration');
  });
});

describe.concurrent('messages in the command line', () => {
  test('an error a --set value brings about in a file field names the --set', async () => {
    const r = await deploysim(['validate', 'test/fixtures/rich.yaml', '--set', 'workloads[0].startup.serverStart.p95=1s']);
    expectBadInput(r, /^--set workloads\[0\]\.startup\.serverStart\.p95=1s workloads\[0\]\.startup\.serverStart: expected p95 > median, got median 5s and p95 1s$/m);
    expect(r.stderr).not.toMatch(/rich\.yaml:\d+/);
  });

  test('a broken flow list in a --set value is a syntax error of the --set', async () => {
    expectBadInput(await deploysim(['run', 'single-replica', '--set', 'horizon=[1']), /^--set horizon=\[1 horizon: YAML syntax error: /m);
  });

  test('a scenario name of a megabyte is an error at the field, quoted short', async () => {
    const path = file('huge-name.yaml', `name: ${'n'.repeat(1_000_000)}\n${MINIMAL}`);
    const r = await deploysim(['validate', path]);
    expectBadInput(r, ':1:7 name: expected a name of at most 100 characters (it heads a table column), got "nnn');
    expect(Math.max(...r.stderr.split('\n').map((l) => l.length)), describeRun(r)).toBeLessThan(300);
  });

  test('a scenario name of 100 characters is cut in the table and the heading', async () => {
    const path = file('long-name.yaml', `name: ${'n'.repeat(100)}\n${MINIMAL}`);
    const r = await deploysim(['run', path, '--replications', '1', '--horizon', '1h', '--warmup', '0s']);
    expectExit(r, 0);
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length)), describeRun(r)).toBeLessThan(200);
    expect(r.stdout).toContain(`${'n'.repeat(39)}…`);
  });
});
