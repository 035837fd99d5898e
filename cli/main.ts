import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { compareOn, ExperimentAggregate, loadSource, runExperimentOn, runAllToPrecision, runParallel, runToPrecision, withPairedDifferences, type ExperimentItem, type ParallelProgress, type PrecisionReport, type PrecisionTarget, type RunResult } from '../sim/experiment/index.js';
import { RunLimitError } from '../sim/engine/errors.js';
import { formatScenarioError, loadScenarioText, nested, scenarioReferenceMarkdown, sharedWithFirst, type OverrideInput, type Scenario } from '../sim/scenario/index.js';
import { ENGINE_VERSION } from '../sim/version.js';
import { formatCompare, formatPrecision, formatRun, idleFaultWarning, uncoordinatedWarning, wrapWords } from './format.js';
import { formatCompareHeadline, formatRunHeadline } from './headline.js';
import { formatAssumptions } from './assumptions.js';
import { formatFindings } from './findings.js';
import { parsePreset } from './presets.js';
import { advise, adviceJson, checkOverrides, formatAdvice, parseObjective, writtenScenario, type Candidate } from './advise.js';
import { importFiles } from './import.js';
import { fieldEntries, fieldsMarkdown, fieldsText } from './fields.js';
import { overloadWarning, unservableWarning } from './overload.js';
import { TraceFile } from './trace-file.js';
import { parseWorkers, withRunner } from './pool.js';
import { OutputFile } from './out-file.js';
import { readReportPage, reportData, reportHtml, shellQuote } from './report.js';
import { progressBar, stopProgressBars } from './progress.js';
import { parseShard, readShards, runShard, type ShardCommand } from './shard.js';
import { formatSweep, HEADLINE, parseVary, sweepAxes, sweepCsv, sweepJsonLines, sweepPoints, type Axis } from './sweep.js';
import { BUILTIN_ORDER, builtinNames, displayPath, InputError, loadScenarioFile, loadScenarioItem, loadScenarioLocated, loadWithPreset, readScenarioText, resolveScenarioPath } from './scenarios.js';
import { DEFAULT_VIZ_HOST, DEFAULT_VIZ_PORT, defaultSiteDir, MAX_LINK_CHARS, startVizServer, vizQuery, vizState } from './viz-server.js';

/** Where the program writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines go to stderr only when it is a terminal. */
  progress: boolean;
  /** The width of stdout when it is a terminal (text is wrapped to it), else null. */
  columns?: number | null;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  progress: Boolean(process.stderr.isTTY),
  columns: process.stdout.isTTY ? process.stdout.columns || 80 : null,
};

let pipesGuarded = false;

/**
 * Makes a closed stdout or stderr (`deploysim compare --json | head -1`) end the output quietly
 * instead of with an unhandled 'error' event and its stack trace: what is left to write is
 * dropped and the command finishes with its own exit status.
 */
function endQuietlyOnClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      if (stream !== process.stderr) process.stderr.write(`deploysim: cannot write the output (${e.code ?? e.message})\n`);
      process.exitCode = 2;
    });
  }
}

interface RunOptions {
  seed?: string;
  replications?: string;
  horizon?: string;
  warmup?: string;
  set: string[];
  json?: boolean;
  trace?: string;
  workers?: string;
  baseline?: string;
  precision?: string[];
  maxReplications?: string;
  shard?: string;
  out?: string;
  detail?: boolean;
  label?: string[];
  preset?: string;
}

interface AdviseOptions extends RunOptions {
  slo: string[];
  maxNodes?: string;
  maxReplicas?: string;
  perYear?: boolean;
  write?: string;
}

interface SweepOptions extends RunOptions {
  vary: string[];
  csv?: boolean;
}

/** The scenario fields the shorthand options stand for; they are validated like `--set`. */
function overridesOf(o: RunOptions): OverrideInput[] {
  const out: OverrideInput[] = [];
  const shorthand: Array<[keyof RunOptions, string]> = [
    ['seed', 'seed'],
    ['replications', 'replications'],
    ['horizon', 'horizon'],
    ['warmup', 'warmup'],
  ];
  for (const [option, field] of shorthand) {
    const value = o[option];
    if (value !== undefined) out.push({ text: `${field}=${value as string}`, origin: `--${option} ${value as string}` });
  }
  return [...out, ...o.set];
}

interface VizOptions {
  port?: string;
  host?: string;
  seed?: string;
  replications?: string;
  set: string[];
  site?: string;
}

