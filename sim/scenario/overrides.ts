import type { ScenarioError } from './errors.js';
import { parseTree, type LNode, type Loc } from './tree.js';

/** One `--set path=value` override, parsed. */
export interface Override {
  text: string;
  /** How errors name it, e.g. `--set seed=x` or `--seed x`. */
  origin: string;
  keys: Array<string | number>;
  /** The value as a located tree, every node at `origin`. */
  value: LNode;
}

/** An override as given: `path=value`, optionally with the option it came from (`--seed 7`). */
export type OverrideInput = string | { text: string; origin: string };

const SEGMENT = /^(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\])/;

/**
 * Parses `workloads[0].replicas=3`; the value is read as YAML (`3` a number, `[a, b]` a list) the
 * way a file is, and every problem with it is reported at the override's origin.
 */
export function parseOverride(input: OverrideInput): Override | ScenarioError[] {
  const text = typeof input === 'string' ? input : input.text;
  const origin = typeof input === 'string' ? `--set ${text}` : input.origin;
  const loc: Loc = { origin };
  const eq = text.indexOf('=');
  if (eq < 0) return [{ loc, path: '', message: 'expected path=value, e.g. workloads[0].replicas=3, got no "="' }];
  if (text.slice(0, eq).trim() === '') return [{ loc, path: '', message: 'expected a field path before "=", e.g. workloads[0].replicas=3, got nothing' }];
  const pathText = text.slice(0, eq).trim();
  const keys = parseFieldPath(pathText);
  if (keys === undefined) return [{ loc, path: pathText, message: `expected a field path such as workloads[0].replicas, got ${JSON.stringify(pathText)}` }];
  const value = parseValue(text.slice(eq + 1), origin);
  if ('errors' in value) return value.errors.map((e) => ({ ...e, path: joinPath(pathText, e.path) }));
  return { text, origin, keys, value: value.tree };
}

/** The keys of a field path (`workloads[0].replicas` -> ['workloads', 0, 'replicas']), or undefined when it is not one. */
export function parseFieldPath(pathText: string): Array<string | number> | undefined {
  const keys: Array<string | number> = [];
  let rest = pathText;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (m === null || (keys.length === 0 && m[0].startsWith('.'))) return undefined;
    keys.push(m[1] !== undefined ? m[1] : Number(m[2]));
    rest = rest.slice(m[0].length);
  }
  return keys.length > 0 ? keys : undefined;
}

/** Values that can only be meant as YAML: a flow list or mapping, a quoted text, an alias, an anchor or a tag. */
const YAML_SYNTAX_START = /^\s*[[{"'*&!]/;

/**
 * A `--set` value read as YAML (`3` a number, `[a, b]` a list) within the same bounds as a file.
 * Text that is not YAML stays text, unless it starts the way only YAML does (`[1` is a broken list).
 */
function parseValue(valueText: string, origin: string): { tree: LNode } | { errors: ScenarioError[] } {
  const parsed = parseTree(valueText, '--set', origin);
  if (parsed.tree !== undefined && parsed.errors.length === 0) return { tree: parsed.tree };
  if (YAML_SYNTAX_START.test(valueText)) return { errors: parsed.errors.length > 0 ? parsed.errors : [{ loc: { origin }, path: '', message: 'expected a YAML value, got none' }] };
  return { tree: { t: 'scalar', v: valueText, loc: { origin } } };
}

function joinPath(base: string, sub: string): string {
  return sub === '' ? base : sub.startsWith('[') ? `${base}${sub}` : `${base}.${sub}`;
}

/** The path text of keys: ['workloads', 0, 'replicas'] -> workloads[0].replicas. */
export function pathText(keys: Array<string | number>): string {
  let out = '';
  for (const k of keys) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out;
}

/**
 * Grafts an override onto a located tree (creating mappings on the way), so that the validator
 * checks it like any other field and reports problems as `--set ...`. Returns the new root.
 */
export function applyOverride(root: LNode | undefined, o: Override): { root?: LNode; error?: ScenarioError } {
  const loc: Loc = { origin: o.origin };
  const replacement = o.value;
  const top: LNode = root ?? { t: 'map', entries: [], loc };
  let node = top;
  for (let i = 0; i < o.keys.length; i++) {
    const key = o.keys[i]!;
    const last = i === o.keys.length - 1;
    const here = pathText(o.keys.slice(0, i + 1));
    if (typeof key === 'number') {
      if (node.t !== 'seq') return { error: { loc, path: pathText(o.keys.slice(0, i)), message: `expected a list to index with [${key}], got ${kindOf(node)}` } };
      if (key > node.items.length) {
        return { error: { loc, path: here, message: `expected an index from 0 to ${node.items.length} (${node.items.length} appends), got ${key}` } };
      }
      if (key === node.items.length) node.items.push(last ? replacement : { t: 'map', entries: [], loc });
      else if (last) node.items[key] = replacement;
      node = node.items[key]!;
    } else {
      if (node.t !== 'map') return { error: { loc, path: pathText(o.keys.slice(0, i)), message: `expected a mapping to hold ${key}, got ${kindOf(node)}` } };
      let entry = node.entries.find((e) => e.key === key);
      if (entry === undefined) {
        const nextIsIndex = typeof o.keys[i + 1] === 'number';
        entry = { key, keyLoc: loc, value: last ? replacement : nextIsIndex ? { t: 'seq', items: [], loc } : { t: 'map', entries: [], loc } };
        node.entries.push(entry);
      } else if (last) {
        entry.value = replacement;
      }
      node = entry.value;
    }
  }
  return { root: top };
}

function kindOf(node: LNode): string {
  return node.t === 'map' ? 'a mapping' : node.t === 'seq' ? 'a list' : `the value ${JSON.stringify(node.v)}`;
}
