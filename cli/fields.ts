import { referenceEntries, within, type ReferenceEntry } from '../sim/scenario/index.js';
import { InputError } from './scenarios.js';
import { wrapWords } from './format.js';

/**
 * `deploysim fields [PATH]`: the scenario reference, or the part of it under one field, as text
 * wrapped to the terminal or as Markdown rows.
 */

/** A field path as the reference writes it: list indexes as `[]` (`workloads[0].probes` -> `workloads[].probes`). */
function normalise(path: string): string {
  return path.trim().replace(/\[\d*\]/g, '[]').replace(/^\.+|\.+$/g, '');
}


/** The reference's entries under PATH (every entry without one); an unknown PATH is an InputError naming the nearest fields. */
export function fieldEntries(path: string | undefined): ReferenceEntry[] {
  const all = referenceEntries();
  if (path === undefined) return all;
  const under = normalise(path);
  const found = all.filter((e) => within(e.path, under));
  if (found.length > 0) return found;
  // The longest known prefix, and the fields one level below it.
  let parent = under;
  let children: string[] = [];
  while (parent !== '') {
    const cut = Math.max(parent.lastIndexOf('.'), parent.lastIndexOf('[]'));
    parent = cut < 0 ? '' : parent.slice(0, cut);
    children = [...new Set(all.filter((e) => (parent === '' ? !/[.[]/.test(e.path) : within(e.path, parent) && e.path !== parent)).map((e) => e.path.slice(parent.length).replace(/^\[\]/, '').replace(/^\./, '').split(/[.[]/)[0]!))];
    if (children.length > 0) break;
  }
  const where = parent === '' ? 'the top level' : parent;
  throw new InputError(`fields ${path}: no such field; at ${where} the fields are ${children.join(', ')}`);
}

/** The entries as Markdown rows under the reference's header (a section heading where a variant begins). */
export function fieldsMarkdown(entries: readonly ReferenceEntry[]): string {
  const lines: string[] = [];
  let section: string | null | undefined;
  for (const e of entries) {
    if (e.section !== section) {
      section = e.section;
      if (lines.length > 0) lines.push('');
      if (e.section !== null) lines.push(`## ${e.section}`, '', e.sectionDoc, '');
      lines.push('| field | type | default | meaning |', '|---|---|---|---|');
    }
    const def = e.default === '' ? '' : e.default === 'required' || e.default === 'optional' ? e.default : `\`${e.default.replace(/\|/g, '\\|')}\``;
    lines.push(`| \`${e.path}\` | ${e.type.replace(/\|/g, '\\|')} | ${def} | ${e.doc.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The entries for a terminal: each field's path, type and default on one line, its meaning wrapped below. */
export function fieldsText(entries: readonly ReferenceEntry[], columns: number): string {
  const width = Math.max(40, Math.min(columns, 120));
  const lines: string[] = [];
  let section: string | null | undefined;
  for (const e of entries) {
    if (e.section !== section) {
      section = e.section;
      if (e.section !== null) {
        if (lines.length > 0) lines.push('');
        lines.push(...wrapWords(`${e.section.replace(/`/g, '')}: ${e.sectionDoc.replace(/`/g, '')}`, width), '');
      }
    }
    const def = e.default === '' ? '' : e.default === 'required' || e.default === 'optional' ? ` (${e.default})` : ` = ${e.default}`;
    lines.push(...wrapWords(`${e.path}: ${e.type}${def}`, width), ...wrapWords(e.doc.replace(/`/g, ''), width, '    '));
  }
  return `${lines.join('\n')}\n`;
}
