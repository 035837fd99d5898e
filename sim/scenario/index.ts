export * from './types.js';
export * from './errors.js';
export * from './load.js';
export * from './serialize.js';
export * from './units.js';
export * from './reference.js';
export { scenarioSpec } from './fields.js';
export type { OverrideInput } from './overrides.js';
export { sharedWithFirst } from './comparison.js';
