import type { OverrideInput } from './overrides.js';
import type { Scenario } from './types.js';

/** The fields every scenario of a comparison takes from the first: the same seeds, replications and measured time (common random numbers). */
const SHARED = ['seed', 'replications', 'horizon', 'warmup'] as const;

/**
 * The overrides that give a scenario the first one's seed, replications, horizon and warmup, as
 * `deploysim compare` and the visualiser's comparison load every scenario after the first.
 * `origin(field, value)` says where each came from in error messages.
 */
export function sharedWithFirst(first: Scenario, origin: (field: string, value: number) => string): OverrideInput[] {
  return SHARED.map((field) => ({ text: `${field}=${first[field]}`, origin: origin(field, first[field]) }));
}
