import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatScenarioError, loadScenarioText, type OverrideInput, type Scenario } from '../sim/scenario/index.js';
import { PATTERN_ORDER } from '../sim/scenario/patterns.js';
import type { Loc } from '../sim/scenario/tree.js';
import type { ScenarioSource } from '../sim/experiment/jobs.js';
import type { ExperimentItem } from '../sim/experiment/parallel.js';
import { encodingProblem, readBounded, type BoundedRead } from './read-file.js';
import { presetOverrides, type Preset } from './presets.js';

/** Bad input the user can fix: printed as is, exit status 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The project root: the nearest folder above this file holding deploysim's package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"deploysim"/.test(readFileSync(pkg, 'utf8'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the deploysim project root');
    dir = parent;
  }
}

export function builtinDir(): string {
  return join(projectRoot(), 'scenarios');
}

/** The deployment patterns, in the order the comparison table shows them (what `compare` runs by default). */
export const BUILTIN_ORDER: readonly string[] = PATTERN_ORDER;

/** Every built-in scenario: the patterns, then the others (e.g. rolling-update) by name. */
export function builtinNames(): string[] {
  const present = readdirSync(builtinDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''));
  return [...BUILTIN_ORDER.filter((n) => present.includes(n)), ...present.filter((n) => !BUILTIN_ORDER.includes(n)).sort()];
}

/** A file path, or the name of a built-in pattern. */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) {
    if (statSync(arg).isDirectory()) throw new InputError(`${arg}: is a directory, expected a scenario file (.yaml or .json)`);
    return arg;
  }
  const builtin = join(builtinDir(), `${arg}.yaml`);
  if (/^[a-z0-9-]+$/.test(arg) && existsSync(builtin)) return builtin;
  throw new InputError(`${arg}: no such scenario file or built-in pattern (built-in: ${builtinNames().join(', ')})`);
}

/** Name to show for a file: relative to the working directory when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.length < path.length && !rel.startsWith('..') ? rel : path;
}

/**
 * Scenario files are a few kilobytes (the built-in ones under 4 KB); past this a file is not one.
 * Reading and checking any file within it takes well under a second.
 */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/**
 * The text of a scenario file (a UTF-8 byte order mark dropped); a file that cannot be read, is
 * larger than MAX_SCENARIO_BYTES (however it is read: a pipe or a device stops there too) or is not
 * UTF-8 text is an InputError naming the file and the reason.
 */
export function readScenarioText(arg: string, path: string): string {
  let read: BoundedRead;
  try {
    read = readBounded(path, MAX_SCENARIO_BYTES);
  } catch (e) {
    throw new InputError(`${arg}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const problem = encodingProblem(read.bytes);
  if (problem !== undefined) throw new InputError(`${arg}${problem.at ? `:${problem.at.line}:${problem.at.col}` : ''}: ${problem.message}`);
  if (!read.ended) throw new InputError(`${arg}: ${tooLarge(read.fileBytes)}`);
  const text = read.bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function tooLarge(fileBytes: number | undefined): string {
  const limit = `limit ${MAX_SCENARIO_BYTES.toLocaleString('en-US')} bytes = ${MAX_SCENARIO_BYTES / 1048576} MiB`;
  const size = fileBytes !== undefined && fileBytes > MAX_SCENARIO_BYTES ? `${fileBytes.toLocaleString('en-US')} bytes` : `more than ${MAX_SCENARIO_BYTES.toLocaleString('en-US')} bytes`;
  return `${size} is too large for a scenario file (${limit}; is it the right file?)`;
}

/** Reads and validates a scenario; every problem is reported at once as an InputError. */
export function loadScenarioFile(arg: string, overrides: readonly OverrideInput[]): Scenario {
  return loadScenarioItem(arg, overrides).scenario;
}

/** A scenario file or built-in, loaded, with its source (text, name, overrides) for worker threads to load it the same. */
export function loadScenarioItem(arg: string, overrides: readonly OverrideInput[], preset: Preset | null = null): ExperimentItem {
  const { scenario, source } = loadScenarioLocated(arg, overrides, preset);
  return { scenario, source };
}

/** loadScenarioItem, and where each field was written (for errors about the `sweep:` section's values). */
export function loadScenarioLocated(arg: string, overrides: readonly OverrideInput[], preset: Preset | null = null): ExperimentItem & { locs: ReadonlyMap<string, Loc> } {
  const path = resolveScenarioPath(arg);
  const loaded = loadWithPreset(readScenarioText(arg, path), displayPath(path), overrides, preset);
  if ('errors' in loaded) throw new InputError(loaded.errors.join('\n'));
  return loaded;
}

/**
 * A scenario's text with overrides and a preset: a preset's overrides depend on the scenario's pools
 * and workloads, so it loads once to read them; --set still wins over them. Errors come formatted.
 */
export function loadWithPreset(text: string, file: string, overrides: readonly OverrideInput[], preset: Preset | null): (ExperimentItem & { locs: ReadonlyMap<string, Loc> }) | { errors: string[] } {
  const load = (all: readonly OverrideInput[]) => {
    const source: ScenarioSource = { text, file, overrides: [...all] };
    const result = loadScenarioText(source.text, source.file, source.overrides);
    if (result.scenario === undefined) return { errors: result.errors.map(formatScenarioError) };
    return { scenario: result.scenario, source, locs: result.locs ?? new Map() };
  };
  const first = load(overrides);
  return preset === null || 'errors' in first ? first : load([...presetOverrides(preset, first.scenario), ...overrides]);
}
