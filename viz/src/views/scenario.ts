/**
 * The scenario view: pick a built-in scenario or open a file, edit its YAML (CodeMirror 6, the
 * loader's errors shown at their line and column), or turn the knobs next to it (the fields
 * architects change most, kept in step with the text), then run it. Plain DOM and CodeMirror; no
 * network loads.
 */
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { basicSetup, EditorView } from 'codemirror';
import type { ScenarioError } from '../../../sim/scenario/errors.js';
import { loadScenarioText } from '../../../sim/scenario/load.js';
import { KNOBS, readKnobs, writeKnob, type Knob, type KnobId, type KnobReading } from '../../data/knobs.js';
import { OKABE_ITO } from '../palette.js';
import './scenario.css';

export interface ScenarioViewOptions {
  builtins: ReadonlyArray<{ name: string; text: string }>;
  /** The scenario's text at first. */
  text: string;
  /** The built-in it is, or null for text of its own. */
  name: string | null;
  /**
   * The text changed (typing, debounced ~300 ms; a knob, a pick or a file at once). `name` is the
   * built-in's name while the text is that built-in's, unchanged; null otherwise.
   */
  onChange(text: string, name: string | null): void;
  /** Run pressed (only when the scenario has no errors). */
  onRun(text: string, name: string | null): void;
}

export interface ScenarioView {
  /** Shows another scenario (does not call onChange). */
  setText(text: string, name: string | null): void;
  destroy(): void;
}

/** Loader errors are checked this long after the last keystroke. */
const DEBOUNCE_MS = 300;

let mounted = 0;

/** What the loader says about a text, and where in the document. */
interface Analysis {
  text: string;
  /** The name the loader was given (it names the scenario when the text does not). */
  file: string;
  errors: ScenarioError[];
  diagnostics: Diagnostic[];
  /** Document positions of the errors, for the list. */
  positions: number[];
}

