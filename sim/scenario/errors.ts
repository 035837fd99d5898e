import type { Loc } from './tree.js';

/** One problem in a scenario: where, which field, and what was expected. */
export interface ScenarioError {
  loc: Loc;
  /** Dotted path of the field, e.g. `workloads[0].replicas`; empty for document-level problems. */
  path: string;
  /** Usually `expected ..., got ...`. */
  message: string;
}

/** `file:line:col path: message`, or `--set a.b=c path: message` for command-line overrides. */
export function formatScenarioError(e: ScenarioError): string {
  const where = 'origin' in e.loc ? e.loc.origin : `${e.loc.file}:${e.loc.line}:${e.loc.col}`;
  return e.path ? `${where} ${e.path}: ${e.message}` : `${where}: ${e.message}`;
}

/** Thrown by the loader's convenience wrappers when a scenario has problems; carries all of them. */
export class ScenarioValidationError extends Error {
  readonly errors: ScenarioError[];
  constructor(errors: ScenarioError[]) {
    super(errors.map(formatScenarioError).join('\n'));
    this.name = 'ScenarioValidationError';
    this.errors = errors;
  }
}

/**
 * A short rendering of a found value for messages: `-2`, `"abc"`, `a mapping`, `a list`, and the
 * values of YAML's explicit tags: `binary data (5 bytes)`, `a timestamp (2001-12-14T00:00:00.000Z)`,
 * `a set (!!set)`, `an ordered mapping (!!omap)`.
 */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return describeObject(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function describeObject(value: object): string {
  if (value instanceof Uint8Array) return `binary data (${value.length} byte${value.length === 1 ? '' : 's'}, !!binary)`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid timestamp (!!timestamp)' : `a timestamp (${value.toISOString()}, !!timestamp)`;
  if (value instanceof Set) return 'a set (!!set)';
  if (value instanceof Map) return 'an ordered mapping (!!omap or !!pairs)';
  return 'a mapping';
}
