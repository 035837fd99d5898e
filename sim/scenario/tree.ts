import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
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

/** Syntax errors reported per file; past this many the file is probably not YAML at all. */
const MAX_SYNTAX_ERRORS = 10;
/** Longest message text quoted from the parser. */
const MAX_MESSAGE_CHARS = 160;

/** Upper bound on nodes built from one document, so alias bombs cannot exhaust memory. */
const MAX_NODES = 200_000;

/** Parses YAML (JSON is a subset) into a located tree, or returns the syntax errors found. */
export function parseTree(source: string, file: string): { tree?: LNode; errors: ScenarioError[] } {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    // The parser reports problems as doc.errors; this guards the unexpected.
    return { errors: [{ loc: { file, line: 1, col: 1 }, path: '', message: `cannot parse as YAML or JSON: ${(e as Error).message}` }] };
  }
  if (doc.errors.length > 0) {
    const kind = /\.json$/i.test(file) ? 'JSON' : 'YAML';
    const errors: ScenarioError[] = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { loc: { file, line: pos.line, col: pos.col }, path: '', message: `${kind} syntax error: ${firstLine(e.message)}` };
    });
    if (doc.errors.length > MAX_SYNTAX_ERRORS) {
      const last = errors[errors.length - 1]!;
      errors.push({ loc: last.loc, path: '', message: `... and ${doc.errors.length - MAX_SYNTAX_ERRORS} more syntax errors (is this a ${kind} file?)` });
    }
    return { errors };
  }
  const errors: ScenarioError[] = [];
  const budget = { nodes: 0 };
  // Anchors seen so far in document order: an alias refers to the latest anchor of its name before it.
  const anchors = new Map<string, unknown>();
  const at = (node: YamlNode | null | undefined): Loc => {
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  const convert = (node: unknown, depth: number): LNode => {
    if (++budget.nodes > MAX_NODES || depth > 100) throw new TreeLimit(at(node as YamlNode));
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      return target ? convert(target, depth + 1) : { t: 'scalar', v: null, loc: at(node) };
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node);
    if (isMap(node)) {
      const entries: LEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyValue = isScalar(keyNode) ? keyNode.value : keyNode;
        if (keyValue !== null && typeof keyValue === 'object') {
          errors.push({ loc: at(keyNode), path: '', message: 'expected a plain key, got a complex key' });
          continue;
        }
        entries.push({ key: String(keyValue), keyLoc: at(keyNode), value: convert(pair.value, depth + 1) });
      }
      return { t: 'map', entries, loc: at(node) };
    }
    if (isSeq(node)) return { t: 'seq', items: node.items.map((n) => convert(n, depth + 1)), loc: at(node) };
    if (isScalar(node)) return { t: 'scalar', v: node.value, loc: at(node) };
    return { t: 'scalar', v: null, loc: at(node as YamlNode) };
  };
  try {
    const tree = convert(doc.contents, 0);
    return { tree, errors };
  } catch (e) {
    if (e instanceof TreeLimit) {
      return { errors: [{ loc: e.loc, path: '', message: `document too large or too deeply nested (limit ${MAX_NODES} values, depth 100)` }] };
    }
    throw e;
  }
}

class TreeLimit {
  constructor(readonly loc: Loc) {}
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
