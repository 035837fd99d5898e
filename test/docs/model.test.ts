// docs/model.md is the model's reference: every field group `deploysim fields` lists has a section
// that names it, its sections are numbered in order, its references to its own sections resolve,
// and every test it cites exists under the name it gives.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { referenceEntries } from '../../sim/scenario/index.js';
import { modelSections, ROOT } from './helpers.js';

const MODEL = readFileSync(`${ROOT}docs/model.md`, 'utf8');

/**
 * The groups of the field reference: every field of the main table at the top two levels
 * (`horizon`, `kubernetes.kubelet`, `workloads[].probes`), every mapping or list at any depth
 * (`workloads[].probes.startup`, `coordination.database.failures.outage`), and every variant section
 * (`type: node-crash`, `kind: scheduled-task`, `profile: diurnal`).
 */
function fieldGroups(): { paths: string[]; variants: string[] } {
  const paths = new Set<string>();
  const variants = new Set<string>();
  for (const e of referenceEntries()) {
    if (e.section !== null) {
      const tag = /`([^`]+)`$/.exec(e.section);
      if (tag) variants.add(tag[1]!);
      continue;
    }
    const depth = e.path.replace(/\[\]/g, '').split('.').length;
    const group = /^(mapping|list|value or mapping)( or none)?$/.test(e.type);
    if (depth <= 2 || group) paths.add(e.path);
  }
  return { paths: [...paths], variants: [...variants] };
}

describe('docs/model.md', () => {
  test('names every field group of `deploysim fields` (in backticks, as the reference writes it)', () => {
    const { paths, variants } = fieldGroups();
    expect(paths.length).toBeGreaterThan(80);
    expect(variants.length).toBeGreaterThan(15);
    const missing = [...paths, ...variants].filter((p) => !MODEL.includes(`\`${p}\``));
    expect(missing, `add these to the Fields line of the section that describes them`).toEqual([]);
  });

  test('numbers its sections in order: ## N. with ### N.1, N.2, ...', () => {
    let chapter = 0;
    let section = 0;
    const problems: string[] = [];
    for (const line of MODEL.split('\n')) {
      const h2 = /^## (\d+)\. /.exec(line);
      const h3 = /^### (\d+)\.(\d+) /.exec(line);
      if (h2) {
        if (Number(h2[1]) !== chapter + 1) problems.push(line);
        chapter = Number(h2[1]);
        section = 0;
      } else if (h3) {
        if (Number(h3[1]) !== chapter || Number(h3[2]) !== section + 1) problems.push(line);
        section = Number(h3[2]);
      } else if (/^#{2,3} /.test(line)) problems.push(`${line} (not numbered)`);
    }
    expect(chapter).toBeGreaterThanOrEqual(12);
    expect(problems).toEqual([]);
  });

  test('refers only to sections it has', () => {
    const sections = modelSections(MODEL);
    const refs = [...MODEL.matchAll(/§(\d+(?:\.\d+)?)/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(50);
    expect([...new Set(refs.filter((r) => !sections.has(r)))]).toEqual([]);
  });

  test('cites tests that exist, under the names they have', () => {
    // Each "**Tests.**" paragraph: `test/...test.ts` followed by the quoted names of tests in it.
    const paragraphs = MODEL.split(/\n\s*\n/).filter((p) => p.startsWith('**Tests.**'));
    expect(paragraphs.length).toBeGreaterThan(60);
    const flat = (text: string) => text.replace(/\\(.)/g, '$1').replace(/\s+/g, ' ');
    const problems: string[] = [];
    let cited = 0;
    for (const paragraph of paragraphs) {
      const parts = paragraph.split(/`(test\/[^`]+\.test\.ts)`/);
      for (let i = 1; i < parts.length; i += 2) {
        const file = parts[i]!;
        if (!existsSync(`${ROOT}${file}`)) {
          problems.push(`${file}: no such file`);
          continue;
        }
        const source = flat(readFileSync(`${ROOT}${file}`, 'utf8'));
        for (const m of parts[i + 1]!.matchAll(/"([^"]+)"/g)) {
          cited++;
          const name = flat(m[1]!);
          if (!source.includes(name)) problems.push(`${file}: no test named "${name}"`);
        }
      }
    }
    expect(cited).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});