/** The options of run, compare, sweep (and advise); `report` writes its HTML file to the --out it requires, and takes neither --json nor --shard. */
function addRunOptions(cmd: Command, report = false): Command {
  cmd
    .option('--seed <n>', 'root random seed (scenario field seed)')
    .option('--replications <n>', 'number of replications (scenario field replications)')
    .option('--horizon <duration>', 'simulated time per replication, e.g. 30d, 1y (scenario field horizon)')
    .option('--warmup <duration>', 'initial time not measured, e.g. 10m (scenario field warmup)')
    .addOption(new Option('--set <path=value>', 'override any scenario field, e.g. workloads[0].replicas=3 (repeatable)').argParser(collect).default([]));
  if (report) cmd.option('--out <file>', 'the HTML file to write (required; written whole or not at all)');
  else {
    cmd
      .option('--json', 'print the result as JSON and nothing else on stdout')
      .option('--out <file>', 'write the output to this file (whole or not at all) instead of stdout')
      .option('--shard <i/n>', 'run only shard i of n (0 <= i < n) and print it as JSON lines, for deploysim merge (a Kubernetes Indexed Job: i = JOB_COMPLETION_INDEX)');
  }
  return cmd
    .option('--workers <n>', 'worker threads running the replications (default: DEPLOYSIM_WORKERS, or the available cores; 1 runs them in this process); the result is the same for any number')
    .addOption(new Option('--precision <target>', 'replicate in batches until each 95% CI half-width is this small (in every scenario or point): 1% (of the mean, every headline metric), or PATH=0.5% or PATH=0.001 (in the unit of the metric), e.g. metrics.service.availability=0.001% (repeatable)').argParser((value: string, previous?: string[]) => collect(value, previous ?? [])))
    .option('--max-replications <n>', `with --precision: stop at this many replications (default ${DEFAULT_MAX_REPLICATIONS.toLocaleString('en-US')})`)
    .option('--preset <name>', 'realistic: switch on node partitions, clock skew, JVM pauses and coordination-database outages and slowness at documented rates (docs/sources.md, Presets); none: switch every failure process off (scripted faults stay); --set still wins');
}

/** What compare and report take as arguments. */
const COMPARE_SCENARIOS = "scenario files or built-in names (default: the five deployment patterns); NAME@PATH=VALUE gives one scenario its own override, e.g. multiple-replicas@'workloads[0].replicas=5' (repeat @PATH=VALUE for more)";

