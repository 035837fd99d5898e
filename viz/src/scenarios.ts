/// <reference types="vite/client" />
/**
 * The scenarios the page compares, as loader inputs: the built-ins (read at build time) and the
 * state's references to them or to their own text. The page and its first worker both use this,
 * so the worker can start the landing view's first replications before the page asks for them.
 */
import { PATTERN_ORDER } from '../../sim/scenario/patterns.js';
import { decodeState, type ScenarioRef, type VizState } from '../data/url-state.js';
import { sourceOf, type Input } from './worker/comparison.js';
import type { Source } from './worker/protocol.js';

/** The built-in scenarios, read at build time: the patterns first, then the others by name. */
export const BUILTIN_TEXT: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>('../../scenarios/*.yaml', { query: '?raw', import: 'default', eager: true })).map(([path, text]) => [path.replace(/^.*\/([^/]+)\.yaml$/, '$1'), text]),
);
export const BUILTINS = [...PATTERN_ORDER.filter((n) => n in BUILTIN_TEXT), ...Object.keys(BUILTIN_TEXT).filter((n) => !(PATTERN_ORDER as readonly string[]).includes(n)).sort()];

/** The references of a state, or the five patterns when it names none. */
export function scenarioRefs(refs: readonly ScenarioRef[]): ScenarioRef[] {
  return refs.length > 0 ? [...refs] : PATTERN_ORDER.map((name) => ({ name, text: null, overrides: [] }));
}

/** The scenarios of the state as loader inputs: the five patterns when none are given. */
export function inputsOf(refs: readonly ScenarioRef[]): Input[] {
  return scenarioRefs(refs).map((r, i) => (r.name !== null ? { text: BUILTIN_TEXT[r.name] ?? '', file: `${r.name}.yaml`, overrides: r.overrides } : { text: r.text ?? '', file: `scenario-${i}.yaml`, overrides: r.overrides }));
}

/** The page's Seed and Replications, as overrides for every scenario. */
export function commonOverrides(state: VizState): string[] {
  const out: string[] = [];
  if (state.seed !== null) out.push(`seed=${state.seed}`);
  if (state.replications !== null) out.push(`replications=${state.replications}`);
  return out;
}

/**
 * The first scenario's source as the page will send it for a URL query: what loadComparison
 * gives the first scenario (the others also take fields from it; it takes none). A query the page
 * cannot read opens the default view, and so gives the default view's first scenario.
 */
export function firstSourceOf(query: string): Source {
  const { state } = decodeState(query, BUILTINS);
  return sourceOf(inputsOf(state.scenarios)[0]!, commonOverrides(state));
}
