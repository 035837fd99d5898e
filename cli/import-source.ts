// What `deploysim import` reads, with where each value was written: a parsed input document (YAML
// or TOML), every leaf of it with its line, and the account of each leaf: mapped onto a scenario
// field, or ignored with a reason. Nothing read is left unaccounted for: a leaf no mapping claimed
// is reported as ignored on its own line.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';

/** A step in a path: a mapping key or a list index. */
export type Seg = string | number;

/** One line of the report, before sorting: its kind, where in which input, and the text after the kind. */
export interface ReportEntry {
  kind: 'mapped' | 'overridden' | 'defaulted' | 'ignored' | 'note';
  /** Input order of the file (-1: not tied to an input). */
  fileIndex: number;
  line: number;
  text: string;
}

/** Where an assignment came from: the file, its line and the key(s) read, as the report shows them. */
export interface Origin {
  file: string;
  fileIndex: number;
  line: number;
  key: string;
}

interface Claim {
  path: Seg[];
  kind: 'mapped' | 'ignored';
  reason: string;
  label: string;
}

/** `a.b[0]["x.y"]`: a path as text, keys that are not plain words quoted. */
export function pathText(path: readonly Seg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const keyOf = (path: readonly Seg[]): string => JSON.stringify(path);

/**
 * One parsed input document: its value as plain data, the line of every node, and the claims
 * made on its nodes. Paths are from the document root; an object inside it (a Kubernetes object
 * in a List) is a `View` with a base path and a label.
 */
export class Source {
  private readonly claims = new Map<string, Claim>();

  constructor(
    readonly file: string,
    readonly fileIndex: number,
    readonly root: unknown,
    private readonly lines: ReadonlyMap<string, number>,
    /** Every leaf: a scalar, an empty mapping or list, or a null. */
    readonly leaves: ReadonlyArray<{ path: Seg[]; line: number }>,
    /** Put before every path in the report (an embedded file says which object holds it). */
    readonly prefix = '',
  ) {}

  /** The line of a node, or of its nearest ancestor with one. */
  line(path: readonly Seg[]): number {
    for (let n = path.length; n >= 0; n--) {
      const l = this.lines.get(keyOf(path.slice(0, n)));
      if (l !== undefined) return l;
    }
    return 1;
  }

  get(path: readonly Seg[]): unknown {
    let v: unknown = this.root;
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[seg];
    }
    return v;
  }

  has(path: readonly Seg[]): boolean {
    return this.lines.has(keyOf(path));
  }

  claim(path: readonly Seg[], kind: 'mapped' | 'ignored', reason: string, label: string): void {
    if (!this.lines.has(keyOf(path))) return;
    const k = keyOf(path);
    // A mapping wins over an ignore of the same node; otherwise the first claim stands.
    const old = this.claims.get(k);
    if (old === undefined || (old.kind === 'ignored' && kind === 'mapped')) this.claims.set(k, { path: [...path], kind, reason, label });
  }

  /** The nearest claim at or above a path. */
  claimOf(path: readonly Seg[]): Claim | undefined {
    for (let n = path.length; n >= 0; n--) {
      const c = this.claims.get(keyOf(path.slice(0, n)));
      if (c !== undefined) return c;
    }
    return undefined;
  }

  /** Leaves at or under a path. */
  leavesUnder(path: readonly Seg[]): Array<{ path: Seg[]; line: number }> {
    return this.leaves.filter((l) => startsWith(l.path, path));
  }

  /**
   * The ignored lines of the report: one per ignored node that some leaf falls to (with the
   * count of its leaves when it is not a leaf itself), and one per leaf nothing claimed.
   */
  ignoredEntries(unclaimedReason: (path: Seg[]) => { label: string; reason: string }): ReportEntry[] {
    const groups = new Map<string, { claim: Claim; count: number; leafItself: boolean; first: { path: Seg[]; line: number } }>();
    const out: ReportEntry[] = [];
    for (const leaf of this.leaves) {
      const c = this.claimOf(leaf.path);
      if (c === undefined) {
        const u = unclaimedReason(leaf.path);
        out.push({ kind: 'ignored', fileIndex: this.fileIndex, line: leaf.line, text: `${this.file}:${leaf.line} ${this.prefix}${u.label} (${u.reason})` });
        continue;
      }
      if (c.kind === 'mapped') continue;
      const k = keyOf(c.path);
      const g = groups.get(k) ?? { claim: c, count: 0, leafItself: false, first: leaf };
      g.count++;
      if (leaf.path.length === c.path.length) g.leafItself = true;
      groups.set(k, g);
    }
    for (const g of groups.values()) {
      if (g.count === 1 && !g.leafItself && g.claim.path.length > 0) {
        // One setting under the node: name the setting itself.
        const label = `${g.claim.label}${pathText(g.first.path.slice(g.claim.path.length)).replace(/^(?=[A-Za-z_$])/, '.')}`;
        out.push({ kind: 'ignored', fileIndex: this.fileIndex, line: g.first.line, text: `${this.file}:${g.first.line} ${this.prefix}${label} (${g.claim.reason})` });
        continue;
      }
      const line = this.line(g.claim.path);
      const what = g.leafItself ? g.claim.reason : `${g.count} setting${g.count === 1 ? '' : 's'}; ${g.claim.reason}`;
      out.push({ kind: 'ignored', fileIndex: this.fileIndex, line, text: `${this.file}:${line} ${this.prefix}${g.claim.label} (${what})` });
    }
    return out;
  }
}

