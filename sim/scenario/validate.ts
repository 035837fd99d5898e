import { makeDistribution } from '../engine/distributions.js';
import type { DistSpec } from '../engine/distributions.js';
import { describeFound, type ScenarioError } from './errors.js';
import type { ArraySpec, DistFieldSpec, LeafSpec, ObjectSpec, Spec, UnionSpec } from './spec.js';
import { fromPlain, plain, type LNode, type Loc } from './tree.js';
import { formatDuration, parseDuration } from './units.js';
import { durationRange, MAX_DURATION_S, MAX_DURATION_TEXT, MIN_PERIOD_S, MIN_PERIOD_TEXT } from './spec.js';
import { checkDistRelations, DIST_KINDS, DIST_PARAMS, SIGNED_DIST_KINDS, SIGNED_DIST_PARAMS, type ParamSpec } from './dist-params.js';

/** What validation produced: the resolved value, every problem, and where each path was written. */
export interface Validated {
  value: unknown;
  errors: ScenarioError[];
  /** Location of every field path that appeared in the input (for cross-field checks). */
  locs: Map<string, Loc>;
}

/** Validates a located tree against an object spec, filling defaults. Never throws on bad input. */
export function validateTree(tree: LNode | undefined, spec: ObjectSpec, rootLoc: Loc): Validated {
  const v = new Validator(rootLoc);
  const value = v.check(tree, spec, '', rootLoc);
  return { value, errors: v.errors, locs: v.locs };
}

class Validator {
  readonly errors: ScenarioError[] = [];
  readonly locs = new Map<string, Loc>();
  constructor(readonly rootLoc: Loc) {}

  fail(loc: Loc, path: string, expected: string, found: string): undefined {
    this.errors.push({ loc, path, message: `expected ${expected}, got ${found}` });
    return undefined;
  }

  check(node: LNode | undefined, spec: Spec, path: string, parentLoc: Loc): unknown {
    if (node !== undefined) this.locs.set(path, node.loc);
    const isNull = node !== undefined && node.t === 'scalar' && (node.v === null || node.v === 'none');
    if (isNull && spec.nullable) return null;
    if (node === undefined || (isNull && node.v === null && (spec.kind === 'object' || spec.kind === 'array'))) {
      return this.absent(spec, path, node?.loc ?? parentLoc);
    }
    switch (spec.kind) {
      case 'leaf':
        return this.leaf(node, spec, path);
      case 'dist':
        return this.dist(node, spec, path);
      case 'object':
        return this.object(node, spec, path);
      case 'array':
        return this.array(node, spec, path);
      case 'union':
        return this.union(node, spec, path);
    }
  }

  private absent(spec: Spec, path: string, loc: Loc): unknown {
    if (spec.optional) return undefined;
    switch (spec.kind) {
      case 'leaf':
      case 'dist':
        if (spec.default !== undefined) return structuredClone(spec.default);
        return this.fail(loc, path, expectedOf(spec), 'nothing (the field is required)');
      case 'object':
        if (spec.default === null) return null;
        return this.fields(undefined, spec, path, loc);
      case 'array':
        // Array defaults are written in scenario form and resolved like input.
        if (spec.default !== undefined) return this.array(fromPlain(spec.default, loc), spec, path);
        return this.fail(loc, path, expectedOf(spec), 'nothing (the field is required)');
      case 'union':
        if (spec.default !== undefined) return this.union(fromPlain(spec.default, loc), spec, path);
        return this.fail(loc, path, expectedOf(spec), 'nothing (the field is required)');
    }
  }

  private leaf(node: LNode, spec: LeafSpec, path: string): unknown {
    const item = spec.type.item;
    if (item !== undefined && node.t === 'seq') {
      // Report each bad item of a list at its own index.
      let ok = true;
      node.items.forEach((child, i) => {
        this.locs.set(`${path}[${i}]`, child.loc);
        const raw = child.t === 'scalar' ? child.v : plain(child);
        if (item.parse(raw) === undefined) ok = !!this.fail(child.loc, `${path}[${i}]`, item.expected, describeFound(raw));
      });
      if (!ok) return undefined;
    }
    const raw = node.t === 'scalar' ? node.v : plain(node);
    const value = spec.type.parse(raw);
    if (value === undefined) return this.fail(node.loc, path, expectedOf(spec), describeFound(raw));
    const problem = spec.check?.(value);
    if (problem !== undefined) return this.fail(node.loc, path, completeExpectation(spec.type.expected, problem), describeFound(raw));
    return value;
  }