/** compare's and report's --baseline and --label. */
function addCompareOptions(cmd: Command): Command {
  return cmd
    .option('--baseline <name>', 'the scenario (name or label) the others are compared with: their paired differences from it, with 95% CIs, significant ones marked (default: the first)')
    .addOption(new Option('--label <text>', 'column heading of the next scenario, in order (repeatable; default: its name, and its own overrides)').argParser(collect).default([]));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Scenarios loaded as compare loads them, with their column labels and the baseline's position (null: none given). */
interface Comparison {
  items: ExperimentItem[];
  scenarios: Scenario[];
  labels: string[];
  baseline: number | null;
}

/**
 * The scenarios of compare and report: the arguments (without any, the five patterns), each with
 * --set and its own NAME@PATH=VALUE overrides, every one after the first with the first one's seed,
 * replications, horizon and warmup (common random numbers); their labels and the baseline. Their
 * warnings go to stderr.
 */
function loadComparison(args: readonly string[], o: RunOptions, io: Io): Comparison {
  const preset = parsePreset(o.preset);
  const given = (args.length > 0 ? args : builtinNames().filter((n) => BUILTIN_ORDER.includes(n))).map(scenarioArg);
  const names = given.map((g) => g.name);
  const overrides = overridesOf(o);
  const label = o.label ?? [];
  if (label.length > given.length) throw new InputError(`--label: ${label.length} labels for ${given.length} scenario${given.length === 1 ? '' : 's'}; give at most one per scenario, in order`);
  // An override's error names the scenario it broke (a file's own errors name the file).
  const load = (name: string, ov: readonly OverrideInput[]) => {
    try {
      return loadScenarioItem(name, ov, preset);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new InputError(e.message.split('\n').map((line) => (line.startsWith('--') ? `${name}: ${line}` : line)).join('\n'));
    }
  };
  const first = load(names[0]!, [...overrides, ...given[0]!.overrides]);
  // Every scenario runs with the first one's seed, replications, horizon and warmup (common random numbers).
  const common = sharedWithFirst(first.scenario, (field, value) => `--${field} ${value}`);
  // Load each file as given first, so that its own mistakes are reported, then with the common values.
  const items = [first, ...given.slice(1).map((g) => (load(g.name, [...overrides, ...g.overrides]), load(g.name, [...overrides, ...g.overrides, ...common])))];
  const scenarios = items.map((it) => it.scenario);
  const labels = columnLabels(scenarios.map((sc, k) => label[k] ?? `${sc.name}${given[k]!.suffix}`));
  const baseline = o.baseline === undefined ? null : baselineIndex(o.baseline, given.map((g) => g.arg), labels, scenarios.map((s) => s.name));
  for (const s of scenarios) {
    const idle = idleFaultWarning(s);
    if (idle !== null) io.err(idle);
    const unservable = unservableWarning(s);
    if (unservable !== null) io.err(unservable);
  }
  return { items, scenarios, labels, baseline };
}

/**
 * Runs a comparison as compare does: every replication (or, with --precision, batches until the
 * targets hold), each result but the baseline's with its paired differences from it; and where
 * each target stands (null without --precision).
 */
async function runComparison(c: Comparison, workers: number, target: PrecisionOption | null, io: Io): Promise<{ results: RunResult[]; precision: PrecisionReport[] | null }> {
  const progress = progressReporter(io);
  if (target !== null) {
    const { runs, precision } = await withRunner(workers, target.max * c.items.length, (runner) => runAllToPrecision(c.items, runner, target.targets, target.max, progress));
    checkTargetsFound(target.targets, precision, 'the compared scenarios');
    return { results: withPairedDifferences(runs, c.baseline ?? 0), precision };
  }
  const total = c.scenarios.reduce((a, s) => a + s.replications, 0);
  const results = await withRunner(workers, total, (runner) => compareOn(c.items, runner, { baseline: c.baseline ?? 0, ...(progress ? { onProgress: progress } : {}) }));
  results.forEach((r, i) => {
    const overload = overloadWarning(c.scenarios[i]!, r);
    if (overload !== null) io.err(overload);
  });
  return { results, precision: null };
}

/** The compare command that gives a report's numbers: its arguments without --out. */
function compareCommand(rawArgs: readonly string[]): string {
  const args = rawArgs.slice(rawArgs.indexOf('report') + 1);
  const kept = args.filter((a, k) => !(a === '--out' || a.startsWith('--out=') || args[k - 1] === '--out'));
  return ['deploysim', 'compare', ...kept.map(shellQuote)].join(' ');
}

/** Results with where each --precision target stands, as compare --json prints them. */
function withPrecision(results: readonly RunResult[], precision: readonly PrecisionReport[]): RunResult[] {
  return results.map((r, k) => ({ ...r, precision: precision[k] }));
}

/**
 * Progress on stderr when it is a terminal (a cli-progress bar: replications done of the total, rate,
 * time left, the scenario or sweep point); nothing otherwise, and never on stdout.
 */
function progressReporter(io: Io): ((p: ParallelProgress) => void) | undefined {
  if (!io.progress) return undefined;
  const bar = progressBar(process.stderr);
  return (p) => bar.update(p);
}

/** The program; `argv` (the arguments as given) is what a report names as its compare command. */
function buildProgram(io: Io, argv: readonly string[] = []): Command {
  const program = new Command('deploysim')
    .description('Compare Kubernetes deployment patterns for WSO2 Micro Integrator by discrete-event simulation.')
    .version(ENGINE_VERSION)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError('(run deploysim --help for usage)');

  addRunOptions(program.command('run').argument('<scenario>', 'scenario file (.yaml or .json) or built-in pattern name'))
    .option('--trace <file>', 'also write every model event of replication 0 to this file, as JSON lines')
    .option('--detail', 'print every metric with its 95% CI (the full table) instead of the headline')
    .description('simulate one scenario and print its metrics with 95% confidence intervals')
    .action(async (arg: string, o: RunOptions) => {
      const workers = parseWorkers(o.workers);
      const item = loadScenarioItem(arg, overridesOf(o), parsePreset(o.preset));
      const scenario = item.scenario;
      if (o.shard !== undefined && o.trace !== undefined) throw new InputError('--shard runs a fixed slice of the replications: it does not go with --trace');
      const precision = precisionOf(o);
      const out = o.out === undefined ? null : new OutputFile(o.out);
      const trace = o.trace === undefined ? null : new TraceFile(o.trace);
      try {
        if (o.shard !== undefined) {
          const spec: ShardCommand = { command: 'run', sources: [item.source], json: Boolean(o.json), csv: false, baseline: null, axes: [], points: [], detail: Boolean(o.detail), labels: [] };
          emit(await shardOf([item], spec, o.shard, workers), out);
          return;
        }
        const output = await runOne(item, o, workers, precision);
        // The trace is complete (or the run fails) before anything is printed.
        trace?.write(scenario);
        emit(output, out);
      } finally {
        trace?.abandon();
        out?.abandon();
      }
    });

  /** `run` itself: its warnings on stderr; returns the table or JSON for stdout. */
  async function runOne(item: ExperimentItem, o: RunOptions, workers: number, target: PrecisionOption | null): Promise<string> {
    const scenario = item.scenario;
    const idle = idleFaultWarning(scenario);
    if (idle !== null) io.err(idle);
    const unservable = unservableWarning(scenario);
    if (unservable !== null) io.err(unservable);
    if (scenario.sweep.length > 0) {
      const count = scenario.sweep.reduce((n, a) => n * a.values.length, 1);
      io.err(`note: ${item.source.file} has a sweep: section (${count} point${count === 1 ? '' : 's'}); run simulates the scenario as written, deploysim sweep ${item.source.file} runs every point\n`);
    }
    const progress = progressReporter(io);
    if (target !== null) {
      const { result, precision } = await withRunner(workers, target.max, (runner) => runToPrecision(item, runner, target.targets, target.max, progress));
      checkTargetsFound(target.targets, [precision], scenario.name);
      return o.json ? `${JSON.stringify({ ...result, precision }, null, 2)}\n` : `${runText(result, { json: false, detail: Boolean(o.detail), scenario })}${formatPrecision([precision])}`;
    }
    const result = await withRunner(workers, scenario.replications, (runner) => runExperimentOn(item, runner, progress ? { onProgress: progress } : {}));
    const warning = uncoordinatedWarning(scenario, result);
    if (warning !== null) io.err(warning);
    const overload = overloadWarning(scenario, result);
    if (overload !== null) io.err(overload);
    return runText(result, { json: Boolean(o.json), detail: Boolean(o.detail), scenario });
  }

  /** A shard of an experiment (--shard i/n), as JSON lines. */
  async function shardOf(items: ExperimentItem[], spec: ShardCommand, value: string, workers: number): Promise<string> {
    const shard = parseShard(value);
    const total = items.reduce((a, it) => a + it.scenario.replications, 0);
    return withRunner(workers, Math.ceil(total / shard.count), (runner) => runShard(items, spec, shard, runner));
  }

  addCompareOptions(addRunOptions(program.command('compare').argument('[scenarios...]', COMPARE_SCENARIOS)))
    .option('--detail', 'print every metric with its 95% CI (the full table) instead of the headline')
    .description('simulate several scenarios on the same random streams and print them side by side')
    .action(async (args: string[], o: RunOptions) => {
      const workers = parseWorkers(o.workers);
      const comparison = loadComparison(args, o, io);
      const { items, scenarios, labels, baseline } = comparison;
      const target = precisionOf(o);
      const out = o.out === undefined ? null : new OutputFile(o.out);
      try {
        if (o.shard !== undefined) {
          const spec: ShardCommand = { command: 'compare', sources: items.map((it) => it.source), json: Boolean(o.json), csv: false, baseline, axes: [], points: [], detail: Boolean(o.detail), labels };
          emit(await shardOf(items, spec, o.shard, workers), out);
          return;
        }
        const { results, precision } = await runComparison(comparison, workers, target, io);
        if (precision === null) emit(compareText(results, { json: Boolean(o.json), detail: Boolean(o.detail), baseline, labels, scenarios }), out);
        else emit(o.json ? compareText(withPrecision(results, precision), { json: true, detail: false, baseline, labels, scenarios }) : `${compareText(results, { json: false, detail: Boolean(o.detail), baseline, labels, scenarios })}${formatPrecision(precision, labels)}`, out);
      } finally {
        out?.abandon();
      }
    });

  addRunOptions(program.command('sweep').argument('<scenario>', 'scenario file (.yaml or .json) or built-in name'))
    .addOption(new Option('--vary <path=list>', "a field and its values: 1,2,3 or 1..6 or 5s,10s,30s (repeatable: every combination runs; adds to the scenario's sweep: section, or replaces its axis of the same field)").argParser(collect).default([]))
    .option('--csv', 'print the table as CSV (raw numbers: mean and 95% CI bounds per metric)')
    .description("simulate a scenario at every combination of its sweep: section's and --vary's values, on common random numbers, a row per point (--json: JSON lines, one per point)")
    .action(async (arg: string, o: SweepOptions) => {
      const workers = parseWorkers(o.workers);
      if (o.json && o.csv) throw new InputError('sweep: --json and --csv are two formats; give one');
      const vary = o.vary.map(parseVary);
      const target = precisionOf(o);
      const common = overridesOf(o);
      const preset = parsePreset(o.preset);
      const base = loadScenarioLocated(arg, common, preset);
      const given = sweepAxes(base.scenario, base.source.file, base.locs, vary);
      if (given.length === 0) throw new InputError(`sweep: ${arg} has no sweep: section; give at least one --vary PATH=LIST, e.g. --vary workloads[0].replicas=1..5`);
      const axes: Axis[] = given.map(({ path, values }) => ({ path, values }));
      const overrideOf = ([path, value, origin]: [string, string, string]) => ({ text: `${path}=${value}`, origin });
      // Every value is checked alone first (all bad values reported at once), then every point is
      // loaded before anything runs: a field that does not exist, or a value it cannot take, comes first.
      // (A problem that is the same for every value of an axis, such as a field that does not exist, is reported once.)
      const problems = new Map<string, string>();
      given.forEach((a, k) => {
        a.values.forEach((v, j) => {
          const origin = a.origins[j]!;
          try {
            loadScenarioItem(arg, [...common, overrideOf([a.path, v, origin])], preset);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            for (const line of e.message.split('\n')) {
              // Only problems of the field itself (a value it cannot take, a field that does not
              // exist): one that depends on other fields (minReplicas above maxReplicas) may hold
              // alone and not at a point, where loading the whole point decides.
              const path = line.startsWith(`${origin} `) ? line.slice(origin.length + 1).split(':')[0]! : '';
              if (path === '' || !nested(path, a.path)) continue;
              const key = `${k}\n${line.slice(origin.length)}`;
              if (!problems.has(key)) problems.set(key, line);
            }
          }
        });
      });
      if (problems.size > 0) throw new InputError([...problems.values()].join('\n'));
      const located = sweepPoints(given);
      const points = located.map((p) => p.map(([path, value]) => [path, value] as [string, string]));
      // A point is a scenario of its own: its resolved scenario has no sweep: section.
      const items = located.map((p) => loadScenarioItem(arg, [...common, { text: 'sweep=[]', origin: 'a sweep point' }, ...p.map(overrideOf)], preset));
      const out = o.out === undefined ? null : new OutputFile(o.out);
      try {
        if (o.shard !== undefined) {
          const spec: ShardCommand = { command: 'sweep', sources: items.map((it) => it.source), json: Boolean(o.json), csv: Boolean(o.csv), baseline: null, axes, points, detail: false, labels: [] };
          emit(await shardOf(items, spec, o.shard, workers), out);
          return;
        }
        const progress = progressReporter(io);
        const total = items.reduce((a, it) => a + it.scenario.replications, 0);
        if (target !== null) {
          const { runs, precision } = await withRunner(workers, target.max * items.length, (runner) => runAllToPrecision(items, runner, target.targets, target.max, progress));
          checkTargetsFound(target.targets, precision, 'the sweep');
          const results = runs.map((r) => r.result);
          const report = formatPrecision(precision, points.map((p) => p.map(([path, value]) => `${path}=${value}`).join(' ')));
          if (o.json) emit(sweepJsonLines(points, results.map((r, k) => ({ ...r, precision: precision[k] }))), out);
          else if (o.csv) {
            // CSV stays a table of numbers: where the targets stand goes to stderr.
            emit(sweepCsv(axes, points, results), out);
            io.err(report.replace(/^\n/, ''));
          } else emit(`${sweepText(axes, points, results, false, false, items.map((it) => it.scenario))}${report}`, out);
          return;
        }
        const runs = await withRunner(workers, total, (runner) => runParallel(items, runner, progress ? { onProgress: progress } : {}));
        const results = runs.map((r) => r.result);
        emit(sweepText(axes, points, results, Boolean(o.json), Boolean(o.csv), items.map((it) => it.scenario)), out);
      } finally {
        out?.abandon();
      }
    });

  program
    .command('merge')
    .argument('<files...>', 'the shards: the output of --shard i/n for every i from 0 to n-1 (a folder: its .jsonl files)')
    .option('--out <file>', 'write the output to this file (whole or not at all) instead of stdout')
    .description('put the shards of a run, compare or sweep back together and print exactly what the single run prints')
    .action((files: string[], o: { out?: string }) => {
      const merged = readShards(files.flatMap(shardFiles));
      const out = o.out === undefined ? null : new OutputFile(o.out);
      try {
        const runs = merged.spec.sources.map((source, k) => {
          let scenario;
          try {
            scenario = loadSource(source);
          } catch (e) {
            throw new InputError(`merge: the shards' scenario ${k} no longer loads:\n${(e as Error).message}`);
          }
          const aggregate = new ExperimentAggregate(scenario);
          const outcomes = merged.outcomes[k]!;
          if (outcomes.length !== aggregate.scenario.replications) throw new InputError(`merge: scenario ${k} (${aggregate.scenario.name}) has ${outcomes.length} of its ${aggregate.scenario.replications} replications in these shards`);
          for (const outcome of outcomes) aggregate.add(outcome);
          return { aggregate, result: aggregate.result(merged.saturation[k]!) };
        });
        const { spec } = merged;
        const text =
          spec.command === 'run'
            ? runText(runs[0]!.result, { json: spec.json, detail: spec.detail === true, scenario: runs[0]!.aggregate.scenario })
            : spec.command === 'compare'
              ? compareText(withPairedDifferences(runs, spec.baseline ?? 0), { json: spec.json, detail: spec.detail === true, baseline: spec.baseline, labels: spec.labels ?? [], scenarios: runs.map((r) => r.aggregate.scenario) })
              : sweepText(spec.axes, spec.points, runs.map((r) => r.result), spec.json, spec.csv, runs.map((r) => r.aggregate.scenario));
        emit(text, out);
      } finally {
        out?.abandon();
      }
    });

  addRunOptions(program.command('advise').argument('<scenario>', 'scenario file (.yaml or .json) or built-in name'))
    .addOption(new Option('--slo <objective>', 'an objective every recommended configuration meets with 95% confidence: success>=99.95%, availability>=99.99%, downtime<=5m, failed<=1000, p99<=200ms, tasks.running>=99.99%, tasks.duplicates==0, tasks.missed<=10, processors.active>=99.9%, inbound.consuming>=99.9%, or a metric path (totals are per year; repeatable)').argParser(collect).default([]))
    .option('--max-nodes <n>', "the most nodes in the first node pool a candidate may have (default: 5, or the scenario's own if more)")
    .option('--max-replicas <n>', "the most replicas of the traffic workload (with an autoscaler: its maximum) a candidate may have (default: 5, or the scenario's own if more)")
    .option('--per-year', 'judge each objective on the worst year in 10 (the p90 across replications, or p10 where more is better, at its 95% bound) instead of the mean\'s 95% bound')
    .option('--write <file>', 'write the recommended configuration as a scenario file, to run on its own')
    .description('find the cheapest configuration (replicas, nodes, where the stateful artifacts run) that meets every objective with 95% confidence')
    .action(async (arg: string, o: AdviseOptions) => {
      if (o.slo.length === 0) throw new InputError(`advise: give at least one objective, e.g. --slo 'availability>=99.99%' --slo 'tasks.duplicates==0'`);
      if (o.shard !== undefined) throw new InputError('advise: --shard is not supported (advise decides which candidates to run as it goes); run it whole');
      if (o.precision !== undefined) throw new InputError('advise: --precision is not supported (advise screens and confirms candidates itself)');
      const objectives = o.slo.map(parseObjective);
      const bound = (value: string | undefined, name: string, own: number): number => {
        if (value === undefined) return Math.min(20, Math.max(5, own));
        if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 20) throw new InputError(`--${name} ${value}: expected a whole number from 1 to 20`);
        return Number(value);
      };
      const workers = parseWorkers(o.workers);
      const common = overridesOf(o);
      const preset = parsePreset(o.preset);
      const base = loadScenarioItem(arg, common, preset);
      checkOverrides(o.set, base.scenario);
      const main = base.scenario.workloads.find((w) => w.servesTraffic && w.traffic !== null) ?? base.scenario.workloads[0]!;
      const bounds = {
        maxNodes: bound(o.maxNodes, 'max-nodes', base.scenario.cluster.nodePools[0]!.count),
        maxReplicas: bound(o.maxReplicas, 'max-replicas', main.autoscaling?.maxReplicas ?? main.replicas),
      };
      // Each candidate is its own scenario: the preset's overrides follow its workloads.
      const load = (c: Candidate): ExperimentItem | { error: string } => {
        const loaded = loadWithPreset(c.text, `${base.source.file} (${c.label})`, common, preset);
        return 'errors' in loaded ? { error: loaded.errors[0] ?? 'does not load' } : { scenario: loaded.scenario, source: loaded.source };
      };
      const out = o.out === undefined ? null : new OutputFile(o.out);
      const written = o.write === undefined ? null : new OutputFile(o.write, '--write');
      try {
        const progress = progressReporter(io);
        const startedMs = Date.now();
        const run = await withRunner(workers, 1000, (runner) => advise({ text: base.source.text, file: base.source.file, scenario: base.scenario }, load, objectives, bounds, Boolean(o.perYear), runner, progress));
        const flags = [
          ...(['seed', 'replications', 'horizon', 'warmup'] as const).filter((k) => o[k] !== undefined).map((k) => `--${k} ${o[k]!}`),
          ...(o.preset !== undefined ? [`--preset ${o.preset}`] : []),
          ...o.set.map((x) => `--set '${x}'`),
        ];
        if (written !== null) {
          if (run.recommendation !== null) written.commit(writtenScenario(run.recommendation, base.source.file, objectives));
          else {
            written.abandon();
            io.err(`deploysim advise: no recommendation, so nothing was written to ${o.write}\n`);
          }
        }
        emit(o.json ? `${JSON.stringify(adviceJson(run, objectives, bounds, Boolean(o.perYear)), null, 2)}\n` : formatAdvice(run, objectives, { written: run.recommendation !== null ? (o.write ?? null) : null, flags }, Boolean(o.perYear)), out);
        io.err(`deploysim advise: ${run.outcomes.length} candidates, ${run.confirmed} confirmed, ${((Date.now() - startedMs) / 1000).toFixed(1)} s\n`);
      } finally {
        out?.abandon();
        written?.abandon();
      }
    });

  /** Output to stdout, or whole to --out (and a line on stderr saying so). */
  function emit(text: string, out: OutputFile | null): void {
    if (out === null) io.out(text);
    else {
      out.commit(text);
      io.err(`deploysim: written to ${out.path}\n`);
    }
  }

  program
    .command('patterns')
    .description('list the built-in scenarios (the deployment patterns)')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => {
      const list = builtinNames().map((name) => {
        const scenario = loadScenarioFile(name, []);
        return { name, description: scenario.description };
      });
      if (o.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
      else for (const p of list) io.out(`${p.name}\n  ${wrapWords(p.description, 96).join('\n  ')}\n`);
    });

  program
    .command('validate')
    .argument('<files...>', 'scenario files or built-in pattern names')
    .addOption(new Option('--set <path=value>', 'override a field before validating (repeatable)').argParser(collect).default([]))
    .description('check scenario files; print every problem with its location; exit 1 if any')
    .action((files: string[], o: { set: string[] }) => {
      let bad = 0;
      for (const file of files) {
        let path: string;
        let text: string;
        try {
          path = resolveScenarioPath(file);
          text = readScenarioText(file, path);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          bad++;
          io.err(`${e.message}\n`);
          continue;
        }
        const result = loadScenarioText(text, displayPath(path), o.set);
        if (result.errors.length === 0) io.out(`${displayPath(path)}: ok\n`);
        else {
          bad++;
          io.err(`${result.errors.map(formatScenarioError).join('\n')}\n`);
        }
      }
      if (bad > 0) throw new InputError(`${bad} of ${files.length} scenario file${files.length === 1 ? '' : 's'} with errors`);
    });

  addCompareOptions(addRunOptions(program.command('report').argument('[scenarios...]', COMPARE_SCENARIOS), true))
    .description('compare the scenarios as compare does and write one self-contained HTML file (--out) that opens offline: the compare charts, headline, findings, assumptions, causes, worst years, each scenario\'s text, the seed and the version')
    .action(async (args: string[], o: RunOptions) => {
      if (o.out === undefined) throw new InputError('report: --out FILE is required: the HTML file to write, e.g. --out report.html');
      const workers = parseWorkers(o.workers);
      // The built page first: without it nothing is worth running.
      const page = readReportPage();
      const comparison = loadComparison(args, o, io);
      const { items, scenarios, labels, baseline } = comparison;
      const target = precisionOf(o);
      const out = new OutputFile(o.out);
      try {
        const { results, precision } = await runComparison(comparison, workers, target, io);
        const blocks = compareBlocks(results, { baseline, labels, scenarios });
        const data = reportData({
          results,
          json: compareJson(precision === null ? results : withPrecision(results, precision), labels),
          labels,
          baseline: baseline ?? 0,
          items,
          text: { headline: blocks.headline, findings: blocks.findings, assumptions: blocks.assumptions, precision: precision === null ? '' : formatPrecision(precision, labels), detail: blocks.detail },
          command: compareCommand(argv),
          writtenAt: new Date(),
        });
        const html = reportHtml(data, page);
        out.commit(html);
        io.err(`deploysim: written to ${out.path} (${(Buffer.byteLength(html) / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB)\n`);
      } finally {
        out.abandon();
      }
    });

  program
    .command('import')
    .argument('<files...>', 'Helm values of the MI chart (values.yaml), Kubernetes manifests (helm template, kubectl get -o yaml) or MI deployment.toml files')
    .option('--out <file>', 'write the scenario to this file (whole, or not at all) instead of standard output')
    .description('turn Helm values, Kubernetes manifests and MI deployment.toml files into a scenario, each field commented with its source; the report of what was mapped, defaulted and ignored goes to standard error')
    .action((files: string[], o: { out?: string }) => {
      const out = o.out === undefined ? null : new OutputFile(o.out);
      try {
        const inputs = files.map((file) => ({ path: displayPath(file), text: readScenarioText(file, file) }));
        const { scenario, report } = importFiles(inputs);
        io.err(report.map((line) => `${line}\n`).join(''));
        emit(scenario, out);
      } finally {
        out?.abandon();
      }
    });

  program
    .command('viz')
    .argument('[scenarios...]', 'scenario files or built-in names to open (default: the page\'s own start, the built-in patterns)')
    .description('serve the browser visualiser (built by npm run build) on this machine and print its link, the scenarios and options preloaded; runs until Ctrl-C')
    .option('--port <n>', `port to listen on; 0 picks any free port (default: ${DEFAULT_VIZ_PORT})`)
    .option('--host <addr>', `address to listen on (default: ${DEFAULT_VIZ_HOST})`)
    .option('--seed <n>', 'root random seed (scenario field seed)')
    .option('--replications <n>', 'number of replications (scenario field replications)')
    .addOption(new Option('--set <path=value>', 'override a scenario field in every scenario opened, e.g. workloads[0].replicas=3 (repeatable)').argParser(collect).default([]))
    // The folder served instead of dist/site (tests serve a site of their own).
    .addOption(new Option('--site <dir>').hideHelp())
    .action(async (args: string[], o: VizOptions) => {
      const port = o.port === undefined ? DEFAULT_VIZ_PORT : Number(o.port);
      if (o.port !== undefined && (!/^\d{1,5}$/.test(o.port) || port > 65535)) throw new InputError(`--port ${o.port}: expected a port number from 0 to 65535 (0 picks any free port)`);
      const query = vizQuery(vizState(args, o));
      const server = await startVizServer({ root: o.site ?? defaultSiteDir(), host: o.host ?? DEFAULT_VIZ_HOST, port });
      // Ctrl-C (SIGINT) or SIGTERM stops the server; the command then ends with status 0.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const link = query === '' ? server.url : `${server.url}?${query}`;
      if (link.length > MAX_LINK_CHARS) io.err(`deploysim viz: the link is ${link.length.toLocaleString('en-US')} characters long; browsers may not open one over ${MAX_LINK_CHARS.toLocaleString('en-US')} (give fewer or smaller scenario files)\n`);
      io.out(`deploysim viz: ${link}\n`);
      await stopped;
      await server.close();
    });

  program
    .command('fields')
    .argument('[path]', 'only this field and what is inside it, e.g. workloads[0].probes or faults (list items as [0] or [])')
    .option('--markdown', 'print Markdown tables (the default when stdout is not a terminal and no PATH is given: docs/scenario-reference.md)')
    .description('print the reference of every scenario field with its type, default and meaning')
    .action((path: string | undefined, o: { markdown?: boolean }) => {
      if (path === undefined && (o.markdown || io.columns == null)) {
        io.out(scenarioReferenceMarkdown());
        return;
      }
      const entries = fieldEntries(path);
      io.out(o.markdown ? fieldsMarkdown(entries) : fieldsText(entries, io.columns ?? 100));
    });

  return program;
}

