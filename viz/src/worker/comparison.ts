import { formatScenarioError, loadScenarioText, sharedWithFirst, type OverrideInput, type Scenario, type ScenarioError } from '../../../sim/scenario/index.js';
import type { Source } from './protocol.js';

/** A scenario the page compares: its text, the file name its errors use, and its `path=value` overrides. */
export interface Input {
  text: string;
  file: string;
  overrides: string[];
}

/** An error as the CLI gives it; one from a setting or override also names the scenario it broke. */
function describe(file: string, e: ScenarioError): string {
  return 'origin' in e.loc ? `${file}: ${formatScenarioError(e)}` : formatScenarioError(e);
}

export type Comparison = { scenarios: Scenario[]; sources: Source[] } | { errors: string[] };

/** An input's source for the worker: the common overrides first, then its own, each naming where it came from in errors. */
export function sourceOf(input: Input, common: readonly string[]): Source {
  // Errors name where a value came from: the page's Seed or Replications setting, or an override in the link.
  const overrides: OverrideInput[] = [...common.map((text) => ({ text, origin: `the setting ${text}` })), ...input.overrides.map((text) => ({ text, origin: `the override ${text}` }))];
  return { text: input.text, file: input.file, overrides };
}

/**
 * Loads scenarios to compare as `deploysim compare` does: each as given (so its own mistakes are
 * reported), then every one after the first with the first one's seed, replications, horizon and
 * warmup (common random numbers). `common` are overrides for all (the page's seed and
 * replications), applied first.
 */
export function loadComparison(inputs: readonly Input[], common: readonly string[] = []): Comparison {
  const errors: string[] = [];
  const loaded: Array<{ source: Source; scenario: Scenario } | null> = inputs.map((input) => {
    const source = sourceOf(input, common);
    const result = loadScenarioText(source.text, source.file, source.overrides);
    if (result.scenario === undefined) {
      errors.push(...result.errors.map((e) => describe(input.file, e)));
      return null;
    }
    return { source, scenario: result.scenario };
  });
  if (errors.length > 0) return { errors };
  const first = loaded[0]!.scenario;
  const shared = sharedWithFirst(first, (field, value) => `${field} ${value}`);
  const scenarios: Scenario[] = [];
  const sources: Source[] = [];
  loaded.forEach((entry, k) => {
    const { source, scenario } = entry!;
    if (k === 0) {
      scenarios.push(scenario);
      sources.push(source);
      return;
    }
    const withShared: Source = { ...source, overrides: [...source.overrides, ...shared] };
    const result = loadScenarioText(withShared.text, withShared.file, withShared.overrides);
    if (result.scenario === undefined) errors.push(...result.errors.map((e) => describe(source.file, e)));
    else {
      scenarios.push(result.scenario);
      sources.push(withShared);
    }
  });
  return errors.length > 0 ? { errors } : { scenarios, sources };
}
