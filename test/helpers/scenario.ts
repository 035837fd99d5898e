import { readFileSync } from 'node:fs';
import { formatScenarioError, loadScenarioText, type OverrideInput, type Scenario } from '../../sim/scenario/index.js';

/** Loads scenario text, failing the test with every located error if it is invalid. */
export function scenarioFrom(yaml: string, overrides: OverrideInput[] = []): Scenario {
  const r = loadScenarioText(yaml, 'test.yaml', overrides);
  if (!r.scenario) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}

/** Loads a built-in pattern from scenarios/. */
export function builtin(name: string, overrides: OverrideInput[] = []): Scenario {
  const path = new URL(`../../scenarios/${name}.yaml`, import.meta.url);
  const r = loadScenarioText(readFileSync(path, 'utf8'), `scenarios/${name}.yaml`, overrides);
  if (!r.scenario) throw new Error(r.errors.map(formatScenarioError).join('\n'));
  return r.scenario;
}
