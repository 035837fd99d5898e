// Reads YAML text into yaml's Document within fixed bounds: the Lexer, Parser and Composer are run
// by hand, one token at a time, so that a hostile file (a megabyte of `]`, a huge flow list, a
// nesting deeper than the composer's recursion allows, a second document) stops with a located
// reason long before it costs seconds or gigabytes.
import { Composer, CST, Lexer, Parser, type Document, type LineCounter } from 'yaml';

/**
 * Lexical tokens (keys, values, indicators, spaces and line breaks each count) read from a document
 * at the most. The built-in scenarios have under 1,000, a scenario that writes every field about
 * 2,600; parsing, composing and checking 100,000 takes well under a second and 200 MB, whatever
 * their shape.
 */
export const MAX_TOKENS = 100_000;
/** Lists and mappings one inside another at the most (a scenario needs fewer than ten). */
export const MAX_DEPTH = 100;
/** Syntax errors worth reading: past this many the file is probably not YAML at all. */
export const MAX_SYNTAX_ERRORS = 10;

/** Why reading stopped: the offset in the text, and what to tell the user. */
export interface ReadProblem {
  offset: number;
  message: string;
}

/** The one document of a text, and whether every syntax error was collected (false: reading stopped after MAX_SYNTAX_ERRORS). */
export type Composed = { doc: Document.Parsed; complete: boolean } | { problem: ReadProblem };

const TOO_MANY_TOKENS = `document too large: more than ${MAX_TOKENS.toLocaleString('en-US')} YAML tokens (keys, values, indicators and line breaks) by here; a scenario has a few thousand at most`;
export const TOO_DEEP = `document nested too deeply: more than ${MAX_DEPTH} levels of lists and mappings inside one another`;

/** Where in a text (or its bytes) an offset is, counting LF line breaks (for problems found before parsing). */
export function textPosition(source: { indexOf(value: string, from?: number): number }, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Problems of the text itself that YAML would report confusingly: a NUL character (binary data, or
 * UTF-16 read as UTF-8) and a carriage return that ends a line on its own (classic Mac OS line
 * endings, which the yaml library does not read as line breaks). A UTF-8 byte order mark is fine.
 */
export function textProblem(source: string): ReadProblem | undefined {
  const nul = source.indexOf('\0');
  if (nul !== -1) return { offset: nul, message: 'not a text file: it contains a NUL character (binary data, or text in UTF-16; save it as UTF-8 text)' };
  const cr = source.search(/\r(?!\n)/);
  if (cr !== -1) {
    return { offset: cr, message: 'a line ends with a lone carriage return (CR-only line endings, as on classic Mac OS); save the file with LF or CRLF line endings' };
  }
  return undefined;
}

/** Counts lexemes and flow nesting as they stream past, before the parser builds anything from them. */
class LexemeGuard {
  private lexemes = 0;
  private flowDepth = 0;
  private scalarNext = false;

  /** A problem with this lexeme (at `offset`), or undefined to go on. */
  check(lexeme: string, offset: number): ReadProblem | undefined {
    if (++this.lexemes > MAX_TOKENS) return { offset, message: TOO_MANY_TOKENS };
    const isScalarText = this.scalarNext;
    this.scalarNext = lexeme === CST.SCALAR;
    if (isScalarText) return undefined;
    if (lexeme === '[' || lexeme === '{') this.flowDepth++;
    else if (lexeme === ']' || lexeme === '}') this.flowDepth = Math.max(0, this.flowDepth - 1);
    else if (lexeme === CST.FLOW_END) this.flowDepth = 0;
    // The collection opened here holds values one level deeper than MAX_DEPTH allows (the root is level 0).
    return this.flowDepth > MAX_DEPTH + 1 ? { offset, message: TOO_DEEP } : undefined;
  }
}

/**
 * Replaces every node nested deeper than MAX_DEPTH in a CST token by an empty scalar, so that
 * composing it stays within the stack (yaml's composer recurses once per level and overflows
 * somewhere past 800). Returns the offset of the first node replaced, if any.
 */
function cutDeep(token: CST.Token | null | undefined, depth: number): number | undefined {
  if (!CST.isCollection(token)) return undefined;
  let first: number | undefined;
  for (const item of token.items as CST.CollectionItem[]) {
    for (const side of ['key', 'value'] as const) {
      const child = item[side];
      if (child === null || child === undefined) continue;
      if (depth + 1 > MAX_DEPTH) {
        item[side] = { type: 'scalar', offset: child.offset, indent: 0, source: '' };
        first = Math.min(first ?? child.offset, child.offset);
      } else {
        const cut = cutDeep(child, depth + 1);
        if (cut !== undefined) first = Math.min(first ?? cut, cut);
      }
    }
  }
  return first;
}

/**
 * Composes the one YAML document of `source` (JSON is a subset), stopping with a located problem
 * at the first of: more than MAX_TOKENS lexical tokens, a second document, nesting deeper than
 * MAX_DEPTH (unless syntax errors come before it: yaml nests the lines after some errors one inside
 * another, and those errors are what to fix). Stops reading, too, after more than MAX_SYNTAX_ERRORS
 * stray tokens (a file of `]`). Duplicate keys are left to the caller (yaml's check compares every
 * pair of keys of a mapping).
 *
 * @param lineCounter filled with the line starts read so far, to locate the problem and the errors
 */
export function composeBounded(source: string, lineCounter: LineCounter): Composed {
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({ uniqueKeys: false });
  const docs: Document.Parsed[] = [];
  const guard = new LexemeGuard();
  let documents = 0;
  let strayErrors = 0;
  let deepAt: number | undefined;
  /** Feeds CST tokens to the composer: a problem, 'enough' (too many stray errors), or undefined. */
  const feed = (tokens: Iterable<CST.Token>): ReadProblem | 'enough' | undefined => {
    for (const token of tokens) {
      if (token.type === 'document') {
        if (++documents > 1) return secondDocument(token.offset, lineCounter);
        deepAt = cutDeep(token.value, 0);
      }
      for (const doc of composer.next(token)) docs.push(doc);
      if (token.type === 'error' && ++strayErrors > MAX_SYNTAX_ERRORS) return 'enough';
    }
    return undefined;
  };
  lineCounter.addNewLine(0);
  let stop: ReadProblem | 'enough' | undefined;
  for (const lexeme of new Lexer().lex(source)) {
    stop = guard.check(lexeme, parser.offset) ?? feed(parser.next(lexeme));
    if (stop !== undefined) break;
  }
  if (stop === undefined) stop = feed(parser.end());
  if (stop !== undefined && stop !== 'enough') return { problem: stop };
  for (const doc of composer.end(true, source.length)) docs.push(doc);
  const doc = docs[0]!;
  if (deepAt === undefined) return { doc, complete: stop === undefined };
  // Errors past the cut may come from the cut itself: only those before it are the file's.
  doc.errors = doc.errors.filter((e) => e.pos[0] < deepAt!);
  return doc.errors.length > 0 ? { doc, complete: false } : { problem: { offset: deepAt, message: TOO_DEEP } };
}

function secondDocument(offset: number, lineCounter: LineCounter): ReadProblem {
  const line = lineCounter.linePos(offset).line;
  return { offset, message: `a scenario must be one YAML document, but a second one begins at line ${line} (after a --- or ... line); remove the marker or split the file` };
}