const DEFAULT_MAX_REPLICATIONS = 100_000;

/**
 * `--precision`: `1%` (relative, every headline metric), `PATH=0.5%` (relative) or `PATH=0.001`
 * (absolute, in the metric's unit); PATH as in the --json result, with or without `metrics.`.
 */
function parsePrecision(spec: string): PrecisionTarget[] {
  const eq = spec.indexOf('=');
  const path = eq < 0 ? null : spec.slice(0, eq).trim().replace(/^metrics\./, '');
  const value = (eq < 0 ? spec : spec.slice(eq + 1)).trim();
  const m = /^(\d+(?:\.\d+)?(?:e-?\d+)?)(%?)$/i.exec(value);
  const x = m === null ? NaN : Number(m[1]);
  if (m === null || !(x > 0) || !Number.isFinite(x) || path === '') {
    throw new InputError(`--precision ${spec}: expected a 95% CI half-width above 0: 1% (of the mean, every headline metric), or PATH=0.5% or PATH=0.001 (in the metric's unit), e.g. metrics.service.availability=0.001%`);
  }
  const relative = m[2] === '%';
  const halfWidth = relative ? x / 100 : x;
  if (path === null) {
    if (!relative) throw new InputError(`--precision ${spec}: without a metric the target is a share of each headline metric's mean, e.g. 1%; give PATH=${value} for one metric in its unit`);
    return HEADLINE.map((h) => ({ metric: h.path, halfWidth, relative }));
  }
  return [{ metric: path, halfWidth, relative }];
}