export function startsWith(path: readonly Seg[], prefix: readonly Seg[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => path[i] === s);
}

/**
 * A part of a Source: a Kubernetes object (a document, or an item of a List) or a whole file.
 * Paths given to it are relative to its base; the report shows them after its label.
 */
export class View {
  constructor(
    readonly src: Source,
    readonly base: readonly Seg[],
    /** `Deployment/mi ` or '' (with its trailing space). */
    readonly label: string,
  ) {}

  abs(path: readonly Seg[]): Seg[] {
    return [...this.base, ...path];
  }

  get(path: readonly Seg[]): unknown {
    return this.src.get(this.abs(path));
  }

  has(path: readonly Seg[]): boolean {
    return this.src.has(this.abs(path));
  }

  line(path: readonly Seg[]): number {
    return this.src.line(this.abs(path));
  }

  text(path: readonly Seg[]): string {
    const p = pathText(path);
    return this.label === '' ? p : p === '' ? this.label.trimEnd() : `${this.label}${p}`;
  }

  /** Where a value came from: the first path's line; the key text names every path given. */
  origin(...paths: ReadonlyArray<readonly Seg[]>): Origin {
    const first = paths[0] ?? [];
    const keys = paths.map((p) => pathText(p));
    const key = this.label === '' ? keys.join(', ') : `${this.label}${keys.join(', ')}`;
    return { file: this.src.file, fileIndex: this.src.fileIndex, line: this.line(first), key: `${this.src.prefix}${key}` };
  }

  mapped(...paths: ReadonlyArray<readonly Seg[]>): void {
    for (const p of paths) this.src.claim(this.abs(p), 'mapped', '', this.text(p));
  }

  ignore(path: readonly Seg[], reason: string): void {
    this.src.claim(this.abs(path), 'ignored', reason, this.text(path));
  }

  /** Ignores each of `rules` (a path with `*` for any key or index) that matches a node not yet claimed. */
  ignoreRules(rules: ReadonlyArray<readonly [string, string]>): void {
    // Leaves not claimed before this call: each falls to the first rule that matches it.
    const open = this.src.leavesUnder(this.base).filter((leaf) => this.src.claimOf(leaf.path) === undefined);
    for (const leaf of open) {
      const rel = leaf.path.slice(this.base.length);
      for (const [pattern, reason] of rules) {
        const segs = pattern === '' ? [] : pattern.split('.');
        if (segs.length > rel.length) continue;
        if (segs.every((s, i) => s === '*' || s === String(rel[i]))) {
          this.ignore(rel.slice(0, segs.length), reason);
          break;
        }
      }
    }
  }