  private dist(node: LNode, spec: DistFieldSpec, path: string): DistSpec | undefined {
    if (node.t === 'scalar') {
      const s = parseDuration(node.v);
      if (s === undefined || (s < 0 && !spec.signed)) return this.fail(node.loc, path, expectedOf(spec), describeFound(node.v));
      // A constant keeps the bounds of a duration field (a time between events those of a period).
      const problem = durationRange(spec.positive ? MIN_PERIOD_S : spec.signed ? -Infinity : 0)(s);
      if (problem !== undefined) {
        const orMean = spec.positive && s < MIN_PERIOD_S ? ` (or a distribution with a mean of at least ${MIN_PERIOD_TEXT}: a time between events)` : '';
        return this.fail(node.loc, path, `${problem}${orMean}`, describeFound(node.v));
      }
      return { dist: 'constant', value: s };
    }
    if (node.t !== 'map') return this.fail(node.loc, path, expectedOf(spec), describeFound(plain(node)));
    const table = spec.signed ? SIGNED_DIST_PARAMS : DIST_PARAMS;
    const kinds = spec.signed ? SIGNED_DIST_KINDS : DIST_KINDS;
    const kindEntry = node.entries.find((e) => e.key === 'dist');
    if (kindEntry === undefined) return this.fail(node.loc, `${path}.dist`, `one of ${kinds.join(', ')}`, 'nothing');
    const kind = kindEntry.value.t === 'scalar' ? kindEntry.value.v : undefined;
    const params = typeof kind === 'string' && Object.hasOwn(table, kind) ? table[kind] : undefined;
    if (params === undefined) return this.fail(kindEntry.value.loc, `${path}.dist`, `one of ${kinds.join(', ')}`, describeFound(plain(kindEntry.value)));
    const given = new Map(node.entries.filter((e) => e.key !== 'dist').map((e) => [e.key, e]));
    // lognormal has two parameterisations; pick by the keys given.
    const shapeSet = params.find((set) => [...given.keys()].every((k) => Object.hasOwn(set, k))) ?? params[0]!;
    let ok = true;
    for (const [key, entry] of given) {
      if (!Object.hasOwn(shapeSet, key)) {
        const allowed = [...new Set(params.flatMap((s) => Object.keys(s)))];
        this.fail(entry.keyLoc, `${path}.${key}`, `a parameter of ${kind as string} (${allowed.join(', ')})`, JSON.stringify(key));
        ok = false;
      }
    }
    const out: Record<string, unknown> = { dist: kind };
    for (const [key, param] of Object.entries(shapeSet)) {
      const entry = given.get(key);
      const p = `${path}.${key}`;
      if (entry === undefined) {
        if (param.optional) continue;
        this.fail(node.loc, p, param.expected, 'nothing (the parameter is required)');
        ok = false;
        continue;
      }
      this.locs.set(p, entry.value.loc);
      const raw = entry.value.t === 'scalar' ? entry.value.v : plain(entry.value);
      const value = param.parse(raw);
      if (value === undefined) {
        if (!this.badListItem(entry.value, param, p)) this.fail(entry.value.loc, p, param.expected, describeFound(raw));
        ok = false;
      } else out[key] = value;
    }
    if (!ok) return undefined;
    const relation = checkDistRelations(out as DistSpec);
    if (relation !== undefined) return this.fail(node.loc, path, relation.expected, relation.found);
    if (spec.signed) return out as DistSpec; // its parameters are bounded one by one
    const mean = makeDistribution(out as DistSpec).mean;
    if (!(mean <= MAX_DURATION_S)) {
      return this.fail(node.loc, path, `a distribution with a mean of at most ${MAX_DURATION_TEXT} (the longest horizon)`, describeMean(mean));
    }
    if (spec.positive && !(mean >= MIN_PERIOD_S)) {
      return this.fail(node.loc, path, `a distribution with a mean of at least ${MIN_PERIOD_TEXT} (a time between events)`, describeMean(mean));
    }
    return out as DistSpec;
  }

  /** Reports the first bad item of a list parameter at its own index; false when the list itself is wrong. */
  private badListItem(node: LNode, param: ParamSpec, path: string): boolean {
    if (param.item === undefined || node.t !== 'seq' || node.items.length === 0) return false;
    const k = node.items.findIndex((child) => param.item!.parse(child.t === 'scalar' ? child.v : plain(child)) === undefined);
    if (k < 0) return false;
    const child = node.items[k]!;
    this.fail(child.loc, `${path}[${k}]`, param.item.expected, describeFound(child.t === 'scalar' ? child.v : plain(child)));
    return true;
  }

  private object(node: LNode, spec: ObjectSpec, path: string): unknown {
    if (node.t !== 'map') return this.fail(node.loc, path, expectedOf(spec), describeFound(plain(node)));
    return this.fields(node, spec, path, node.loc);
  }