/** `--precision` targets and `--max-replications`, checked before anything runs; null without --precision. */
interface PrecisionOption {
  targets: PrecisionTarget[];
  max: number;
}

function precisionOf(o: RunOptions): PrecisionOption | null {
  if (o.precision === undefined) {
    if (o.maxReplications !== undefined) throw new InputError('--max-replications goes with --precision');
    return null;
  }
  if (o.shard !== undefined) throw new InputError('--shard runs a fixed slice of the replications: it does not go with --precision');
  return { targets: o.precision.flatMap(parsePrecision), max: parseMaxReplications(o.maxReplications) };
}

/** A metric named in --precision that no scenario has (a typo) is an error, not a target met. */
function checkTargetsFound(targets: readonly PrecisionTarget[], reports: readonly PrecisionReport[], what: string): void {
  const named = targets.filter((t) => !HEADLINE.some((h) => h.path === t.metric));
  for (const t of named) {
    if (!reports.some((r) => r.metrics.some((m) => m.metric === t.metric))) throw new InputError(`--precision ${t.metric}: ${what} ${reports.length > 1 ? 'have' : 'has'} no metric ${t.metric} with a value (see the --json result for the names, under metrics)`);
  }
}

function parseMaxReplications(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_REPLICATIONS;
  const n = Number(value);
  if (!/^\d{1,7}$/.test(value) || n < 1 || n > 1_000_000) throw new InputError(`--max-replications ${value}: expected a whole number from 1 to 1,000,000`);
  return n;
}