  /** Ignores every leaf under the view not yet claimed, each on its own line. */
  ignoreRest(reason: string): void {
    for (const leaf of this.src.leavesUnder(this.base)) {
      if (this.src.claimOf(leaf.path) === undefined) this.ignore(leaf.path.slice(this.base.length), reason);
    }
  }
}

/** The lines of YAML nodes: each mapping value at its key's line, each list item at its own. */
export function yamlSource(file: string, fileIndex: number, doc: Document.Parsed, counter: LineCounter): Source {
  const lines = new Map<string, number>();
  const leaves: Array<{ path: Seg[]; line: number }> = [];
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  const walk = (node: unknown, path: Seg[], line: number) => {
    lines.set(keyOf(path), line);
    if (isMap(node)) {
      if (node.items.length === 0) leaves.push({ path, line });
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyLine = lineAt((pair.key as YamlNode | null)?.range?.[0]);
        walk(pair.value, [...path, key], keyLine);
      }
    } else if (isSeq(node)) {
      if (node.items.length === 0) leaves.push({ path, line });
      node.items.forEach((item, i) => walk(item, [...path, i], lineAt((item as YamlNode | null)?.range?.[0]) || line));
    } else {
      leaves.push({ path, line });
    }
  };
  walk(doc.contents, [], lineAt(doc.contents?.range?.[0]));
  return new Source(file, fileIndex, doc.toJS({ maxAliasCount: 1000 }), lines, leaves);
}

/**
 * The lines of a TOML document's keys, read from its text: `[table]` and `[[array]]` headers,
 * and `key = value` lines (dotted and quoted keys too). Values spanning lines (multi-line strings,
 * arrays) are skipped over. `lineOffset` is added (a TOML text embedded in a YAML file).
 */
export function tomlSource(file: string, fileIndex: number, text: string, value: Record<string, unknown>, lineOffset = 0, prefix = ''): Source {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: Seg[] = [];
  let inString: string | null = null;
  let depth = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1 + lineOffset;
    let line = raw;
    if (inString !== null) {
      const end = line.indexOf(inString);
      if (end < 0) return;
      line = line.slice(end + 3);
      inString = null;
    }
    if (depth > 0) {
      depth += bracketDelta(line);
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const header = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(trimmed) ?? null;
    if (header) {
      const keys = splitKey(header[1]!);
      const k = keyOf(keys);
      const n = arrayCounts.get(k) ?? 0;
      arrayCounts.set(k, n + 1);
      table = [...keys, n];
      setParents(lines, table, lineNo);
      return;
    }
    const std = /^\[\s*([^\]]+?)\s*\]/.exec(trimmed);
    if (std) {
      table = resolveArrays(splitKey(std[1]!), arrayCounts);
      setParents(lines, table, lineNo);
      return;
    }
    const eq = findEquals(trimmed);
    if (eq < 0) return;
    const keys = splitKey(trimmed.slice(0, eq));
    const path = [...table, ...keys];
    setParents(lines, path, lineNo);
    const rest = trimmed.slice(eq + 1).trim();
    for (const q of ['"""', "'''"]) {
      if (rest.startsWith(q) && rest.indexOf(q, 3) < 0) inString = q;
    }
    if (inString === null && rest.startsWith('[')) depth = bracketDelta(rest);
  });
  const leaves: Array<{ path: Seg[]; line: number }> = [];
  const walk = (v: unknown, path: Seg[]) => {
    const isTableArray = Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Date));
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    } else if (isTableArray) {
      (v as unknown[]).forEach((x, i) => walk(x, [...path, i]));
    } else {
      leaves.push({ path, line: nearestLine(lines, path) ?? 1 + lineOffset });
    }
  };
  walk(value, []);
  if (!lines.has(keyOf([]))) lines.set(keyOf([]), 1 + lineOffset);
  return new Source(file, fileIndex, value, lines, leaves, prefix);
}