  fields(node: (LNode & { t: 'map' }) | undefined, spec: ObjectSpec, path: string, loc: Loc, skipKey?: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const given = new Map<string, LNode>();
    for (const entry of node?.entries ?? []) {
      if (entry.key === skipKey) continue;
      if (!Object.hasOwn(spec.fields, entry.key)) {
        const known = Object.keys(spec.fields);
        const moved = spec.moved !== undefined && Object.hasOwn(spec.moved, entry.key) ? spec.moved[entry.key] : undefined;
        const guess = moved === undefined ? closest(entry.key, known) : undefined;
        const hint = moved !== undefined ? ` (${entry.key} is now ${moved})` : guess ? ` (did you mean ${guess}?)` : '';
        this.fail(entry.keyLoc, join(path, entry.key), `one of the fields ${known.join(', ')}${hint}`, JSON.stringify(entry.key));
        continue;
      }
      given.set(entry.key, entry.value);
    }
    for (const [key, fieldSpec] of Object.entries(spec.fields)) {
      const value = this.check(given.get(key), fieldSpec, join(path, key), loc);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  private array(node: LNode, spec: ArraySpec, path: string): unknown {
    if (node.t !== 'seq') return this.fail(node.loc, path, expectedOf(spec), describeFound(plain(node)));
    const before = this.errors.length;
    const items = node.items.map((item, i) => this.check(item, spec.items, `${path}[${i}]`, node.loc));
    if (spec.minItems !== undefined && items.length < spec.minItems) {
      return this.fail(node.loc, path, `a list of at least ${spec.minItems} item${spec.minItems === 1 ? '' : 's'}`, `${items.length}`);
    }
    if (this.errors.length === before && spec.check) {
      const problem = spec.check(items);
      if (problem !== undefined) return this.fail(node.loc, path, problem, 'a list that is not');
    }
    return items;
  }

  private union(node: LNode, spec: UnionSpec, path: string): unknown {
    if (node.t === 'scalar' && spec.shorthand) {
      // A plain value is the shorthand variant's one field, reported at the field's own path.
      const { variant, field } = spec.shorthand;
      const value = this.check(node, spec.variants[variant]!.fields[field]!, path, node.loc);
      return value === undefined ? undefined : { [spec.tag]: variant, [field]: value };
    }
    if (node.t !== 'map') return this.fail(node.loc, path, expectedOf(spec), describeFound(plain(node)));
    const tagEntry = node.entries.find((e) => e.key === spec.tag);
    const names = Object.keys(spec.variants);
    if (tagEntry === undefined) return this.fail(node.loc, join(path, spec.tag), `one of ${names.join(', ')}`, 'nothing');
    const tag = tagEntry.value.t === 'scalar' ? tagEntry.value.v : undefined;
    const variant = typeof tag === 'string' && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : undefined;
    if (variant === undefined) return this.fail(tagEntry.value.loc, join(path, spec.tag), `one of ${names.join(', ')}`, describeFound(plain(tagEntry.value)));
    return { [spec.tag]: tag, ...this.fields(node, variant, path, node.loc, spec.tag) };
  }
}

/** `a mean of 2h`, or what makes the mean useless. */
function describeMean(mean: number): string {
  if (Number.isNaN(mean)) return 'no mean that can be computed';
  if (!Number.isFinite(mean)) return 'an infinite mean';
  if (mean > MAX_DURATION_S) return `a mean of about ${(mean / (365 * 86400)).toPrecision(3)} years`;
  return `a mean of ${formatDuration(mean)}`;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The expectation text for a spec, used in "expected X, got Y". */
export function expectedOf(spec: Spec): string {
  switch (spec.kind) {
    case 'leaf':
      return spec.nullable ? `${spec.type.expected} or none` : spec.type.expected;
    case 'dist':
      if (spec.signed) return `a duration (negative allowed) or a distribution {dist: ${SIGNED_DIST_KINDS.join('|')}, ...}${spec.nullable ? ' or none' : ''}`;
      return `a duration or a distribution {dist: ${DIST_KINDS.join('|')}, ...}${spec.nullable ? ' or none' : ''}`;
    case 'object':
      return `a mapping${spec.nullable ? ' or none' : ''}`;
    case 'array':
      return 'a list';
    case 'union': {
      const shape = `a mapping with ${spec.tag}: one of ${Object.keys(spec.variants).join(', ')}`;
      const short = spec.shorthand ? `${describeShorthand(spec)} or ` : '';
      return `${short}${shape}${spec.nullable ? ' or none' : ''}`;
    }
  }
}

function describeShorthand(spec: UnionSpec): string {
  const field = spec.variants[spec.shorthand!.variant]!.fields[spec.shorthand!.field]!;
  return field.kind === 'leaf' ? field.type.expected : 'a value';
}

function completeExpectation(typeExpected: string, problem: string): string {
  return /^[<>=]|^between /.test(problem) ? `${typeExpected} ${problem}` : problem;
}

/** The nearest known name within edit distance 2, for "did you mean". */
function closest(word: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