export function mountScenarioView(el: HTMLElement, options: ScenarioViewOptions): ScenarioView {
  const uid = `sv${++mounted}`;
  const builtinText = new Map(options.builtins.map((b) => [b.name, b.text]));
  /** Where the text came from: a built-in (edited or not), a file, or nowhere. */
  let origin: { builtin: string } | { file: string } | null = options.name !== null ? { builtin: options.name } : null;
  let reported = options.text;
  let analysis: Analysis | null = null;
  /** The text and file name the panels last showed. */
  let refreshed = '';
  let destroyed = false;

  // ---- DOM ----
  const root = h('section', { class: 'scenario-view', 'aria-label': 'Scenario' });
  const source = h('div', { class: 'sv-source' });
  const pickLabel = h('label', { for: `${uid}-pick` }, 'Scenario');
  const pick = h('select', { id: `${uid}-pick` }) as HTMLSelectElement;
  pick.append(h('option', { value: '' }, 'Your own text'));
  for (const b of options.builtins) pick.append(h('option', { value: b.name }, b.name));
  const fileInput = h('input', { type: 'file', accept: '.yaml,.yml,.json,application/yaml,text/yaml,application/json', class: 'sv-file-input', 'aria-label': 'Open a scenario file', tabindex: '-1' }) as HTMLInputElement;
  const openButton = h('button', { type: 'button', class: 'sv-button' }, 'Open file…');
  const originNote = h('span', { class: 'sv-origin', 'aria-live': 'polite' });
  source.append(pickLabel, pick, openButton, fileInput, originNote);

  const main = h('div', { class: 'sv-main' });
  const editorColumn = h('div', { class: 'sv-editor-column' });
  const editorLabel = h('h2', { id: `${uid}-editor-label`, class: 'sv-heading' }, 'Scenario YAML');
  const editorBox = h('div', { class: 'sv-editor' });
  const status = h('p', { class: 'sv-status', role: 'status', 'aria-live': 'polite' });
  const errorList = h('ul', { class: 'sv-errors', 'aria-label': 'Errors in the scenario' });
  const runButton = h('button', { type: 'button', class: 'sv-button sv-run' }, 'Run') as HTMLButtonElement;
  const actions = h('div', { class: 'sv-actions' });
  actions.append(runButton);
  editorColumn.append(editorLabel, editorBox, status, errorList, actions);

  const form = h('form', { class: 'sv-knobs', 'aria-labelledby': `${uid}-knobs-heading`, novalidate: '' }) as HTMLFormElement;
  const knobsHeading = h('h2', { id: `${uid}-knobs-heading`, class: 'sv-heading' }, 'Knobs');
  const knobsNote = h('p', { class: 'sv-knobs-note', role: 'status', hidden: '' }, 'The YAML does not parse: the knobs show the last values read and are off until it does.');
  const knobsSet = h('fieldset', { class: 'sv-knobs-set' }) as HTMLFieldSetElement;
  knobsSet.append(h('legend', { class: 'sv-visually-hidden' }, 'Scenario knobs'));
  form.append(knobsHeading, knobsNote, knobsSet);
  main.append(editorColumn, form);
  root.append(source, main);
  el.append(root);

  // ---- knobs ----
  interface Control {
    knob: Knob;
    input: HTMLInputElement | HTMLSelectElement;
    note: HTMLElement;
    defaultText: HTMLElement;
    /** The value last put into the control (to tell a user's unfinished edit from it). */
    shown: string;
  }
  const controls: Control[] = [];
  const groups = new Map<string, HTMLFieldSetElement>();
  for (const knob of KNOBS) {
    let group = groups.get(knob.group);
    if (group === undefined) {
      group = h('fieldset', { class: 'sv-group' }) as HTMLFieldSetElement;
      group.append(h('legend', {}, knob.group));
      groups.set(knob.group, group);
      knobsSet.append(group);
    }
    const id = `${uid}-knob-${knob.id}`;
    const hintId = `${id}-hint`;
    const noteId = `${id}-note`;
    const row = h('div', { class: 'sv-knob' });
    const label = h('label', { for: id }, knob.label);
    let input: HTMLInputElement | HTMLSelectElement;
    if (knob.kind === 'choice') {
      input = h('select', { id, 'aria-describedby': `${id}-unit ${hintId} ${noteId}` }) as HTMLSelectElement;
    } else {
      input = h('input', {
        id,
        type: 'text',
        spellcheck: 'false',
        autocomplete: 'off',
        'aria-describedby': `${id}-unit ${hintId} ${noteId}`,
        ...(knob.kind === 'integer' ? { inputmode: 'numeric' } : {}),
      }) as HTMLInputElement;
    }
    const unit = h('span', { id: `${id}-unit`, class: 'sv-unit' }, knob.unit);
    const hint = h('small', { id: hintId, class: 'sv-hint' }, `${knob.hint}.`);
    const defaultText = h('span', { class: 'sv-default' });
    hint.append(' ', defaultText);
    const note = h('small', { id: noteId, class: 'sv-note', 'aria-live': 'polite' });
    row.append(label, input, unit, hint, note);
    group.append(row);
    const control: Control = { knob, input, note, defaultText, shown: '' };
    controls.push(control);
    input.addEventListener('change', () => commit(control));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const active = controls.find((c) => c.input === document.activeElement);
    if (active) commit(active);
  });

  function commit(control: Control): void {
    if (knobsSet.disabled) return;
    const value = control.input.value;
    if (value === control.shown) return;
    const result = writeKnob(currentText(), control.knob.id, value);
    if ('error' in result) {
      control.note.textContent = result.error;
      control.note.classList.add('sv-note-error');
      return;
    }
    control.shown = value;
    replaceText(result.text);
    refresh();
  }

  function showKnobs(readings: Record<KnobId, KnobReading> | null): void {
    knobsSet.disabled = readings === null;
    knobsNote.hidden = readings !== null;
    if (readings === null) return; // the last good values stay
    for (const c of controls) {
      const r = readings[c.knob.id as KnobId];
      const value = r.value ?? '';
      // A value being typed stays until it is committed.
      if (c.input === document.activeElement && c.input.value !== c.shown) continue;
      if (c.input instanceof HTMLSelectElement) fillChoices(c.input, c.knob, r);
      else c.input.placeholder = r.default === '' ? 'required' : r.default;
      c.defaultText.textContent = r.default === '' ? 'Required (no default).' : `Empty: the default, ${r.default}.`;
      c.input.value = value;
      c.shown = value;
      c.note.textContent = r.note ?? '';
      c.note.classList.remove('sv-note-error');
    }
  }

  function fillChoices(select: HTMLSelectElement, knob: Knob, r: KnobReading): void {
    const options = [h('option', { value: '' }, r.default === '' ? '(required)' : `default (${r.default})`)];
    for (const c of knob.choices ?? []) options.push(h('option', { value: c }, c));
    if (r.value !== null && !(knob.choices ?? []).includes(r.value)) options.push(h('option', { value: r.value }, `${r.value} (not valid)`));
    select.replaceChildren(...options);
  }

  // ---- analysis: errors, knobs, run ----
  function analyse(text: string): Analysis {
    if (analysis !== null && analysis.text === text && analysis.file === fileName()) return analysis;
    const result = loadScenarioText(text, fileName(), []);
    const doc = view.state.doc.toString() === text ? view.state.doc : null;
    const diagnostics: Diagnostic[] = [];
    const positions: number[] = [];
    for (const e of result.errors) {
      let from = 0;
      let to = 0;
      if (doc !== null && !('origin' in e.loc)) {
        const line = doc.line(Math.min(Math.max(1, e.loc.line), doc.lines));
        from = line.from + Math.min(Math.max(0, e.loc.col - 1), line.length);
        const token = /^[^\s,\]}#]+/.exec(line.text.slice(from - line.from));
        to = from + (token ? token[0].length : 0);
      }
      positions.push(from);
      diagnostics.push({ from, to, severity: 'error', source: 'deploysim', message: e.path ? `${e.path}: ${e.message}` : e.message });
    }
    analysis = { text, file: fileName(), errors: result.errors, diagnostics, positions };
    return analysis;
  }

  /** Brings the error list, the Run button and the knobs up to date with the editor's text. */
  function refresh(): Analysis {
    const text = currentText();
    const a = analyse(text);
    if (refreshed === `${a.file}\n${text}`) return a;
    refreshed = `${a.file}\n${text}`;
    const items = a.errors.map((e, i) => {
      const where = 'origin' in e.loc ? e.loc.origin : `${e.loc.line}:${e.loc.col}`;
      const button = h('button', { type: 'button', class: 'sv-error' }, e.path ? `${where} ${e.path}: ${e.message}` : `${where}: ${e.message}`);
      button.addEventListener('click', () => {
        view.dispatch({ selection: { anchor: Math.min(a.positions[i]!, view.state.doc.length) }, scrollIntoView: true });
        view.focus();
      });
      const li = h('li');
      li.append(button);
      return li;
    });
    errorList.replaceChildren(...items);
    status.textContent = a.errors.length === 0 ? 'No errors.' : `${a.errors.length} error${a.errors.length === 1 ? '' : 's'}: Run is off until they are fixed.`;
    status.classList.toggle('sv-status-error', a.errors.length > 0);
    runButton.disabled = a.errors.length > 0;
    showKnobs(readKnobs(text));
    updateOrigin(text);
    if (text !== reported) {
      reported = text;
      options.onChange(text, currentName(text));
    }
    return a;
  }

  // ---- where the text came from ----
  function currentName(text: string): string | null {
    return origin !== null && 'builtin' in origin && builtinText.get(origin.builtin) === text ? origin.builtin : null;
  }

  function fileName(): string {
    if (origin === null) return 'scenario.yaml';
    return 'builtin' in origin ? `${origin.builtin}.yaml` : origin.file;
  }

  function updateOrigin(text: string): void {
    const name = currentName(text);
    pick.value = name ?? '';
    if (origin === null) originNote.textContent = '';
    else if ('file' in origin) originNote.textContent = `from ${origin.file}`;
    else originNote.textContent = name === null ? `based on ${origin.builtin}, edited` : '';
  }

  // ---- editor ----
  const view = new EditorView({
    doc: options.text,
    parent: editorBox,
    extensions: [
      basicSetup,
      yaml(),
      lintGutter(),
      EditorView.lineWrapping,
      linter(() => refresh().diagnostics, { delay: DEBOUNCE_MS }),
      EditorView.contentAttributes.of({ 'aria-labelledby': `${uid}-editor-label` }),
      EditorView.theme({
        '&': { height: '100%', fontSize: '0.875rem' },
        '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
        '&.cm-focused': { outline: `2px solid ${OKABE_ITO.blue}`, outlineOffset: '2px' },
      }),
    ],
  });

  function currentText(): string {
    return view.state.doc.toString();
  }

  /** Replaces the editor's text with the smallest change (the cursor and undo history stay sensible). */
  function replaceText(text: string): void {
    const old = currentText();
    if (old === text) return;
    let start = 0;
    const max = Math.min(old.length, text.length);
    while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
    let end = 0;
    while (end < max - start && old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) end++;
    view.dispatch({ changes: { from: start, to: old.length - end, insert: text.slice(start, text.length - end) } });
  }

  // ---- picker and file ----
  pick.addEventListener('change', () => {
    const text = builtinText.get(pick.value);
    if (text === undefined) {
      updateOrigin(currentText()); // "your own text" on its own changes nothing
      return;
    }
    origin = { builtin: pick.value };
    replaceText(text);
    refresh();
  });
  openButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file === undefined) return;
    file.text().then(
      (text) => {
        if (destroyed) return;
        origin = { file: file.name };
        replaceText(text);
        refresh();
        fileInput.value = '';
      },
      () => {
        status.textContent = `Could not read ${file.name}.`;
        fileInput.value = '';
      },
    );
  });

  runButton.addEventListener('click', () => {
    const text = currentText();
    const a = refresh();
    if (a.errors.length === 0) options.onRun(text, currentName(text));
  });

  refresh();

  return {
    setText(text: string, name: string | null): void {
      origin = name !== null ? { builtin: name } : null;
      reported = text; // the caller knows: no onChange
      replaceText(text);
      refresh();
    },
    destroy(): void {
      destroyed = true;
      view.destroy();
      root.remove();
    },
  };
}

/** A DOM element with attributes and text. */
function h(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
