// The project stands alone: no file of the repository refers to a path outside it (the pages it was
// first written from live outside a user's clone), no comment cites the outside fact table by its
// section letters, and every citation of docs/model.md names a section the page has.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { modelSections, ROOT } from './helpers.js';

/**
 * Names of places outside the repository, built from pieces so that this file does not hold them
 * itself: the sibling folder the design notes were kept in, the notes' own file names, and this
 * machine's absolute paths.
 */
const OUTSIDE = ['..' + '/shared', 'shared' + '/design', 'shared' + '/reference', 'domain' + '-facts', 'design' + '.md', 'mi-deployment-' + 'patterns-k8s', '/' + 'work/'];

/** A citation of the outside fact table by section (its letters and numbers), as the code once wrote them. */
const OLD_CITATION = new RegExp(['\\bfacts', ' (?:[A-D][0-9]?\\b|"composes")'].join(''));

/** The repository's files: tracked, plus new ones not ignored (so that a file is checked before its first commit). */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return [...new Set(out.split('\0').filter((f) => f !== ''))];
  } catch {
    // Not a git checkout (an unpacked archive): every file but the build output and dependencies.
    const skip = new Set(['.git', 'node_modules', 'dist', 'soak-failures', '.bench-out']);
    const walk = (dir: string): string[] =>
      readdirSync(`${ROOT}${dir}`, { withFileTypes: true }).flatMap((e) =>
        skip.has(e.name) ? [] : e.isDirectory() ? walk(`${dir}${e.name}/`) : [`${dir}${e.name}`],
      );
    return walk('');
  }
}

/** Each text file's lines (binary files, with a NUL byte, are left out; so are files deleted in the working tree). */
function textFiles(): Array<{ file: string; lines: string[] }> {
  const out: Array<{ file: string; lines: string[] }> = [];
  for (const file of repositoryFiles()) {
    const path = `${ROOT}${file}`;
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 8000).includes(0)) continue;
    out.push({ file, lines: bytes.toString('utf8').split('\n') });
  }
  return out;
}

const FILES = textFiles();
const basenames = new Set(FILES.map(({ file }) => file.split('/').pop()!));

/** Every line of every file that matches, as `file:line: text`. */
function offending(match: (line: string) => boolean): string[] {
  const out: string[] = [];
  for (const { file, lines } of FILES) {
    lines.forEach((line, i) => {
      if (match(line)) out.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
    });
  }
  return out;
}

describe('the repository stands alone', () => {
  test('sees the files it checks (docs/model.md and this test among them)', () => {
    const files = FILES.map(({ file }) => file);
    expect(files.length).toBeGreaterThan(200);
    expect(files).toContain('docs/model.md');
    expect(files).toContain('test/docs/standalone.test.ts');
  });

  test('no file mentions a path outside the repository', () => {
    // A name is outside only while no file of the repository has it.
    const outside = OUTSIDE.filter((name) => !basenames.has(name));
    expect(offending((line) => outside.some((name) => line.includes(name))), 'cite docs/model.md or docs/sources.md instead').toEqual([]);
  });

  test('no comment cites the outside fact table by section ("facts" and a section letter)', () => {
    expect(offending((line) => OLD_CITATION.test(line)), 'cite the docs/model.md section (docs/model.md §N.M) instead').toEqual([]);
  });

  test('every citation of docs/model.md names a section it has', () => {
    const sections = modelSections(readFileSync(`${ROOT}docs/model.md`, 'utf8'));
    const problems: string[] = [];
    let citations = 0;
    for (const { file, lines } of FILES) {
      if (file === 'docs/model.md') continue; // its own references are checked in model.test.ts
      // A citation may run over a line break: look at the text whole.
      const text = lines.join('\n');
      for (const m of text.matchAll(/model\.md((?:[\s,;]*(?:and\s+)?§\s*\d+(?:\.\d+)?)+)/g)) {
        for (const ref of m[1]!.matchAll(/§\s*(\d+(?:\.\d+)?)/g)) {
          citations++;
          if (!sections.has(ref[1]!)) {
            const line = text.slice(0, m.index).split('\n').length;
            problems.push(`${file}:${line}: §${ref[1]} is not a section of docs/model.md`);
          }
        }
      }
    }
    expect(citations).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});
