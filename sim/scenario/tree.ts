import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node as YamlNode } from 'yaml';
import { composeBounded, MAX_DEPTH, MAX_SYNTAX_ERRORS, textPosition, textProblem, TOO_DEEP } from './compose.js';
import type { ScenarioError } from './errors.js';

/** Where a value came from: a place in a file, or a command-line override. */
export type Loc = { file: string; line: number; col: number } | { origin: string };

/**
 * A parsed document as a small tree of values that remember where they were written. YAML and
 * JSON both parse into it; `--set` overrides are grafted onto it; the validator reads it.
 */
export type LNode =
  | { t: 'scalar'; v: unknown; loc: Loc }
  | { t: 'seq'; items: LNode[]; loc: Loc }
  | { t: 'map'; entries: LEntry[]; loc: Loc };

export interface LEntry {
  key: string;
  keyLoc: Loc;
  value: LNode;
}

/** Longest message text quoted from the parser. */
const MAX_MESSAGE_CHARS = 160;

/** Upper bound on nodes built from one document, so alias bombs cannot exhaust memory. */
const MAX_NODES = 100_000;

/**
 * Parses YAML (JSON is a subset) into a located tree, or returns the problems found. Any text gets
 * an answer within fixed time and memory (see compose.ts): problems of the text itself, too many
 * tokens, too deep a nesting, a second document, syntax errors, then those found while building
 * the tree (duplicate keys and aliases to no anchor: no tree; complex keys: left out).
 *
 * @param file the name used in locations (and, ending in .json, to call syntax errors JSON's)
 * @param origin when given, every node and error is located at this command-line origin instead
 */
export function parseTree(source: string, file: string, origin?: string): { tree?: LNode; errors: ScenarioError[] } {
  const lineCounter = new LineCounter();
  const locate = (offset: number): Loc => {
    if (origin !== undefined) return { origin };
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  const problem = textProblem(source);
  if (problem !== undefined) {
    return { errors: [{ loc: origin !== undefined ? { origin } : { file, ...textPosition(source, problem.offset) }, path: '', message: problem.message }] };
  }
  const composed = composeBounded(source, lineCounter);
  if ('problem' in composed) return { errors: [{ loc: locate(composed.problem.offset), path: '', message: composed.problem.message }] };
  if (composed.doc.errors.length > 0) return { errors: syntaxErrors(composed.doc, composed.complete, /\.json$/i.test(file) ? 'JSON' : 'YAML', locate) };
  return new TreeBuilder(locate).build(composed.doc.contents);
}

function syntaxErrors(doc: Document.Parsed, complete: boolean, kind: string, locate: (offset: number) => Loc): ScenarioError[] {
  const errors: ScenarioError[] = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => ({ loc: locate(e.pos[0]), path: '', message: `${kind} syntax error: ${firstLine(e.message)}` }));
  if (doc.errors.length > MAX_SYNTAX_ERRORS || !complete) {
    const more = complete ? `${doc.errors.length - MAX_SYNTAX_ERRORS} more syntax errors (is this` : `more syntax errors: reading stopped here (is this`;
    errors.push({ loc: errors[errors.length - 1]!.loc, path: '', message: `... and ${more} a ${kind} file?)` });
  }
  return errors;
}

/** A limit of the tree reached while converting (thrown to unwind the recursion at once). */
class TreeLimit {
  constructor(
    readonly loc: Loc,
    readonly message: string,
  ) {}
}

const TOO_MANY_NODES = `document too large: more than ${MAX_NODES.toLocaleString('en-US')} values once its aliases are expanded`;

/** Tags of YAML 1.1 collections the yaml library reads by default; no scenario field takes one. */
const OPAQUE_COLLECTIONS: Record<string, (pairs: Array<[string, unknown]>) => unknown> = {
  'tag:yaml.org,2002:set': (pairs) => new Set(pairs.map(([k]) => k)),
  'tag:yaml.org,2002:omap': (pairs) => new Map(pairs),
  'tag:yaml.org,2002:pairs': (pairs) => new Map(pairs),
};

/** Converts a composed yaml document to a located tree, resolving aliases in document order. */
class TreeBuilder {
  private readonly errors: ScenarioError[] = [];
  /** Problems after which the tree means nothing (an alias to no anchor, a duplicate key). */
  private fatal = false;
  private nodes = 0;
  /** Anchors seen so far in document order: an alias refers to the latest anchor of its name before it. */
  private readonly anchors = new Map<string, YamlNode>();
  /** Nodes being converted (an alias to one of them is a cycle). */
  private readonly open = new Set<unknown>();

