import type { DistSpec } from '../engine/distributions.js';
import { scenarioSpec } from './fields.js';
import { formatDist } from './serialize.js';
import type { ObjectSpec, Spec } from './spec.js';
import { stringify } from 'yaml';

/**
 * The scenario reference page (docs/scenario-reference.md), generated from the field specs so it
 * cannot drift from the code. A test compares the committed page with this output.
 */
export function scenarioReferenceMarkdown(): string {
  const lines: string[] = [
    '# Scenario reference',
    '',
    '<!-- Generated from sim/scenario/fields.ts by `deploysim fields`; do not edit by hand. -->',
    '',
    'Every field a scenario file may hold, with its default. Unknown fields are errors. Durations are',
    'written `500ms`, `90s`, `5m`, `2h`, `30d`, `1y` (365 days) or combined (`1h30m`); a bare number is',
    'seconds. CPU is `500m` or `2` (cores); memory `512Mi`, `16Gi`. A distribution is a duration',
    '(constant) or one of:',
    '',
    '| form | mean |',
    '|---|---|',
    '| `{dist: constant, value: 5s}` | value |',
    '| `{dist: uniform, min: 1s, max: 3s}` | (min + max) / 2 |',
    '| `{dist: exponential, mean: 14d}` | mean |',
    '| `{dist: normal, mean: 8s, sd: 2s}` (truncated at 0) | mean of the truncated distribution |',
    '| `{dist: lognormal, median: 5s, p95: 9s}` or `{dist: lognormal, mu: 1.6, sigma: 0.36}` (mu in log-seconds) | exp(mu + sigma^2/2) |',
    '| `{dist: weibull, shape: 0.7, scale: 30d}` | scale * Gamma(1 + 1/shape) |',
    '| `{dist: gamma, shape: 2, scale: 3s}` | shape * scale |',
    '| `{dist: empirical, values: [4s, 6s, 9s], weights: [1, 2, 1]}` | weighted mean |',
    '',
    'Fields marked "or none" accept `none` to switch the feature off. Any field can be overridden',
    'from the command line with `--set path=value`, e.g. `--set workloads[0].replicas=3`.',
    '',
    'What each field does in the model, with its rule, public sources, tests and limits, is in',
    '[model.md](model.md); the meanings below cite its sections as `docs/model.md §N.M`.',
    '',
    'Limits, so that every scenario runs: every duration, distribution parameter and distribution',
    'mean is 0 or from 1 microsecond (`0.001ms`) to `1000y` (the longest horizon); the fields that',
    'must be above 0 (periods, intervals, timeouts, lengths, the horizon, and the mean of a time',
    'between events) are at least `1ms`; rates are 0 or from `1e-9/s` to `1e9/s`. No draw of a',
    'distribution exceeds 1e13 s (about 317,000 years: past any horizon). A cluster has at most 5,000',
    'nodes (the largest Kubernetes supports) and its workloads ask for at most 10,000 pods in all. The',
    'kubelet must renew its node lease more often than `nodeMonitorGracePeriod`.',
    '',
    '| field | type | default | meaning |',
    '|---|---|---|---|',
  ];
  let section: string | null = null;
  for (const e of referenceEntries()) {
    if (e.section !== section) {
      section = e.section;
      lines.push('', `## ${e.section}`, '', e.sectionDoc, '', '| field | type | default | meaning |', '|---|---|---|---|');
    }
    lines.push(`| \`${e.path}\` | ${e.type.replace(/\|/g, '\\|')} | ${e.default === '' ? '' : code(e.default)} | ${e.doc.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** One row of the reference: a field's path (`[]` for any list item), type, default (as written; '' for none shown) and doc. */
export interface ReferenceEntry {
  path: string;
  type: string;
  /** The default as a scenario writes it, `required`, `optional`, or '' (a mapping's fields have their own). */
  default: string;
  doc: string;
  /** The variant section the field belongs to (`faults: type: node-crash`), or null for the main table. */
  section: string | null;
  sectionDoc: string;
}

/** Every field of the schema, the main table first, then one section per variant of each union. */
export function referenceEntries(): ReferenceEntry[] {
  const out: ReferenceEntry[] = [];
  const unions: Array<[string, Spec & { kind: 'union' }]> = [];
  walk(scenarioSpec, '', out, unions, null, '');
  for (const [path, union] of unions) {
    // A union inside a list (faults) is registered as path[] (its items); the heading names the list.
    const heading = path.endsWith('[]') ? path.slice(0, -2) : path;
    for (const [name, variant] of Object.entries(union.variants)) {
      const short = union.shorthand?.variant === name ? ` (or just the value of \`${union.shorthand.field}\`)` : '';
      walk(variant, path, out, unions, `${heading}: \`${union.tag}: ${name}\``, `${variant.doc}${short}`);
    }
  }
  return out;
}

function walk(spec: ObjectSpec, prefix: string, out: ReferenceEntry[], unions: Array<[string, Spec & { kind: 'union' }]>, section: string | null, sectionDoc: string): void {
  const add = (path: string, type: string, def: string, doc: string) => out.push({ path, type, default: def, doc, section, sectionDoc });
  for (const [key, field] of Object.entries(spec.fields)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const doc = field.doc;
    switch (field.kind) {
      case 'leaf':
        add(path, `${field.type.name}${field.nullable ? ' or none' : ''}`, defaultText(field.default, field.optional, (v) => field.type.format(v)), doc);
        break;
      case 'dist':
        add(path, `${field.signed ? 'signed distribution (constant, uniform or empirical; negative allowed)' : 'distribution'}${field.nullable ? ' or none' : ''}`, defaultText(field.default, field.optional, (v) => formatDist(v as DistSpec)), doc);
        break;
      case 'object':
        add(path, `mapping${field.nullable ? ' or none' : ''}`, field.default === null ? 'none' : '', doc);
        walk(field, path, out, unions, section, sectionDoc);
        break;
      case 'array':
        if (field.items.kind === 'object') {
          add(path, 'list', field.default === undefined ? 'required' : plainText(field.default), doc);
          walk(field.items, `${path}[]`, out, unions, section, sectionDoc);
        } else if (field.items.kind === 'union') {
          add(path, 'list', field.default === undefined ? 'required' : plainText(field.default), `${doc}; one section per \`${field.items.tag}\` below`);
          unions.push([`${path}[]`, field.items]);
        }
        break;
      case 'union': {
        const short = field.shorthand ? 'value or ' : '';
        const def = field.default === undefined ? (field.optional ? 'optional' : 'required') : plainText(field.default);
        add(path, `${short}mapping${field.nullable ? ' or none' : ''}`, def, `${doc}; one section per \`${field.tag}\` below`);
        unions.push([path, field]);
        break;
      }
    }
  }
}

function defaultText(value: unknown, optional: boolean | undefined, format: (v: unknown) => unknown): string {
  if (value === undefined) return optional ? 'optional' : 'required';
  if (value === null) return 'none';
  const text = plainText(format(value));
  return text === '' ? '""' : text;
}

/** A value as a scenario writes it (YAML flow style). */
function plainText(value: unknown): string {
  return typeof value === 'string' ? value : stringify(value, { flow: true } as never).trim();
}

/** A default in the Markdown table: in code, except the words required and optional. */
function code(text: string): string {
  if (text === 'required' || text === 'optional') return text;
  return `\`${text.replace(/\|/g, '\\|')}\``;
}
