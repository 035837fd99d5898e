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

/** A short rendering of a found value for messages: `-2`, `"abc"`, `a mapping`, `a list`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