/** The position of `--baseline NAME` among the compared scenarios: by column label, then by scenario name or as given on the command line. */
function baselineIndex(name: string, args: readonly string[], labels: readonly string[], names: readonly string[]): number {
  const byLabel = labels.indexOf(name);
  if (byLabel >= 0) return byLabel;
  const matches = names.map((n, k) => (n === name || args[k] === name ? k : -1)).filter((k) => k >= 0);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new InputError(`--baseline ${name}: expected one of the compared scenarios: ${[...new Set(labels)].join(', ')}`);
  throw new InputError(`--baseline ${name}: ${matches.length} of the compared scenarios have that name; give the column label (${matches.map((k) => labels[k]).join(', ')})`);
}

/** A merge argument: a file, or a folder's .jsonl files (the shards written to a shared volume). */
function shardFiles(arg: string): string[] {
  let folder = false;
  try {
    folder = statSync(arg).isDirectory();
  } catch {
    return [arg]; // reported when read
  }
  if (!folder) return [arg];
  const files = readdirSync(arg).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(arg, f));
  if (files.length === 0) throw new InputError(`${arg}: a folder with no .jsonl files (shards) in it`);
  return files;
}

/** What run, compare and sweep print on stdout (also after merge). */
function runText(result: RunResult, o: { json: boolean; detail: boolean; scenario: Scenario }): string {
  if (o.json) return `${JSON.stringify(result, null, 2)}\n`;
  const findings = formatFindings([result], [o.scenario], [result.scenario]);
  return `${o.detail ? formatRun(result) : formatRunHeadline(result)}\n${findings === '' ? '' : `${findings}\n`}${formatAssumptions([o.scenario], [result.scenario])}`;
}

