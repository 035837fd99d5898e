import { availableParallelism } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkInput, checkRandom, SOAK_BOUNDS, type Outcome, type OutcomeKind, type RandomInput, type SoakInput, type SoakPart } from './check.js';
import { runWorkers } from './workers.js';
import { soakCorpus } from './corpus.js';
import { LONG_HORIZON_EVERY, mutatedInput, randomInput, sweepCases, SWEEP_BASE } from './inputs.js';
import { randomScenario } from './random-scenarios.js';

/**
 * `npm run soak [-- --seconds N]`: throws hostile inputs at deploysim for a time budget and counts
 * what happens. Three parts: the field sweep (every duration, distribution and rate field at extreme
 * values, all of it, first), then mutated scenarios (the built-ins, the test fixtures, the README's
 * examples) interleaved with random valid scenarios run under the model's invariants. Inputs run in
 * worker processes; an input that throws an internal error, breaks an invariant, gives a result
 * that is not a number, takes longer than its budget or pushes a worker past the memory bound is a
 * failure, written to the output folder so it replays (`--replay FILE`). Exit status 1 if any.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const USAGE = `usage: npm run soak -- [--seconds N] [--workers N] [--seed N] [--input-seconds N] [--memory-mb N] [--out DIR]
       npm run soak -- --replay FILE [--set path=value ...] [--saturation] [--long-horizon]
       npm run soak -- --replay-random SEED
  --seconds N        time budget of the whole run (default 600)
  --workers N        worker processes (default: the available cores)
  --seed N           seed of the mutations and random scenarios (default 1)
  --input-seconds N  an input that takes longer is a hang (default 20)
  --memory-mb N      a worker whose peak memory passes this is a failure (default 1024)
  --out DIR          where failing inputs are written (default soak-failures)
  --replay FILE      check one input in this process and print what became of it
  --replay-random N  the same for random scenario N (its invariants checked after every event)
  --saturation, --long-horizon  with --replay: also search the saturation throughput; keep a long horizon
`;

interface Options {
  seconds: number;
  workers: number;
  seed: number;
  inputSeconds: number;
  memoryMb: number;
  out: string;
}

type Failure = { input: SoakInput | RandomInput; why: string; message: string; text?: string };

/** Counts per part and outcome. */
class Tally {
  readonly counts = new Map<string, number>();
  add(part: SoakPart, kind: OutcomeKind | 'hang' | 'memory'): void {
    const key = `${part}/${kind}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  of(part: SoakPart, kind?: string): number {
    let n = 0;
    for (const [key, v] of this.counts) if (key.startsWith(`${part}/`) && (kind === undefined || key === `${part}/${kind}`)) n += v;
    return n;
  }
}

async function soak(o: Options): Promise<number> {
  const started = Date.now();
  const deadline = started + o.seconds * 1000;
  const corpus = soakCorpus(ROOT);
  const sweep = sweepCases(readFileSync(join(ROOT, SWEEP_BASE), 'utf8'));
  const tally = new Tally();
  const failures: Failure[] = [];
  let peakWorkerKiB = 0;
  let nextMutation = 0;
  let nextRandom = 0;
  let nextSweep = 0;
  console.log(`soak: ${o.seconds} s on ${o.workers} worker${o.workers === 1 ? '' : 's'}, seed ${o.seed}; ${sweep.length} sweep cases, ${corpus.length} scenarios to mutate`);
  const b = SOAK_BOUNDS;
  console.log(
    `each valid input runs ${b.replications} replication of at most ${b.horizonS / 86400} days (${b.requestsHorizonS / 60} min in requests mode; one in ${LONG_HORIZON_EVERY} ` +
      `up to ${b.longHorizonS / (365 * 86400)} years, ${b.longRequestsHorizonS / 3600} h) and ${b.maxEvents.toLocaleString('en-US')} events`,
  );

  /** The next input: the whole sweep first, then 50 mutations for each random scenario. */
  const nextInput = (): SoakInput | RandomInput | null => {
    if (Date.now() >= deadline) return null;
    if (nextSweep < sweep.length) return sweep[nextSweep++]!;
    if ((nextMutation + nextRandom) % 51 === 50) return randomInput(o.seed, nextRandom++);
    return mutatedInput(corpus, o.seed, nextMutation++);
  };

  const record = (input: SoakInput | RandomInput, kind: OutcomeKind | 'hang' | 'memory', message = '', text?: string): void => {
    tally.add(input.part, kind);
    if (kind === 'internal' || kind === 'hang' || kind === 'memory') failures.push({ input, why: kind, message, text });
  };

  const progress = setInterval(() => {
    const s = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`  ${s} s: ${tally.of('sweep')} sweep, ${tally.of('mutation')} mutated, ${tally.of('random')} random; ${failures.length} failures`);
  }, 60_000);
  const aborted = await runWorkers(o, nextInput, (input, kind, message, text, maxRssKiB) => {
    if (maxRssKiB !== undefined) peakWorkerKiB = Math.max(peakWorkerKiB, maxRssKiB);
    record(input, kind, message, text);
  });
  clearInterval(progress);
  if (aborted !== null) {
    console.error(`soak: ${aborted}`);
    return 2;
  }

  const harnessKiB = process.resourceUsage().maxRSS;
  report(o, tally, sweep.length, failures, peakWorkerKiB, harnessKiB, (Date.now() - started) / 1000);
  if (failures.length > 0) writeFailures(o.out, failures);
  return failures.length === 0 ? 0 : 1;
}

function report(o: Options, t: Tally, sweepTotal: number, failures: Failure[], workerKiB: number, harnessKiB: number, seconds: number): void {
  const n = (x: number) => x.toLocaleString('en-US');
  const line = (part: SoakPart) => `rejected ${n(t.of(part, 'rejected'))}, ran ${n(t.of(part, 'ran'))}, stopped at a limit ${n(t.of(part, 'limit'))}`;
  console.log(`\nsoak finished in ${seconds.toFixed(0)} s`);
  console.log(`  mutated inputs:   ${n(t.of('mutation'))} (${line('mutation')})`);
  console.log(`  field sweep:      ${n(t.of('sweep'))} of ${n(sweepTotal)} cases${t.of('sweep') < sweepTotal ? ' (NOT COMPLETE: give it more --seconds)' : ''} (${line('sweep')})`);
  console.log(`  random scenarios: ${n(t.of('random'))} under invariants after every event (ran ${n(t.of('random', 'ran'))}, stopped at a limit ${n(t.of('random', 'limit'))})`);
  const count = (why: string) => failures.filter((f) => f.why === why).length;
  console.log(`  internal errors: ${count('internal')}, hangs (over ${o.inputSeconds} s): ${count('hang')}, over memory (${o.memoryMb} MiB): ${count('memory')}`);
  console.log(`  peak memory: ${(workerKiB / 1024).toFixed(0)} MiB (largest worker), ${(harnessKiB / 1024).toFixed(0)} MiB (harness)`);
  console.log(failures.length === 0 ? '0 failures' : `${failures.length} failures, written to ${o.out}/`);
}

/** Files the harness writes into its output folder (and only these it deletes there). */
const FAILURE_FILE = /^(mutation|sweep|random)-\d+\.(yaml|json|txt)$/;

/** Each failing input as a file that replays, with a note of what happened and how to replay it. */
function writeFailures(dir: string, failures: Failure[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (FAILURE_FILE.test(f)) rmSync(join(dir, f));
  failures.forEach((f, i) => {
    const base = `${f.input.part}-${i + 1}`;
    const random = f.input.part === 'random';
    const json = random || ('file' in f.input && f.input.file.endsWith('.json'));
    const file = join(dir, `${base}.${json ? 'json' : 'yaml'}`);
    const text = 'text' in f.input ? f.input.text : (f.text ?? randomScenario((f.input as RandomInput).seed).text);
    writeFileSync(file, text);
    const sets = 'overrides' in f.input ? f.input.overrides.map((s) => ` --set '${s}'`).join('') : '';
    const flags = `${'saturation' in f.input && f.input.saturation ? ' --saturation' : ''}${'longHorizon' in f.input && f.input.longHorizon ? ' --long-horizon' : ''}`;
    const replay = random ? `npm run soak -- --replay-random ${(f.input as RandomInput).seed}` : `npm run soak -- --replay ${file}${sets}${flags}`;
    writeFileSync(join(dir, `${base}.txt`), `${f.why}: ${f.input.name}\n${f.message}\n\nreplay: ${replay}\n`);
    console.log(`  ${f.why}: ${f.input.name}\n    ${f.message.split('\n')[0]}\n    -> ${file}`);
  });
}

/** Checks one input file in this process (stack traces and all) and prints the outcome. */
function replay(file: string, sets: string[], saturation: boolean, longHorizon: boolean): number {
  const text = readFileSync(file, 'utf8');
  return printOutcome(checkInput({ part: 'mutation', name: file, file, text, overrides: sets, saturation, longHorizon }));
}

/** Generates random scenario `seed`, checks it in this process with its invariants, and prints the outcome. */
function replayRandom(seed: number): number {
  return printOutcome(checkRandom({ part: 'random', name: `random scenario (seed ${seed})`, seed }));
}

function printOutcome(outcome: Outcome): number {
  console.log(`${outcome.kind}${outcome.message ? `: ${outcome.message}` : ''}`);
  return outcome.kind === 'internal' ? 1 : 0;
}

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        seconds: { type: 'string', default: '600' },
        workers: { type: 'string', default: String(availableParallelism()) },
        seed: { type: 'string', default: '1' },
        'input-seconds': { type: 'string', default: '20' },
        'memory-mb': { type: 'string', default: '1024' },
        out: { type: 'string', default: 'soak-failures' },
        replay: { type: 'string' },
        'replay-random': { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        saturation: { type: 'boolean', default: false },
        'long-horizon': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.replay !== undefined) return replay(values.replay, values.set as string[], values.saturation as boolean, values['long-horizon'] as boolean);
  if (values['replay-random'] !== undefined) return replayRandom(Number(values['replay-random']));
  const number = (name: string, min: number): number => {
    const v = Number(values[name as keyof typeof values]);
    if (!Number.isFinite(v) || v < min) throw new Error(`--${name}: expected a number >= ${min}, got ${values[name as keyof typeof values] as string}`);
    return v;
  };
  let o: Options;
  try {
    o = {
      seconds: number('seconds', 1),
      workers: Math.floor(number('workers', 1)),
      seed: Math.floor(number('seed', 0)),
      inputSeconds: number('input-seconds', 1),
      memoryMb: Math.floor(number('memory-mb', 64)),
      out: resolve(values.out as string),
    };
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  void soak(o).then((status) => (process.exitCode = status));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
