// End-to-end tests of the deploysim command line: the compiled program started as a user starts it
// (node bin/deploysim.js ...), checked on its exit status, stdout and stderr only.
// Issue 2, items 6 and 8 and the acceptance list: scenarios in, results out (docs/model.md §11, §12).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploysim, describeRun, expectExit, expectNoStackTrace, requireBuilt, ROOT, type CliResult } from './cli-process.js';

/** The five deployment patterns (what compare runs by default), then every built-in scenario. */
const BUILTINS = ['single-replica', 'multiple-replicas', 'multiple-replicas-coordination', 'isolated-stateful-pods', 'uncoordinated-replicas'];
const ALL_BUILTINS = [...BUILTINS, 'autoscaling', 'autoscaling-fixed', 'rolling-update'];
const FAST = ['--replications', '3', '--horizon', '30d'];
const FASTER = ['--replications', '2', '--horizon', '10d'];
const EXECUTABLE_BYTES = 256 * 1024;
/** Every test here waits for its processes to end however long they take: a loaded machine is slower, not wrong
 * (vitest treats a timeout of 0 as none; the CI run as a whole has its own limit). */
const NO_TIME_LIMIT = { timeout: 0 };
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Summary {
  mean: number | null;
  ci95: [number, number] | null;
  min: number | null;
  max: number | null;
  n: number;
}
type Metrics = { [key: string]: Summary | Metrics };
interface RunJson {
  scenario: string;
  seed: number;
  replications: number;
  horizonS: number;
  warmupS: number;
  engineVersion: string;
  replicationSeeds?: unknown;
  metrics: Metrics;
  resolvedScenario: Record<string, unknown>;
  pairedDifferences?: { baseline: string; metrics: Metrics };
}

function summaryAt(metrics: Metrics, path: string): Summary {
  let node: Summary | Metrics | undefined = metrics;
  for (const part of path.split('.')) node = (node as Metrics | undefined)?.[part];
  expect(node, `metric ${path}`).toBeDefined();
  return node as Summary;
}

/** A metric summary across replications: {mean, ci95: [lo, hi], min, max, n} and consistent. */
function expectSummary(s: Summary, label: string, replications: number, opts: { maybeEmpty?: boolean } = {}): void {
  // Totals per replication also carry their worst years (p90, p99 across replications).
  const worst = !label.startsWith('pairedDifferences') && /(downtimeS|requests\.failed|missedExecutions|duplicateExecutions|^cost\.\w+)$/.test(label);
  expect(Object.keys(s).sort(), label).toEqual(worst ? ['ci95', 'max', 'mean', 'min', 'n', 'p90', 'p99'] : ['ci95', 'max', 'mean', 'min', 'n']);
  if (worst && s.mean !== null) {
    const q = s as Summary & { p90: { value: number; ci95: [number, number] | null }; p99: { value: number } };
    expect(q.p90.value, `${label}: min <= p90 <= p99 <= max`).toBeGreaterThanOrEqual(s.min!);
    expect(q.p99.value, label).toBeGreaterThanOrEqual(q.p90.value);
    expect(s.max!, label).toBeGreaterThanOrEqual(q.p99.value);
  }
  expect(Number.isInteger(s.n), label).toBe(true);
  if (opts.maybeEmpty) expect(s.n, label).toBeLessThanOrEqual(replications);
  else expect(s.n, label).toBe(replications);
  if (s.n === 0 || s.mean === null) {
    expect(s.mean, label).toBeNull();
    return;
  }
  expect(Number.isFinite(s.mean), label).toBe(true);
  expect(s.ci95, label).toHaveLength(2);
  const [lo, hi] = s.ci95!;
  expect(lo, `${label}: ci95[0] <= mean`).toBeLessThanOrEqual(s.mean);
  expect(s.mean, `${label}: mean <= ci95[1]`).toBeLessThanOrEqual(hi);
  expect(s.min!, `${label}: min <= mean`).toBeLessThanOrEqual(s.mean);
  expect(s.mean, `${label}: mean <= max`).toBeLessThanOrEqual(s.max!);
}

function parseJson<T>(r: CliResult): T {
  expectExit(r, 0);
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new Error(`stdout is not exactly one JSON document (${(e as Error).message})\n${describeRun(r)}`);
  }
}

/** A bad-input run: exit 1, nothing on stdout, a message on stderr, no stack trace. */
function expectBadInput(r: CliResult, ...mentions: Array<string | RegExp>): void {
  expectExit(r, 1);
  expect(r.stdout, describeRun(r)).toBe('');
  expect(r.stderr.trim(), describeRun(r)).not.toBe('');
  for (const m of mentions) {
    if (typeof m === 'string') expect(r.stderr, describeRun(r)).toContain(m);
    else expect(r.stderr, describeRun(r)).toMatch(m);
  }
  expectNoStackTrace(r);
}

/** The cells of the table row whose label (first column) is `label`. */
function tableRow(stdout: string, label: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith(`${label} `) || l.trim() === label);
  expect(line, `row "${label}" in\n${stdout}`).toBeDefined();
  return line!
    .trim()
    .slice(label.length)
    .trim()
    .split(/\s{3,}/)
    .filter(Boolean);
}

/**
 * The headline's column headings: its heading lines (above the dashes) cut into words, each word
 * in the column whose right edge it ends at (cells and headings are right-aligned), joined top down.
 */
