import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatScenarioError, loadScenarioText, type LoadResult, type OverrideInput } from '../../sim/scenario/index.js';

/** The repository root (two levels above this file). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every built-in scenario: [file name, text]. */
export const BUILTINS: Array<[string, string]> = readdirSync(`${ROOT}scenarios`)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => [f, readFileSync(`${ROOT}scenarios/${f}`, 'utf8')]);

/** Loads text and returns the result with every error formatted. */
export function load(text: string, file = 's.yaml', overrides: readonly OverrideInput[] = []): LoadResult & { messages: string[] } {
  const r = loadScenarioText(text, file, overrides);
  return { ...r, messages: r.errors.map(formatScenarioError) };
}

/** A minimal valid scenario. */
export const MINIMAL = 'workloads: [{name: mi}]\n';

/**
 * A valid scenario that writes most sections explicitly (faults, explicit distributions, a topology
 * spread constraint), so that a single --set can break any of those fields in place.
 */
export const RICH = readFileSync(`${ROOT}test/fixtures/rich.yaml`, 'utf8');