/** compare's output; in --json each result carries its column label. */
function compareText(results: RunResult[], o: { json: boolean; detail: boolean; baseline: number | null; labels: readonly string[]; scenarios: readonly Scenario[] }): string {
  if (o.json) return `${JSON.stringify(compareJson(results, o.labels), null, 2)}\n`;
  const blocks = compareBlocks(results, o);
  return `${o.detail ? blocks.detail : blocks.headline}\n${blocks.findings === '' ? '' : `${blocks.findings}\n`}${blocks.assumptions}`;
}

/** What compare --json prints: the results, each with its column label first. */
function compareJson(results: readonly RunResult[], labels: readonly string[]): Array<RunResult & { label: string }> {
  return results.map((r, k) => ({ label: labels[k] ?? r.scenario, ...r }));
}

/** compare's text blocks: the headline (with a baseline, the paired differences too), the full table (--detail), the findings, the assumptions. */
function compareBlocks(results: RunResult[], o: { baseline: number | null; labels: readonly string[]; scenarios: readonly Scenario[] }): { readonly headline: string; readonly detail: string; findings: string; assumptions: string } {
  const labels = results.map((r, k) => o.labels[k] ?? r.scenario);
  return {
    get headline() {
      return formatCompareHeadline(results, o.baseline, o.labels);
    },
    get detail() {
      return formatCompare(results, o.baseline, o.labels);
    },
    findings: formatFindings(results, o.scenarios, labels),
    assumptions: formatAssumptions(o.scenarios, labels),
  };
}

