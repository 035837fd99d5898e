// Progress (cli-progress) on stderr when it is a terminal: replications done of the total, rate,
// ETA and the scenario; stdout stays the result alone. On a pipe (every other e2e test) stderr is
// silent. The terminal is util-linux's `script`, which runs the command on a pseudo-terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, requireBuilt, ROOT } from './cli-process.js';

const temp = mkdtempSync(join(tmpdir(), 'deploysim-progress-'));
beforeAll(() => requireBuilt());
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('progress on a terminal', () => {
  test('draws replications done of the total, the rate, the ETA and the scenario on stderr, and keeps stdout clean', { timeout: 0 }, () => {
    const out = join(temp, 'result.json');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} compare single-replica multiple-replicas --replications 40 --horizon 30d --json --workers 2 > ${JSON.stringify(out)}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const terminal = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
    expect(terminal).toMatch(/80\/80 replications \| [\d.]+\/s \| ETA \d+s \| (single-replica|multiple-replicas) \d+\/40/);
    const result = readFileSync(out, 'utf8');
    expect(result).not.toMatch(/\x1b|replications \|/);
    expect((JSON.parse(result) as unknown[]).length).toBe(2);
  });
});