function headlineColumns(stdout: string): string[] {
  const lines = stdout.split('\n');
  const dashes = lines.findIndex((l) => /^-{20,}$/.test(l));
  expect(dashes, `a headline in\n${stdout}`).toBeGreaterThan(0);
  let top = dashes;
  while (top > 0 && lines[top - 1]!.trim() !== '') top--;
  const columns = new Map<number, string>();
  for (const line of lines.slice(top, dashes)) {
    for (const m of line.matchAll(/\S+(?: \S+)*/g)) {
      const end = m.index! + m[0].length;
      columns.set(end, (columns.get(end) ?? '') + m[0]);
    }
  }
  return [...columns.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
}

/** A headline row's cells, the best-of-row marks dropped. */
function headlineRow(stdout: string, label: string): string[] {
  return tableRow(stdout.replace(/\*/g, ' '), label).flatMap((cell) => cell.split(/\s{2,}/));
}

let tmp = '';
const file = (name: string): string => join(tmp, name);
let socketServer: Server | undefined;

beforeAll(async () => {
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'deploysim-e2e-'));
  writeFileSync(file('empty.yaml'), '');
  // Deterministic pseudo-random bytes (with NULs and invalid UTF-8): a binary file given as a scenario.
  const garbage = Buffer.alloc(4096);
  let x = 12345;
  for (let i = 0; i < garbage.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    garbage[i] = x >>> 24;
  }
  writeFileSync(file('garbage.yaml'), garbage);
  // The head of a real executable (the node binary), as if someone passed a program instead of a scenario.
  writeFileSync(file('executable.bin'), readFileSync(process.execPath).subarray(0, EXECUTABLE_BYTES));
  writeFileSync(file('binary.json'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xfe, 0x00, 0x01]));
  writeFileSync(file('syntax.json'), '{"name": "x", "workloads": [ {"name": "mi",, } ]\n');
  writeFileSync(file('syntax.yaml'), 'name: x\nworkloads:\n  - name: mi\n    replicas: [\n');
  writeFileSync(file('tiny.json'), JSON.stringify({ name: 'tiny', workloads: [{ name: 'mi', replicas: 1 }] }));
  // Three mistakes: a bad duration (2:10), an unknown key (3:1), a negative replica count (6:15).
  writeFileSync(file('three-mistakes.yaml'), ['name: three-mistakes', 'horizon: 5x', 'bogusKey: 1', 'workloads:', '  - name: mi', '    replicas: -2', ''].join('\n'));
  // A path that exists and is not a directory but cannot be read as a file.
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer!.listen(file('socket.yaml'), resolve));
});