  constructor(private readonly locate: (offset: number) => Loc) {}

  build(contents: unknown): { tree?: LNode; errors: ScenarioError[] } {
    try {
      const tree = this.node(contents, 0, '');
      return this.fatal ? { errors: this.errors } : { tree, errors: this.errors };
    } catch (e) {
      if (e instanceof TreeLimit) return { errors: [{ loc: e.loc, path: '', message: e.message }] };
      throw e;
    }
  }

  private at(node: unknown): Loc {
    return this.locate((node as YamlNode | null | undefined)?.range?.[0] ?? 0);
  }

  private node(node: unknown, depth: number, path: string): LNode {
    if (++this.nodes > MAX_NODES) throw new TreeLimit(this.at(node), TOO_MANY_NODES);
    if (depth > MAX_DEPTH) throw new TreeLimit(this.at(node), TOO_DEEP);
    if (isAlias(node)) return this.alias(node.source, node, depth, path);
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) this.anchors.set(anchor, node as YamlNode);
    this.open.add(node);
    try {
      return this.collection(node, depth, path);
    } finally {
      this.open.delete(node);
    }
  }

  private alias(name: string, node: YamlNode, depth: number, path: string): LNode {
    const target = this.anchors.get(name);
    const problem =
      target === undefined ? `an alias to an unknown anchor (no &${name} comes before it)` : this.open.has(target) ? `an alias to the anchor &${name} that contains it (a cycle)` : undefined;
    if (problem === undefined) return this.node(target, depth + 1, path);
    this.fatal = true;
    this.errors.push({ loc: this.at(node), path, message: `expected a value, got *${name}: ${problem}` });
    return { t: 'scalar', v: null, loc: this.at(node) };
  }

  private collection(node: unknown, depth: number, path: string): LNode {
    const tag = (node as { tag?: string } | null)?.tag;
    if ((isMap(node) || isSeq(node)) && tag !== undefined && tag in OPAQUE_COLLECTIONS) {
      const pairs = node.items.map((item): [string, unknown] => (isPair(item) ? [keyText(item.key), isScalar(item.value) ? item.value.value : null] : [keyText(item), null]));
      return { t: 'scalar', v: OPAQUE_COLLECTIONS[tag]!(pairs), loc: this.at(node) };
    }
    if (isMap(node)) return this.map(node.items, this.at(node), depth, path);
    if (isSeq(node)) return { t: 'seq', items: node.items.map((n, i) => this.node(n, depth + 1, `${path}[${i}]`)), loc: this.at(node) };
    if (isScalar(node)) return { t: 'scalar', v: node.value, loc: this.at(node) };
    return { t: 'scalar', v: null, loc: this.at(node) };
  }

  private map(pairs: Array<{ key: unknown; value: unknown }>, loc: Loc, depth: number, path: string): LNode {
    const entries: LEntry[] = [];
    const seen = new Set<string>();
    for (const pair of pairs) {
      const keyNode = pair.key as YamlNode | null;
      const keyValue = isScalar(keyNode) ? keyNode.value : keyNode;
      if (keyValue !== null && typeof keyValue === 'object') {
        this.errors.push({ loc: this.at(keyNode), path, message: 'expected a plain key, got a complex key' });
        continue;
      }
      const key = String(keyValue);
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (seen.has(key)) {
        // Found here in linear time; yaml's own check (uniqueKeys) compares every pair of keys.
        this.fatal = true;
        this.errors.push({ loc: this.at(keyNode), path: '', message: 'YAML syntax error: Map keys must be unique' });
      }
      seen.add(key);
      entries.push({ key, keyLoc: this.at(keyNode), value: this.node(pair.value, depth + 1, keyPath) });
    }
    return { t: 'map', entries, loc };
  }
}

function keyText(node: unknown): string {
  return String(isScalar(node) ? node.value : node);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 3)}...` : line;
}

/** Converts a located tree back to plain values (for tests and `--set` values). */
export function plain(node: LNode): unknown {
  switch (node.t) {
    case 'scalar':
      return node.v;
    case 'seq':
      return node.items.map(plain);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
  }
}

/** Builds a tree from a plain value, every node located at `loc`. */
export function fromPlain(value: unknown, loc: Loc): LNode {
  if (Array.isArray(value)) return { t: 'seq', items: value.map((v) => fromPlain(v, loc)), loc };
  if (value !== null && typeof value === 'object') {
    return {
      t: 'map',
      entries: Object.entries(value).map(([key, v]) => ({ key, keyLoc: loc, value: fromPlain(v, loc) })),
      loc,
    };
  }
  return { t: 'scalar', v: value, loc };
}