function nearestLine(lines: ReadonlyMap<string, number>, path: readonly Seg[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const l = lines.get(keyOf(path.slice(0, n)));
    if (l !== undefined) return l;
  }
  return undefined;
}

function setParents(lines: Map<string, number>, path: readonly Seg[], line: number): void {
  for (let n = 1; n <= path.length; n++) {
    const k = keyOf(path.slice(0, n));
    if (!lines.has(k) || n === path.length) lines.set(k, line);
  }
}

/** A `[a.b]` header under `[[a]]` refers to the last item of a. */
function resolveArrays(keys: string[], counts: ReadonlyMap<string, number>): Seg[] {
  const out: Seg[] = [];
  for (const k of keys) {
    out.push(k);
    const n = counts.get(keyOf(out));
    if (n !== undefined) out.push(n - 1);
  }
  return out;
}

/** `a."b.c".d` -> [a, b.c, d]. */
function splitKey(text: string): string[] {
  const keys: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '"' || s[i] === "'") {
      const q = s[i]!;
      const end = s.indexOf(q, i + 1);
      keys.push(s.slice(i + 1, end < 0 ? s.length : end));
      i = end < 0 ? s.length : end + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.') j++;
      keys.push(s.slice(i, j).trim());
      i = j;
    }
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '.') i++;
  }
  return keys.filter((k) => k !== '');
}

/** The `=` of a key/value line, outside quoted keys. */
function findEquals(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return i;
  }
  return -1;
}

/** Open minus closed brackets outside strings and comments. */
function bracketDelta(line: string): number {
  let d = 0;
  let quote: string | null = null;
  for (const c of line) {
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if (c === '[') d++;
    else if (c === ']') d--;
  }
  return d;
}

/**
 * A value for a scenario field, from an input (`origin`) or chosen for want of one (`why`).
 * `workload` is null for a scenario-level field, a workload's key, or `*` for every workload.
 */
export interface Assignment {
  workload: string | null;
  path: Seg[];
  value: unknown;
  origin?: Origin;
  why?: string;
  /** Said after the mapped line, in parentheses. */
  note?: string;
  seq: number;
}

/** A workload the inputs describe: its key (`helm`, `k8s:<name>`), name and the kind of input. */
export interface WorkloadRef {
  key: string;
  name: string;
  origin?: Origin;
  from: 'helm' | 'k8s';
}

/** What the inputs say, gathered file by file before they are merged into one scenario. */
export class Draft {
  readonly assignments: Assignment[] = [];
  readonly entries: ReportEntry[] = [];
  readonly workloads: WorkloadRef[] = [];
  readonly sources: Array<{ source: Source; unclaimed: (path: Seg[]) => { label: string; reason: string } }> = [];
  private seq = 0;

  set(workload: string | null, path: Seg[], value: unknown, origin: Origin, note?: string): void {
    this.assignments.push({ workload, path, value, origin, seq: this.seq++, ...(note === undefined ? {} : { note }) });
  }

  def(workload: string | null, path: Seg[], value: unknown, why: string): void {
    this.assignments.push({ workload, path, value, why, seq: this.seq++ });
  }

  note(fileIndex: number, line: number, text: string): void {
    this.entries.push({ kind: 'note', fileIndex, line, text });
  }

  ignored(origin: Origin, reason: string): void {
    this.entries.push({ kind: 'ignored', fileIndex: origin.fileIndex, line: origin.line, text: `${origin.file}:${origin.line} ${origin.key} (${reason})` });
  }

  workload(ref: WorkloadRef): void {
    if (!this.workloads.some((w) => w.key === ref.key)) this.workloads.push(ref);
  }

  account(source: Source, unclaimed: (path: Seg[]) => { label: string; reason: string }): void {
    this.sources.push({ source, unclaimed });
  }
}
