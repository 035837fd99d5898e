import { formatScenarioError, loadScenarioText, type OverrideInput, type Scenario } from '../../../sim/scenario/index.js';
import type { Source } from './protocol.js';

/** A scenario the page compares: its text, the file name its errors use, and its `path=value` overrides. */
export interface Input {
  text: string;
  file: string;
  overrides: string[];
}

export type Comparison = { scenarios: Scenario[]; sources: Source[] } | { errors: string[] };

/**
 * Loads scenarios to compare as `deploysim compare` does: each as given (so its own mistakes are
 * reported), then every one after the first with the first one's seed, replications, horizon and
 * warmup (common random numbers). `common` are overrides for all (the page's seed and
 * replications), applied first.
 */
export function loadComparison(inputs: readonly Input[], common: readonly string[] = []): Comparison {
  const errors: string[] = [];
  const loaded: Array<{ source: Source; scenario: Scenario } | null> = inputs.map((input) => {
    const overrides: OverrideInput[] = [...common.map((text) => ({ text, origin: `--set ${text}` })), ...input.overrides.map((text) => ({ text, origin: `--set ${text}` }))];
    const result = loadScenarioText(input.text, input.file, overrides);
    if (result.scenario === undefined) {
      errors.push(...result.errors.map((e) => `${input.file}: ${formatScenarioError(e)}`));
      return null;
    }
    return { source: { text: input.text, file: input.file, overrides }, scenario: result.scenario };
  });
  if (errors.length > 0) return { errors };
  const first = loaded[0]!.scenario;
  const shared: OverrideInput[] = [
    { text: `seed=${first.seed}`, origin: `seed ${first.seed}` },
    { text: `replications=${first.replications}`, origin: `replications ${first.replications}` },
    { text: `horizon=${first.horizon}`, origin: `horizon ${first.horizon}` },
    { text: `warmup=${first.warmup}`, origin: `warmup ${first.warmup}` },
  ];
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
    if (result.scenario === undefined) errors.push(...result.errors.map((e) => `${source.file}: ${formatScenarioError(e)}`));
    else {
      scenarios.push(result.scenario);
      sources.push(withShared);
    }
  });
  return errors.length > 0 ? { errors } : { scenarios, sources };
}