afterAll(async () => {
  if (socketServer) await new Promise<void>((resolve) => socketServer!.close(() => resolve()));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.concurrent('patterns', NO_TIME_LIMIT, () => {
  test('patterns --json lists the built-in scenarios, the five patterns first, each with a description', async () => {
    const list = parseJson<Array<{ name: string; description: string }>>(await deploysim(['patterns', '--json']));
    expect(list.map((p) => p.name)).toEqual(ALL_BUILTINS);
    const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect([...files].sort()).toEqual([...ALL_BUILTINS].sort());
    for (const p of list) expect(p.description.length, p.name).toBeGreaterThan(20);
  });

  test('patterns prints every built-in name with its description', async () => {
    const r = await deploysim(['patterns']);
    expectExit(r, 0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    for (const name of ALL_BUILTINS) {
      const at = lines.indexOf(name);
      expect(at, `line "${name}" in\n${r.stdout}`).toBeGreaterThanOrEqual(0);
      expect(lines[at + 1], `description under ${name}`).toMatch(/^ {2}\S.{10,}/);
    }
  });
});

describe.concurrent('run on every built-in pattern', NO_TIME_LIMIT, () => {
  test.each(BUILTINS)('run %s prints the headline within 100 columns, each figure with its interval', async (name) => {
    const r = await deploysim(['run', name, ...FAST]);
    expectExit(r, 0);
    expect(r.stdout.startsWith(name), describeRun(r)).toBe(true);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(headlineColumns(r.stdout)).toEqual([name]);
    expect(headlineRow(r.stdout, 'availability')).toEqual([expect.stringMatching(/^\d{1,3}\.\d+% ±\d+\.\d+%$/)]);
    expect(headlineRow(r.stdout, 'downtime/y')).toEqual([expect.stringMatching(/^[\d.]+ (s|min|h|d) ±[\d.]+ (s|min|h|d)$/)]);
    expect(headlineRow(r.stdout, 'node-hours/y')).toHaveLength(1);
    expect(r.stdout).toContain('Every metric with its 95% CI: --detail');
    expectNoStackTrace(r);
  });

  test.each(BUILTINS)('run %s --detail prints the table with the scenario name and an availability row', async (name) => {
    const r = await deploysim(['run', name, ...FAST, '--detail']);
    expectExit(r, 0);
    expect(r.stdout.startsWith(name), describeRun(r)).toBe(true);
    expect(r.stdout).toMatch(/3 replications x 30d/);
    const header = r.stdout.split('\n').find((l) => l.startsWith('metric'));
    expect(header?.trim().endsWith(name), describeRun(r)).toBe(true);
    const [availability] = tableRow(r.stdout, 'availability');
    expect(availability).toMatch(/^\d{1,3}\.\d+% ±\d+\.\d+$/);
    for (const label of ['downtime', 'incidents', 'node-hours', 'pod-hours', 'downtime: worst in 10 (p90)', 'downtime: worst in 100 (p99)']) expect(tableRow(r.stdout, label)).toHaveLength(1);
    expectNoStackTrace(r);
  });

  test.each(BUILTINS)('the resolved scenario of %s reproduces its result', async (name) => {
    const first = parseJson<RunJson>(await deploysim(['run', name, ...FAST, '--json']));
    const path = file(`resolved-${name}.json`);
    writeFileSync(path, JSON.stringify(first.resolvedScenario));
    const again = parseJson<RunJson>(await deploysim(['run', path, '--json']));
    expect(again.metrics).toEqual(first.metrics);
    expect(again.resolvedScenario).toEqual(first.resolvedScenario);
    expect([again.seed, again.replications, again.horizonS, again.warmupS]).toEqual([first.seed, first.replications, first.horizonS, first.warmupS]);
  });
});

describe.concurrent('stateful artifacts in the CLI', NO_TIME_LIMIT, () => {
  test('run warns once on stderr about artifacts on several servers without coordination, naming them and their duplicates', async () => {
    const r = await deploysim(['run', 'uncoordinated-replicas', ...FAST, '--detail']);
    expectExit(r, 0);
    expect(r.stderr.match(/^warning:/gm), describeRun(r)).toHaveLength(1);
    expect(r.stderr).toMatch(/recurringOrder_Task runs on 3 replicas of mi without coordination: [\d,]+ duplicate executions per replication \(mean\)/);
    expect(r.stderr).toMatch(/scheduleOrder_Task runs on 3 replicas of mi without coordination/);
    // Consumers: their duplicates are consumptions; a shared ordered store loses its order, a Kafka group does not.
    expect(r.stderr).toMatch(/orderForwardingProcessor runs on 3 replicas of mi without coordination: [\d,]+ duplicate consumptions per replication \(mean\), two or more consuming [\d.]+% of the time \(message order lost\)/);
    expect(r.stderr).toMatch(/orderFileInbound runs on 3 replicas of mi without coordination: [\d,]+ duplicate consumptions/);
    expect(r.stderr).toMatch(/orderKafkaInbound runs on 3 replicas of mi without coordination: 0 duplicate consumptions per replication \(mean\), two or more consuming [\d.]+% of the time\n/);
    const [dupes] = tableRow(r.stdout, 'recurringOrder_Task: duplicate executions');
    expect(Number(dupes!.split(' ')[0]!.replace(/,/g, ''))).toBeGreaterThan(50_000);
    expectNoStackTrace(r);
  });

  test('no warning where the artifacts are coordinated or alone in their pods; the table shows each artifact', async () => {
    for (const name of ['multiple-replicas-coordination', 'isolated-stateful-pods', 'single-replica']) {
      const r = await deploysim(['run', name, ...FAST, '--detail']);
      expectExit(r, 0);
      expect(r.stderr, describeRun(r)).not.toMatch(/warning/);
      for (const label of ['scheduled tasks running (all of them)', 'recurringOrder_Task: running', 'recurringOrder_Task: takeover time (mean)', 'scheduleOrder_Task: missed executions']) {
        expect(tableRow(r.stdout, label)).toHaveLength(1);
      }
    }
  });

  test('--json carries the artifact metrics, takeover as mean, p95 and max', async () => {
    const r = parseJson<RunJson>(await deploysim(['run', 'multiple-replicas-coordination', ...FAST, '--json']));
    const m = r.metrics as unknown as Record<string, Record<string, Record<string, unknown>>>;
    const task = m.artifacts!.recurringOrder_Task!;
    for (const key of ['availability', 'executions', 'missedExecutions', 'duplicateExecutions', 'takeovers']) expect(task[key]).toHaveProperty('mean');
    for (const key of ['mean', 'p95', 'max']) expect((task.takeoverS as Record<string, unknown>)[key]).toHaveProperty('n');
  });
});

describe.concurrent('run --trace', NO_TIME_LIMIT, () => {
  test('writes every model event of replication 0 as JSON lines, first the pods created, and still prints the result', async () => {
    const file = join(tmp, 'coordination.jsonl');
    const r = await deploysim(['run', 'multiple-replicas-coordination', ...FASTER, '--trace', file, '--json']);
    expectExit(r, 0);
    expect(parseJson<{ scenario: string }>(r).scenario).toBe('multiple-replicas-coordination');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { n: number; t: number; kind: string; pod?: string });
    expect(records.length).toBeGreaterThan(100);
    expect(records.slice(0, 3).map((x) => [x.kind, x.pod])).toEqual([
      ['pod.created', 'mi-1'],
      ['pod.created', 'mi-2'],
      ['pod.created', 'mi-3'],
    ]);
    expect(new Set(records.map((x) => x.kind))).toContain('coordination');
    expect(records.at(-1)!.t).toBeLessThanOrEqual(10 * 86400);
    expect(readdirSync(tmp).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  test('a file that cannot be written is an error before anything runs, and leaves nothing behind', async () => {
    const r = await deploysim(['run', 'single-replica', ...FASTER, '--trace', join(tmp, 'no-such-dir', 't.jsonl')]);
    expectExit(r, 1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--trace .*no-such-dir\/t\.jsonl: cannot write the file \(ENOENT\)/);
    expectNoStackTrace(r);
  });
});

describe.concurrent('overload', NO_TIME_LIMIT, () => {
  test('a load no replica count serves: the message comes first, the run still happens, --json carries overloadFraction', async () => {
    const r = await deploysim(['run', 'single-replica', ...FASTER, '--set', 'workloads[0].traffic.rate=50000/s', '--json']);
    expectExit(r, 0);
    const never = r.stderr.indexOf('can never serve its load; it is simulated anyway');
    const after = r.stderr.indexOf('was overloaded');
    expect(never, describeRun(r)).toBeGreaterThanOrEqual(0);
    expect(after).toBeGreaterThan(never);
    expect(r.stderr).toMatch(/mi is offered 50,000\/s on average but serves at most 1,9\d\d\/s with all 1 replica up \(1\.00 core per pod at 0\.5\d\d ms of CPU per request\): 96\.\d% of its requests or more cannot be served/);
    expect(r.stderr).toMatch(/mi was offered more than its serving pods can take for 100% of the measured time, 25\.\d\d times their capacity on average then/);
    const result = parseJson<{ metrics: { workloads: { mi: Record<string, { mean: number }> }; service: Record<string, { mean: number }> } }>(r);
    expect(result.metrics.workloads.mi.overloadFraction!.mean).toBeGreaterThan(0.99);
    expect(result.metrics.service.overloadFraction!.mean).toBeGreaterThan(0.99);
    expect(result.metrics.service.requestSuccessRate!.mean).toBeLessThan(0.05);
    expectNoStackTrace(r);
  });

  test('a daily peak above capacity: only the after-run message, with the share of time and the peak', async () => {
    const r = await deploysim(['run', 'single-replica', ...FASTER, '--detail', '--set', 'workloads[0].traffic.rate={profile: diurnal, mean: 1500/s, amplitude: 0.5}']);
    expectExit(r, 0);
    expect(r.stderr, describeRun(r)).not.toMatch(/can never serve/);
    expect(r.stderr).toMatch(/mi was offered more than its serving pods can take for 2\d\.\d% of the measured time, 1\.\d\d times their capacity on average then, 1\.1\d times at the highest/);
    expect(tableRow(r.stdout, 'overloaded (offered above capacity)')[0]).toMatch(/^2\d\.\d+% ±/);
  });

  test('the built-in patterns are never overloaded: no message', async () => {
    const r = await deploysim(['run', 'multiple-replicas', ...FASTER]);
    expectExit(r, 0);
    expect(r.stderr, describeRun(r)).not.toMatch(/overloaded|never serve/);
  });
});

describe.concurrent('run --json', NO_TIME_LIMIT, () => {
  const args = ['run', 'single-replica', '--json', '--replications', '4', '--horizon', '30d'];

  test('stdout is exactly one result object with every required field', async () => {
    const r = await deploysim(args);
    const result = parseJson<RunJson>(r);
    expect(r.stderr).toBe('');
    expect(result.scenario).toBe('single-replica');
    expect(result.seed).toBe(1);
    expect(result.replications).toBe(4);
    expect(result.horizonS).toBe(30 * 86400);
    expect(result.warmupS).toBe(600);
    expect(result.engineVersion).toBe(PACKAGE_VERSION);
    for (const m of ['availability', 'downtimeS', 'incidents', 'degradedFraction']) expectSummary(summaryAt(result.metrics, `service.${m}`), `service.${m}`, 4);
    // The mean time to recover is averaged over the replications that had an incident.
    expectSummary(summaryAt(result.metrics, 'service.mttrS'), 'service.mttrS', 4, { maybeEmpty: true });
    for (const m of ['nodeHours', 'podHours', 'cpuCoreHours']) expectSummary(summaryAt(result.metrics, `cost.${m}`), `cost.${m}`, 4);
    const availability = summaryAt(result.metrics, 'service.availability');
    expect(availability.min!).toBeGreaterThanOrEqual(0);
    expect(availability.max!).toBeLessThanOrEqual(1);
    // One node for the measured 30d - 10m.
    expect(summaryAt(result.metrics, 'cost.nodeHours').mean).toBeCloseTo((30 * 86400 - 600) / 3600, 6);
    expect(result.resolvedScenario).toMatchObject({ name: 'single-replica', seed: 1, replications: 4 });
    expect(result.resolvedScenario.workloads).toBeInstanceOf(Array);
  });

  test('the same command twice prints byte-identical JSON', async () => {
    const [a, b] = await Promise.all([deploysim(args), deploysim(args)]);
    expectExit(a, 0);
    expectExit(b, 0);
    expect(b.stdout).toBe(a.stdout);
  });

  test('a different --seed gives different numbers', async () => {
    const [a, b] = await Promise.all([deploysim(args), deploysim([...args, '--seed', '2'])]);
    const ra = parseJson<RunJson>(a);
    const rb = parseJson<RunJson>(b);
    expect(rb.seed).toBe(2);
    expect(rb.resolvedScenario.seed).toBe(2);
    expect(JSON.stringify(rb.metrics.service)).not.toBe(JSON.stringify(ra.metrics.service));
  });

  test('--set workloads[0].replicas=3 is applied (repeated --set: the last wins)', async () => {
    const text = await deploysim(['run', 'single-replica', ...FASTER, '--set', 'workloads[0].replicas=3']);
    expectExit(text, 0);
    expect(tableRow(text.stdout, 'availability')).toHaveLength(1);
    const r = await deploysim(['run', 'single-replica', ...FASTER, '--json', '--set', 'workloads[0].replicas=2', '--set', 'workloads[0].replicas=3']);
    const result = parseJson<RunJson>(r);
    expect((result.resolvedScenario.workloads as Array<{ replicas: number }>)[0]!.replicas).toBe(3);
    // Three pods of the same workload run for the whole measured time (10d - 10m) on a healthy day.
    expect(summaryAt(result.metrics, 'cost.podHours').max!).toBeGreaterThan(2 * (10 * 24 - 1 / 6));
  });

  test('--set takes structured values: a scripted node crash with stochastic failures switched off', async () => {
    const r = await deploysim([
      'run', 'single-replica', '--json', '--replications', '2', '--horizon', '1d',
      '--set', 'faults=[{type: node-crash, at: 2h, nodeOf: mi, repairAfter: 30m}]',
      '--set', 'workloads[0].failures.crash=null',
      '--set', 'cluster.nodePools[0].failures.crash=null',
    ]);
    const result = parseJson<RunJson>(r);
    expect(result.resolvedScenario.faults).toMatchObject([{ type: 'node-crash', at: '2h', repairAfter: '30m' }]);
    const incidents = summaryAt(result.metrics, 'service.incidents');
    expect([incidents.min, incidents.max]).toEqual([1, 1]);
    // The only node is down 30 min; the pod is back one container start and readiness delay (60 s) later.
    const downtime = summaryAt(result.metrics, 'service.downtimeS');
    expect(downtime.min!).toBeGreaterThan(30 * 60 + 60);
    expect(downtime.max!).toBeLessThan(30 * 60 + 120);
  });

  test('a scenario written as JSON runs', async () => {
    const result = parseJson<RunJson>(await deploysim(['run', file('tiny.json'), ...FASTER, '--json']));
    expect(result.scenario).toBe('tiny');
    expect(result.replications).toBe(2);
  });
});

describe.concurrent('compare', NO_TIME_LIMIT, () => {
  const pair = ['compare', 'single-replica', 'multiple-replicas', ...FAST];

  test('--json prints an array of two results, the second with paired differences against the first', async () => {
    const results = parseJson<RunJson[]>(await deploysim([...pair, '--json']));
    expect(results).toHaveLength(2);
    const [base, other] = results as [RunJson, RunJson];
    expect(base.scenario).toBe('single-replica');
    expect(other.scenario).toBe('multiple-replicas');
    expect(base.pairedDifferences).toBeUndefined();
    expect(other.pairedDifferences?.baseline).toBe('single-replica');
    // Common random numbers: the same seeds, replications, horizon and warmup for both.
    for (const k of ['seed', 'replications', 'horizonS', 'warmupS', 'replicationSeeds'] as const) expect(other[k], k).toEqual(base[k]);
    for (const m of ['service.availability', 'service.downtimeS', 'cost.nodeHours']) {
      const d = summaryAt(other.pairedDifferences!.metrics, m);
      expectSummary(d, `pairedDifferences.${m}`, 3);
      // A paired difference is this scenario minus the baseline, replication by replication.
      expect(d.mean!).toBeCloseTo(summaryAt(other.metrics, m).mean! - summaryAt(base.metrics, m).mean!, 6);
    }
  });

  test('each column equals the standalone run of that scenario with the same seed and options', async () => {
    const [cmp, single, multiple] = await Promise.all([
      deploysim([...pair, '--json']),
      deploysim(['run', 'single-replica', ...FAST, '--seed', '1', '--json']),
      deploysim(['run', 'multiple-replicas', ...FAST, '--seed', '1', '--json']),
    ]);
    const results = parseJson<RunJson[]>(cmp);
    expect(results[0]!.metrics).toEqual(parseJson<RunJson>(single).metrics);
    expect(results[1]!.metrics).toEqual(parseJson<RunJson>(multiple).metrics);
  });

  test('text mode prints a headline column per scenario, the best of each row marked, within 100 columns', async () => {
    const r = await deploysim(pair);
    expectExit(r, 0);
    expect(headlineColumns(r.stdout)).toEqual(['single-replica', 'multiple-replicas']);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    // One format per row: the same decimals in both cells.
    const availability = headlineRow(r.stdout, 'availability');
    expect(availability).toHaveLength(2);
    expect(new Set(availability.map((c) => /\.(\d+)%$/.exec(c)?.[1]?.length)).size).toBe(1);
    // Two replicas lose less time than one: the second cell of downtime is the marked one.
    const downtime = r.stdout.split('\n').find((l) => l.startsWith('downtime/y'))!;
    expect(downtime).toMatch(/^downtime\/y +\S.*\S +\S.*\*$/);
    expect(downtime.indexOf('*')).toBe(downtime.length - 1);
  });

  test("a scenario's own overrides after @, column labels, and the same file twice under two names", async () => {
    const [own, twice, labelled, json] = await Promise.all([
      deploysim(['compare', 'multiple-replicas', "multiple-replicas@workloads[0].replicas=5@coordination.miVersion=4.5", ...FASTER]),
      deploysim(['compare', 'single-replica', 'single-replica', ...FASTER]),
      deploysim(['compare', 'single-replica', 'multiple-replicas', ...FASTER, '--label', 'one pod', '--label', 'three pods', '--baseline', 'one pod']),
      deploysim(['compare', 'multiple-replicas', 'multiple-replicas@workloads[0].replicas=5', ...FASTER, '--json']),
    ]);
    for (const r of [own, twice, labelled, json]) expectExit(r, 0);
    expect(headlineColumns(own.stdout)).toEqual(['multiple-replicas', 'multiple-replicas@workloads[0].replicas=5@coordination.miVersion=4.5']);
    expect(headlineColumns(twice.stdout)).toEqual(['single-replica', 'single-replica (2)']);
    expect(headlineColumns(labelled.stdout)).toEqual(['one pod', 'three pods']);
    expect(labelled.stdout).toContain('Paired difference from one pod');
    const results = parseJson<Array<RunJson & { label: string; resolvedScenario: { workloads: Array<{ replicas: number }> } }>>(json);
    expect(results.map((x) => x.label)).toEqual(['multiple-replicas', 'multiple-replicas@workloads[0].replicas=5']);
    expect(results.map((x) => x.resolvedScenario.workloads[0]!.replicas)).toEqual([3, 5]);
    // The override is the scenario's alone, and its errors name it.
    const bad = await deploysim(['compare', 'single-replica', 'multiple-replicas@workloads[0].replicas=0x', ...FASTER]);
    expectExit(bad, 1);
    expect(bad.stderr).toContain('multiple-replicas@workloads[0].replicas=0x workloads[0].replicas: expected an integer');
    const labels = await deploysim(['compare', 'single-replica', ...FASTER, '--label', 'a', '--label', 'b']);
    expectExit(labels, 1);
    expect(labels.stderr).toContain('--label: 2 labels for 1 scenario; give at most one per scenario, in order');
  });

  test('--detail prints one column per scenario', async () => {
    const r = await deploysim([...pair, '--detail']);
    expectExit(r, 0);
    const header = r.stdout.split('\n').find((l) => l.startsWith('metric'));
    expect(header?.trim().split(/\s{3,}/).slice(1)).toEqual(['single-replica', 'multiple-replicas']);
    for (const label of ['availability', 'downtime', 'incidents', 'node-hours']) expect(tableRow(r.stdout, label), label).toHaveLength(2);
    for (const cell of tableRow(r.stdout, 'availability')) expect(cell).toMatch(/^\d{1,3}\.\d+% ±\d+\.\d+$/);
  });

  test('without scenario names it compares every built-in pattern', async () => {
    const [text, json] = await Promise.all([deploysim(['compare', ...FASTER]), deploysim(['compare', ...FASTER, '--json'])]);
    expectExit(text, 0);
    expect(headlineColumns(text.stdout)).toEqual(BUILTINS);
    expect(headlineRow(text.stdout, 'availability')).toHaveLength(BUILTINS.length);
    const results = parseJson<RunJson[]>(json);
    expect(results.map((x) => x.scenario)).toEqual(BUILTINS);
    for (const x of results.slice(1)) expect(x.pairedDifferences?.baseline).toBe('single-replica');
  });

  test('npm start (the start script of package.json) prints the comparison of the built-in patterns', async () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const start = scripts.start ?? '';
    expect(start).toMatch(/^node bin\/deploysim\.js /);
    const r = await deploysim(start.replace(/^node bin\/deploysim\.js /, '').split(/\s+/));
    expectExit(r, 0);
    expect(headlineColumns(r.stdout)).toEqual(BUILTINS);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(r.stdout.split('\n').length).toBeLessThan(50);
    // A single replica's downtime varies from year to year: its worst year in 10 is shown under the mean.
    expect(r.stdout).toMatch(/\ndowntime\/y +\S+ \S+ .*\n {2}worst in 10 \(p90\) +\S+ (s|min|h|d) /);
    // It ends with what the numbers assume: the failure processes on, with their rates, and those off.
    expect(r.stdout).toMatch(/\nFailure processes on \(mean times\):\n {2}node crash: each node every [\dhd]+ on average, repaired in [\dhms]+\n {2}container crash: /);
    expect(r.stdout).toMatch(/\nOff \(not simulated\): node partition, zone outage, clock skew, container hang, JVM pause,/);
  });
});

describe.concurrent('validate', NO_TIME_LIMIT, () => {
  test('every built-in scenario file is ok', async () => {
    const files = readdirSync(join(ROOT, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `scenarios/${f}`);
    const r = await deploysim(['validate', ...files]);
    expectExit(r, 0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(files.map((f) => `${f}: ok`));
  });

  test('a built-in pattern name validates too', async () => {
    const r = await deploysim(['validate', 'single-replica']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/single-replica\.yaml: ok/);
  });

  test('a file with three mistakes gives three located errors and exit 1', async () => {
    const path = file('three-mistakes.yaml');
    const r = await deploysim(['validate', path]);
    expectExit(r, 1);
    expect(r.stdout).toBe('');
    expectNoStackTrace(r);
    const located = r.stderr
      .split('\n')
      .map((l) => /^(?<file>.+):(?<line>\d+):(?<col>\d+) (?<path>\S+): expected (?<expected>.+), got (?<got>.+)$/.exec(l)?.groups)
      .filter((g) => g !== undefined);
    expect(located, describeRun(r)).toHaveLength(3);
    const byPath = new Map(located.map((g) => [g.path!, g]));
    expect([...byPath.keys()].sort()).toEqual(['bogusKey', 'horizon', 'workloads[0].replicas']);
    for (const g of located) expect(g.file).toBe(path);
    expect(byPath.get('horizon')).toMatchObject({ line: '2', col: '10' });
    expect(byPath.get('horizon')!.got).toContain('5x');
    expect(byPath.get('bogusKey')).toMatchObject({ line: '3', col: '1' });
    expect(byPath.get('workloads[0].replicas')).toMatchObject({ line: '6', col: '15', got: '-2' });
  });

  test('run reports the same three errors at once', async () => {
    const r = await deploysim(['run', file('three-mistakes.yaml')]);
    expectBadInput(r, 'horizon', 'bogusKey', 'workloads[0].replicas');
    expect(r.stderr.split('\n').filter((l) => l.startsWith(`${file('three-mistakes.yaml')}:`))).toHaveLength(3);
  });

  test('good and bad files together: ok for the good ones, errors for the bad, exit 1', async () => {
    const r = await deploysim(['validate', 'scenarios/single-replica.yaml', file('three-mistakes.yaml')]);
    expectExit(r, 1);
    expect(r.stdout).toBe('scenarios/single-replica.yaml: ok\n');
    expect(r.stderr).toContain('1 of 2 scenario files with errors');
    expectNoStackTrace(r);
  });

  test('--set on validate is validated like a file field', async () => {
    const r = await deploysim(['validate', 'single-replica', '--set', 'workloads[0].replicas=-2']);
    expectBadInput(r, 'workloads[0].replicas', '-2');
  });
});

describe.concurrent('bad input: exit 1, a clear message, no stack trace', NO_TIME_LIMIT, () => {
  const run = (...args: string[]): Promise<CliResult> => deploysim(['run', 'single-replica', ...FASTER, ...args]);

  test('--set without "="', async () => expectBadInput(await run('--set', 'nonsense'), '--set nonsense', 'path=value'));
  test('--set of an unknown field', async () => expectBadInput(await run('--set', 'foo=3'), /foo: expected one of the fields .*got "foo"/));
  test('--set of a bad value', async () => expectBadInput(await run('--set', 'workloads[0].replicas=-2'), /workloads\[0\]\.replicas: expected .*got -2/));
  test('--set of a non-number', async () => expectBadInput(await run('--set', 'workloads[0].replicas=abc'), /workloads\[0\]\.replicas: expected an integer.*abc/));
  test('--set to an index past the end', async () => expectBadInput(await run('--set', 'workloads[5].replicas=3'), 'workloads[5]'));
  test('--set with an empty path names the empty path, not a missing "="', async () => {
    const r = await run('--set', '=3');
    expectBadInput(r, '--set =3');
    // The argument does contain "="; what is wrong is the empty path before it.
    expect(r.stderr, describeRun(r)).not.toContain('got no "="');
  });
  test('an overload past the in-flight guard (requests mode) is the user\'s, not a bug', async () =>
    expectBadInput(
      await deploysim([
        'run', 'multiple-replicas', '--horizon', '10m', '--warmup', '1m', '--replications', '1',
        '--set', 'traffic.mode=requests', '--set', 'workloads[0].traffic.rate=20000/s', '--set', 'workloads[0].traffic.timeout=1h',
        '--set', 'loadBalancer.readTimeout=2h', '--set', 'limits.maxRequestsInFlight=20000',
      ]),
      /more than 20000 requests in flight.*limits\.maxRequestsInFlight/,
    ));
  test('a clock offset may be negative (behind), in a scenario and through --set', async () => {
    const r = await run('--set', 'cluster.nodePools[0].failures.clockSkew={timeBetween: 1d, offset: {dist: uniform, min: -30s, max: 30s}}');
    expectExit(r, 0);
    expectBadInput(await run('--set', 'cluster.nodePools[0].failures.clockSkew.offset={dist: exponential, mean: 5s}'), /offset\.dist: expected one of constant, uniform, empirical/);
  });
  test('a fault naming a pod the workload never has is run, with a warning that it does nothing', async () => {
    const r = await run('--set', 'faults=[{type: pod-crash, at: 1h, workload: mi, podIndex: 3}]');
    expectExit(r, 0);
    expect(r.stderr).toMatch(/faults\[0\] \(pod-crash\) names pod index 3 of mi, which never has more than 1 pod: it does nothing/);
  });
  test('no such warning for a pod index a surge pod of a rollout can have', async () => {
    const r = await deploysim(['run', 'multiple-replicas', ...FASTER, '--set', 'faults=[{type: rolling-update, at: 1h, workload: mi}, {type: pod-crash, at: 61m, workload: mi, podIndex: 3}]']);
    expectExit(r, 0);
    expect(r.stderr).not.toMatch(/hit nothing/);
  });
  test('compare: an override that breaks one of the scenarios names it', async () =>
    expectBadInput(await deploysim(['compare', 'single-replica', 'multiple-replicas', ...FASTER, '--set', 'workloads[2].replicas=1']), /^single-replica: --set workloads\[2\]\.replicas=1/m));
  test('--seed abc', async () => expectBadInput(await run('--seed', 'abc'), /seed: expected an integer.*"abc"/));
  test('--seed -1', async () => expectBadInput(await run('--seed', '-1'), /seed: expected .*-1/));
  test('--replications 0', async () => expectBadInput(await run('--replications', '0'), /replications: expected .*got 0/));
  test('--horizon 5x', async () => expectBadInput(await run('--horizon', '5x'), /horizon: expected a duration.*"5x"/));
  test('--warmup longer than the horizon', async () => expectBadInput(await run('--warmup', '20d'), /warmup: expected .*20d/));
  test('an option without its value', async () => expectBadInput(await deploysim(['run', 'single-replica', '--horizon']), /--horizon.*argument missing/));
  test('an unknown option (run)', async () => expectBadInput(await run('--bogus'), "unknown option '--bogus'"));
  test('an unknown option (compare)', async () => expectBadInput(await deploysim(['compare', '--bogus']), "unknown option '--bogus'"));
  test('an unknown command', async () => expectBadInput(await deploysim(['frobnicate']), "unknown command 'frobnicate'"));
  test('run without its scenario argument', async () => expectBadInput(await deploysim(['run']), "missing required argument 'scenario'"));
  test('validate without files', async () => expectBadInput(await deploysim(['validate']), "missing required argument 'files'"));
  test('too many arguments', async () => expectBadInput(await deploysim(['run', 'single-replica', 'extra']), /too many arguments/));
  test('no command at all prints the usage and exits 1', async () => {
    const r = await deploysim([]);
    expectExit(r, 1);
    expect(r.stderr).toMatch(/Usage: deploysim/);
    expectNoStackTrace(r);
  });

  test('a file that does not exist', async () => {
    const r = await deploysim(['run', 'no-such-file.yaml']);
    expectBadInput(r, 'no-such-file.yaml', /no such scenario file or built-in pattern/, 'single-replica');
  });
  test('a directory (run, validate)', async () => {
    expectBadInput(await deploysim(['run', 'scenarios']), 'scenarios: is a directory');
    expectBadInput(await deploysim(['validate', 'scenarios']), 'scenarios: is a directory');
  });
  test('an empty file', async () => {
    const r = await deploysim(['run', file('empty.yaml')]);
    expectBadInput(r, `${file('empty.yaml')}:1:1`, /workloads: expected .*got nothing/);
  });
  test('a file of random bytes', async () => {
    for (const cmd of ['run', 'validate']) {
      const r = await deploysim([cmd, file('garbage.yaml')]);
      expectBadInput(r, `${file('garbage.yaml')}:1:`);
      for (const line of r.stderr.trim().split('\n').slice(0, -1)) expect(line.startsWith(`${file('garbage.yaml')}:`), line).toBe(true);
    }
  });
  test('a large binary file (an executable) gives a short message, not a copy of the file', async () => {
    const r = await deploysim(['run', file('executable.bin')]);
    expectExit(r, 1);
    expect(r.stderr.length, `stderr is ${r.stderr.length} characters for a ${EXECUTABLE_BYTES}-byte file`).toBeLessThan(20_000);
    expectBadInput(r, `${file('executable.bin')}:`);
  });
  test('a binary file', async () => {
    expectBadInput(await deploysim(['run', file('binary.json')]), `${file('binary.json')}:1:4: not a text file: a NUL byte (binary data?)`);
  });
  test('a JSON file with a syntax error', async () => {
    expectBadInput(await deploysim(['run', file('syntax.json')]), `${file('syntax.json')}:1:44`, /syntax error/i);
    expectBadInput(await deploysim(['validate', file('syntax.json')]), `${file('syntax.json')}:1:44`, /syntax error/i);
  });
  test('a YAML file with a syntax error', async () => {
    expectBadInput(await deploysim(['run', file('syntax.yaml')]), `${file('syntax.yaml')}:`, /syntax error/i);
  });
  test('compare with one bad scenario name', async () => {
    expectBadInput(await deploysim(['compare', 'single-replica', 'no-such-pattern', ...FASTER]), 'no-such-pattern');
  });
  test('run on a path that exists but cannot be read (a Unix socket)', async () => {
    expectBadInput(await deploysim(['run', file('socket.yaml')]), `${file('socket.yaml')}: cannot read`);
  });
  test('validate on a path that exists but cannot be read (a Unix socket) is bad input, not an internal error', async () => {
    expectBadInput(await deploysim(['validate', file('socket.yaml')]), file('socket.yaml'), /cannot read/);
  });
});

describe.concurrent('help and version', NO_TIME_LIMIT, () => {
  const RUN_OPTIONS = ['--seed', '--replications', '--horizon', '--warmup', '--set', '--json'];

  test('deploysim --help lists the commands', async () => {
    const r = await deploysim(['--help']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^Usage: deploysim/);
    for (const cmd of ['run', 'compare', 'patterns', 'validate']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd} `, 'm'));
    expect(r.stdout).toContain('--version');
  });

  test.each(['run', 'compare'])('%s --help documents every run option', async (cmd) => {
    for (const args of [[cmd, '--help'], ['help', cmd]]) {
      const r = await deploysim(args);
      expectExit(r, 0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: deploysim ${cmd} `));
      for (const o of RUN_OPTIONS) expect(r.stdout, o).toMatch(new RegExp(`^\\s+${o}\\b.*\\S`, 'm'));
    }
  });

  test('patterns --help documents --json', async () => {
    const r = await deploysim(['patterns', '--help']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^\s+--json\s+\S/m);
  });

  test('validate --help documents --set', async () => {
    const r = await deploysim(['validate', '--help']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^\s+--set <path=value>\s+\S/m);
  });

  test('fields --help exits 0', async () => {
    const r = await deploysim(['fields', '--help']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^Usage: deploysim fields/);
  });

  test('fields PATH prints that field and what is inside it, wrapped; --markdown as table rows; an unknown PATH names the fields there', async () => {
    const [probe, faults, markdown, all, bad] = await Promise.all([
      deploysim(['fields', 'workloads[2].probes.startup']),
      deploysim(['fields', 'faults']),
      deploysim(['fields', 'sweep', '--markdown']),
      deploysim(['fields']),
      deploysim(['fields', 'workloads[0].probez']),
    ]);
    for (const r of [probe, faults, markdown, all]) expectExit(r, 0);
    expect(probe.stdout.split('\n').filter((l) => !l.startsWith(' ') && l !== '')).toEqual([
      'workloads[].probes.startup: mapping or none',
      'workloads[].probes.startup.initialDelay: duration = 5s',
      'workloads[].probes.startup.period: duration = 3s',
      'workloads[].probes.startup.failureThreshold: integer = 40',
      'workloads[].probes.startup.successThreshold: integer = 1',
    ]);
    for (const line of [...probe.stdout.split('\n'), ...faults.stdout.split('\n')]) expect(line.length, line).toBeLessThanOrEqual(100);
    // Every variant of a union, each under its heading.
    expect(faults.stdout).toContain('faults: type: node-crash: the node dies abruptly');
    expect(faults.stdout).toContain('faults: type: rolling-update:');
    expect(markdown.stdout.split('\n').slice(0, 3)).toEqual(['| field | type | default | meaning |', '|---|---|---|---|', expect.stringMatching(/^\| `sweep` \| list \| `\[\]` \|/)]);
    // Without PATH, on a pipe: the Markdown page docs/scenario-reference.md is.
    expect(all.stdout).toBe(readFileSync(join(ROOT, 'docs', 'scenario-reference.md'), 'utf8'));
    expectExit(bad, 1);
    expect(bad.stderr).toBe('fields workloads[0].probez: no such field; at workloads[] the fields are name, replicas, image, servesTraffic, role, resources, startup, probes, terminationGracePeriod, scheduling, autoscaling, podDisruptionBudget, strategy, serving, traffic, coordination, registry, artifacts, failures\n');
  });

  test('--preset realistic switches every failure process on, none switches them off, --set wins over both', async () => {
    const [realistic, none, mixed, bad] = await Promise.all([
      deploysim(['run', 'multiple-replicas-coordination', ...FASTER, '--preset', 'realistic']),
      deploysim(['run', 'single-replica', ...FASTER, '--preset', 'none', '--json']),
      deploysim(['run', 'single-replica', ...FASTER, '--preset', 'realistic', '--set', 'cluster.nodePools[0].failures.partition=none']),
      deploysim(['run', 'single-replica', ...FASTER, '--preset', 'sometimes']),
    ]);
    for (const r of [realistic, none, mixed]) expectExit(r, 0);
    for (const p of ['node partition: each node every 7300d', 'clock skew: each node every 4015d', 'JVM pause: each pod every 90d, for 14.3s', 'coordination-database outage: every 180d, for 1m30s', 'coordination-database slowness: every 30d']) expect(realistic.stdout).toContain(p);
    // (Zone outages have no published rate: realistic leaves them off.)
    expect(realistic.stdout).toContain('Off (not simulated): zone outage, container hang.');
    // Nothing fails on its own: no downtime at all.
    expect(summaryAt(parseJson<RunJson>(none).metrics, 'service.downtimeS').max).toBe(0);
    expect(mixed.stdout).not.toContain('node partition:');
    expect(mixed.stdout).toMatch(/Off \(not simulated\): node partition, zone outage, container hang\./);
    expectExit(bad, 1);
    expect(bad.stderr).toBe('--preset sometimes: expected one of realistic, none\n');
  });

  test('--version and -V print the package.json version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await deploysim([flag]);
      expectExit(r, 0);
      expect(r.stdout).toBe(`${PACKAGE_VERSION}\n`);
    }
  });
});

describe.concurrent('exit status 2', NO_TIME_LIMIT, () => {
  // A failure inside the program (here: writing to stdout throws) is an internal error: exit 2,
  // a one-line explanation, and the stack only when DEPLOYSIM_DEBUG=1.
  const failingStdout = '--import=data:text/javascript,process.stdout.write=()=>{throw new TypeError("simulated stdout failure")}';

  test('an internal error exits 2 with a message and no stack trace', async () => {
    const r = await deploysim(['patterns'], { nodeArgs: [failingStdout] });
    expectExit(r, 2);
    expect(r.stderr).toMatch(/^deploysim: internal error: simulated stdout failure\n/);
    expect(r.stderr).toContain('please report it');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  test('with DEPLOYSIM_DEBUG=1 the internal error also prints its stack', async () => {
    const r = await deploysim(['patterns'], { nodeArgs: [failingStdout], env: { DEPLOYSIM_DEBUG: '1' } });
    expectExit(r, 2);
    expect(r.stderr).toMatch(/TypeError: simulated stdout failure\n\s+at /);
  });
});
