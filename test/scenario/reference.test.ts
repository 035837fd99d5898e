import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main.js';
import { scenarioReferenceMarkdown, scenarioSpec } from '../../sim/scenario/index.js';
import type { ObjectSpec, Spec } from '../../sim/scenario/spec.js';
import { ROOT } from './helpers.js';

const PAGE = `${ROOT}docs/scenario-reference.md`;
const REGENERATE = 'node bin/deploysim.js fields > docs/scenario-reference.md';

/** Every field path of the spec as the page writes it: `a.b`, list items `a[].b`, union variants under `faults[]`. */
function fieldPaths(spec: ObjectSpec, prefix = ''): Array<{ path: string; spec: Spec }> {
  const out: Array<{ path: string; spec: Spec }> = [];
  for (const [key, field] of Object.entries(spec.fields)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.push({ path, spec: field });
    if (field.kind === 'object') out.push(...fieldPaths(field, path));
    if (field.kind === 'array' && field.items.kind === 'object') out.push(...fieldPaths(field.items, `${path}[]`));
    if (field.kind === 'array' && field.items.kind === 'union') {
      for (const variant of Object.values(field.items.variants)) out.push(...fieldPaths(variant, `${path}[]`));
    }
  }
  return out;
}

async function run(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), progress: false };
  const status = await main(argv, io);
  return { status, out, err };
}

describe('docs/scenario-reference.md', () => {
  it('exists and equals scenarioReferenceMarkdown()', () => {
    if (!existsSync(PAGE)) {
      expect.fail(`docs/scenario-reference.md does not exist: run \`${REGENERATE}\``);
    }
    const committed = readFileSync(PAGE, 'utf8');
    if (committed !== scenarioReferenceMarkdown()) {
      expect.fail(`docs/scenario-reference.md is out of date with sim/scenario/fields.ts: run \`${REGENERATE}\``);
    }
  });
});

describe('scenarioReferenceMarkdown()', () => {
  const md = scenarioReferenceMarkdown();

  it('is deterministic and ends with one newline', () => {
    expect(scenarioReferenceMarkdown()).toBe(md);
    expect(md.endsWith('\n')).toBe(true);
    expect(md.endsWith('\n\n')).toBe(false);
  });

  it('has a table row for every field path of scenarioSpec', () => {
    const paths = fieldPaths(scenarioSpec);
    expect(paths.length).toBeGreaterThan(80);
    const missing = paths.filter(({ path }) => !md.includes(`| \`${path}\` |`)).map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it('has a section for every fault type', () => {
    const faults = (scenarioSpec.fields.faults as Spec & { kind: 'array' }).items;
    expect(faults.kind).toBe('union');
    if (faults.kind !== 'union') return;
    for (const name of Object.keys(faults.variants)) expect(md).toContain(`## faults: \`type: ${name}\``);
  });

  it('shows defaults in scenario-file units', () => {
    const row = (path: string) => md.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
    expect(row('horizon')).toContain('`365d`');
    expect(row('warmup')).toContain('`10m`');
    expect(row('kubernetes.nodeMonitorGracePeriod')).toContain('`50s`');
    expect(row('kubernetes.schedulingLatency')).toContain('`500ms`');
    expect(row('cluster.nodePools[].cpu')).toContain('`4`');
    expect(row('cluster.nodePools[].memory')).toContain('`16Gi`');
    expect(row('workloads[].resources.requests.cpu')).toContain('`500m`');
    expect(row('workloads[].resources.requests.memory')).toContain('`512Mi`');
    expect(row('workloads[].replicas')).toContain('`1`');
    expect(row('workloads[].name')).toContain('required');
    expect(row('workloads[].podDisruptionBudget')).toContain('`none`');
  });

  const fieldRows = md.split('\n').filter((l) => l.startsWith('| `') && !l.startsWith('| `{'));
  const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length - 2;
  const enumPaths = fieldPaths(scenarioSpec)
    .filter(({ spec }) => spec.kind === 'leaf' && spec.type.name.includes('|'))
    .map(({ path }) => path);
  const enumRow = (line: string) => enumPaths.some((p) => line.startsWith(`| \`${p}\` |`));

  it('every field row other than enumerations has four cells (pipes in docs are escaped)', () => {
    expect(fieldRows.length).toBeGreaterThan(80);
    for (const line of fieldRows.filter((l) => !enumRow(l))) expect(cells(line), line).toBe(4);
  });

  // Regression, fixed (sim/scenario/reference.ts, walk(), leaf case: `${field.type.name}` is written unescaped): an
  // enumeration's type name is `hostname | zone` or `DoNotSchedule | ScheduleAnyway`, whose bare `|`
  // splits the Markdown table cell, e.g.
  // "| `workloads[].scheduling.podAntiAffinity.required` | hostname | zone or none | `none` | ... |"
  // has five cells.
  it('enumeration rows have four cells too', () => {
    const rows = fieldRows.filter(enumRow);
    expect(rows.length).toBeGreaterThan(0);
    for (const line of rows) expect(cells(line), line).toBe(4);
  });

  it('`deploysim fields` prints it', async () => {
    const r = await run(['fields']);
    expect(r.status).toBe(0);
    expect(r.out).toBe(md);
  });

  // Regression, fixed (sim/scenario/reference.ts, header line): the page says it is generated "by `deploysim fields
  // --markdown`", but cli/main.ts defines `fields` without options and `deploysim fields --markdown`
  // fails with "error: unknown option '--markdown'". Either the header should name
  // `deploysim fields` or the option should exist.
  it('the command named in its header works', async () => {
    const named = /by `deploysim ([^`]+)`/.exec(md)?.[1];
    expect(named).toBeDefined();
    const r = await run(named!.split(' '));
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe(md);
  });
});