/**
 * A compare argument: a file or built-in name, optionally with overrides of its own after `@`
 * (`multiple-replicas@workloads[0].replicas=5@coordination.miVersion=4.5`). An `@` starts an
 * override only before `PATH=`, so an image digest (`wso2mi@sha256:...`) stays a value; a file
 * whose name holds an `@` is read as that file.
 */
function scenarioArg(arg: string): { arg: string; name: string; overrides: OverrideInput[]; suffix: string } {
  if (existsSync(arg)) return { arg, name: arg, overrides: [], suffix: '' };
  const parts = arg.split(/@(?=\s*[A-Za-z_][\w.[\]-]*\s*=)/);
  const name = parts[0]!;
  if (parts.length === 1) return { arg, name, overrides: [], suffix: '' };
  const texts = parts.slice(1);
  return { arg, name, overrides: texts.map((text) => ({ text, origin: `${name}@${text}` })), suffix: texts.map((t) => `@${t}`).join('') };
}

/** Column labels, each once: a label given twice gets (2), (3)... after the first. */
function columnLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
}

function sweepText(axes: Axis[], points: Array<Array<[string, string]>>, results: RunResult[], json: boolean, csv: boolean, scenarios: readonly Scenario[]): string {
  if (json) return sweepJsonLines(points, results);
  if (csv) return sweepCsv(axes, points, results);
  return `${formatSweep(axes, points, results)}\n${formatAssumptions(scenarios, points.map((p) => p.map(([path, value]) => `${path}=${value}`).join(' ')))}`;
}

/**
 * Runs the command line and returns the exit status: 0 success, 1 bad input, 2 internal error.
 * Never lets an exception escape; a stack trace is printed only with DEPLOYSIM_DEBUG=1.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (io === processIo) endQuietlyOnClosedPipes();
  const program = buildProgram(io, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    stopProgressBars();
    return 0;
  } catch (e) {
    stopProgressBars();
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 1;
    }
    if (e instanceof InputError || e instanceof RunLimitError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    io.err(`deploysim: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    io.err('This is a bug in deploysim; please report it with the command line that caused it.\n');
    if (process.env.DEPLOYSIM_DEBUG === '1') io.err(`${(e as Error)?.stack ?? ''}\n`);
    return 2;
  }
}
