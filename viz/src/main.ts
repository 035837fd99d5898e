/**
 * The page: reads its state from the URL, loads the scenarios (built-in names with overrides, or
 * their own text), runs them in Web Workers and shows the chosen view. Every change of state is
 * written back to the URL, so a link reproduces what someone saw.
 */
import { workersStarted } from './worker/boot.js';
import { decodeState, DEFAULT_STATE, encodeState, type ScenarioRef, type View, type VizState } from '../data/url-state.js';
import { mountCompareView } from './views/compare.js';
import { loadComparison } from './worker/comparison.js';
import { BUILTIN_TEXT, BUILTINS, commonOverrides, inputsOf, scenarioRefs } from './scenarios.js';
import { SimPool, type CompareRun, type CompareUpdate } from './worker/pool.js';
import type { Source } from './worker/protocol.js';
import './style.css';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const viewRoot = $<HTMLElement>('view');
const message = $<HTMLElement>('message');
const progress = $<HTMLProgressElement>('progress');
const progressText = $<HTMLElement>('progress-text');
const seedInput = $<HTMLInputElement>('seed');
const repsInput = $<HTMLInputElement>('replications');
const cancelButton = $<HTMLButtonElement>('cancel');
const rerunButton = $<HTMLButtonElement>('rerun');

performance.mark('deploysim:page-start');
const pool = new SimPool();
let state: VizState = structuredClone(DEFAULT_STATE);
let run: CompareRun | null = null;
let lastUpdate: CompareUpdate | null = null;
let loaded: { names: string[]; sources: Source[]; replications: number } | null = null;
let destroyView: (() => void) | null = null;
let compareView: ReturnType<typeof mountCompareView> | null = null;

function showMessage(text: string | null): void {
  message.hidden = text === null;
  message.textContent = text ?? '';
}

function writeUrl(): void {
  const query = encodeState(state);
  history.replaceState(null, '', query === '' ? location.pathname : `?${query}`);
}

/** Marks for measuring the landing view (performance.getEntriesByType('mark')): when numbers are first drawn. */
function markFirstNumbers(u: CompareUpdate): void {
  if (u.done > 0 && performance.getEntriesByName('deploysim:first-numbers').length === 0) performance.mark('deploysim:first-numbers');
}

/** Loads the state's scenarios and (re)starts the comparison; loader errors are shown, not thrown. */
function startRun(): void {
  run?.cancel();
  run = null;
  const comparison = loadComparison(inputsOf(state.scenarios), commonOverrides(state));
  if ('errors' in comparison) {
    loaded = null;
    lastUpdate = null;
    showMessage(`The scenarios could not be loaded:\n${comparison.errors.join('\n')}`);
    setProgress(0, 0, false);
    render();
    return;
  }
  performance.mark('deploysim:scenarios-loaded');
  const first = comparison.scenarios[0]!;
  seedInput.value = String(first.seed);
  repsInput.value = String(first.replications);
  loaded = { names: comparison.scenarios.map((s) => s.name), sources: comparison.sources, replications: first.replications };
  const started = performance.now();
  const thisRun = pool.compare(comparison.scenarios, comparison.sources, (u) => {
    lastUpdate = u;
    setProgress(u.done, u.total, !u.complete);
    compareView?.update(u);
    if (compareView !== null) markFirstNumbers(u);
    document.body.dataset.ahead = String(u.ahead);
    if (u.complete) {
      performance.mark('deploysim:complete');
      document.body.dataset.complete = 'true';
      document.body.dataset.completeMs = String(Math.round(performance.now() - started));
    }
  });
  run = thisRun;
  document.body.dataset.complete = 'false';
  // Only this run's end clears `run`: a run cancelled for a new one ends after the new one began.
  thisRun.finished.then(
    () => {
      if (run === thisRun) run = null;
    },
    (e: Error) => {
      if (run !== thisRun) return;
      run = null;
      if (lastUpdate !== null) setProgress(lastUpdate.done, lastUpdate.total, false);
      if (e.message !== 'cancelled') showMessage(`The simulation stopped: ${e.message}`);
    },
  );
}

function setProgress(done: number, total: number, running: boolean): void {
  progress.max = Math.max(1, total);
  progress.value = done;
  progressText.textContent = total === 0 ? '' : `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} replications${running ? '' : done < total ? ' (cancelled)' : ''}`;
  cancelButton.disabled = !running;
}

function setView(view: View): void {
  state.view = view;
  writeUrl();
  render();
}

/** Views other than the landing one load on first use (the editor is most of the bundle). */
const loadScenarioView = () => import('./views/scenario.js');
const loadExplorer = () => import('./views/explorer.js');
let renderCount = 0;

function render(): void {
  const ticket = ++renderCount;
  destroyView?.();
  destroyView = null;
  compareView = null;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    const selected = tab.dataset.view === state.view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  viewRoot.replaceChildren();
  viewRoot.dataset.view = state.view;
  viewRoot.setAttribute('aria-labelledby', `tab-${state.view}`);
  if (state.view === 'compare') {
    const view = mountCompareView(viewRoot);
    compareView = view;
    destroyView = view.destroy;
    if (lastUpdate !== null) {
      view.update(lastUpdate);
      markFirstNumbers(lastUpdate);
    }
  } else if (state.view === 'scenario') {
    void loadScenarioView().then(({ mountScenarioView }) => ticket === renderCount && mountScenario(mountScenarioView));
  } else {
    void loadExplorer().then(({ mountExplorer }) => ticket === renderCount && mountExplorerView(mountExplorer));
  }
}

/**
 * The scenario view edits the first scenario of the comparison: its text (a built-in's, or its
 * own), with the link's overrides for it still applied on top (listed above the editor); Run puts
 * the result in its place and compares again. Picking another built-in drops those overrides.
 */
function mountScenario(mountScenarioView: typeof import('./views/scenario.js').mountScenarioView): void {
  const refs: ScenarioRef[] = scenarioRefs(state.scenarios);
  const ref = refs[0]!;
  const text = ref.name !== null ? (BUILTIN_TEXT[ref.name] ?? '') : (ref.text ?? '');
  const note = document.createElement('p');
  note.className = 'note overrides-note';
  note.hidden = ref.overrides.length === 0;
  note.textContent = `Applied on top of this text, from the link: ${ref.overrides.join(', ')} (picking another built-in drops them).`;
  const holder = document.createElement('div');
  viewRoot.append(note, holder);
  let picked = ref.name;
  const view = mountScenarioView(holder, {
    builtins: BUILTINS.map((name) => ({ name, text: BUILTIN_TEXT[name]! })),
    text,
    name: ref.name,
    onChange: (_text, name) => {
      // The view names a built-in while its text is unchanged: the last one named is the one picked.
      if (name !== null) picked = name;
      note.hidden = ref.overrides.length === 0 || picked !== ref.name;
    },
    onRun: (newText, name) => {
      if (name !== null) picked = name;
      const overrides = picked === ref.name ? ref.overrides : [];
      // A built-in left as it is stays a name in the URL; anything edited travels as its text.
      const edited = name === null || BUILTIN_TEXT[name] !== newText;
      state.scenarios = [edited ? { name: null, text: newText, overrides } : { name, text: null, overrides }, ...refs.slice(1)];
      state.view = 'compare';
      showMessage(null);
      writeUrl();
      startRun();
      render();
    },
  });
  destroyView = view.destroy;
}

function mountExplorerView(mountExplorer: typeof import('./views/explorer.js').mountExplorer): void {
  if (loaded === null) {
    viewRoot.textContent = 'Load valid scenarios first (see the message above).';
    return;
  }
  const l = loaded;
  const view = mountExplorer(viewRoot, {
    scenarios: l.names.map((name, i) => ({ name, source: l.sources[i]! })),
    trace: (source, replication, faults) => pool.trace(source, replication, faults),
    timeS: state.timeS,
    onTime: (t) => {
      state.timeS = t;
      writeUrl();
    },
    replication: state.replication,
    shown: state.shown,
    replications: l.replications,
    onSelection: (replication, shown) => {
      // Defaults stay out of the link.
      state.replication = replication === 0 ? null : replication;
      state.shown = shown.length === 1 && shown[0] === 0 ? null : shown;
      writeUrl();
    },
  });
  destroyView = view.destroy;
}

function readInt(input: HTMLInputElement, min: number): number | null {
  const v = input.value.trim();
  if (v === '') return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= min ? n : NaN;
}

rerunButton.addEventListener('click', () => {
  const seed = readInt(seedInput, 0);
  const reps = readInt(repsInput, 1);
  if (Number.isNaN(seed) || Number.isNaN(reps)) {
    showMessage(`${Number.isNaN(seed) ? 'Seed must be a whole number >= 0' : 'Replications must be a whole number >= 1'}.`);
    return;
  }
  showMessage(null);
  state.seed = seed;
  state.replications = reps;
  writeUrl();
  startRun();
  render();
});
cancelButton.addEventListener('click', () => {
  run?.cancel();
  run = null;
  if (lastUpdate !== null) setProgress(lastUpdate.done, lastUpdate.total, false);
});
const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')];
for (const tab of tabs) {
  tab.addEventListener('click', () => setView(tab.dataset.view as View));
  tab.addEventListener('keydown', (e) => {
    const k = tabs.indexOf(tab);
    const next = e.key === 'ArrowRight' ? tabs[(k + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(k + tabs.length - 1) % tabs.length] : undefined;
    if (next !== undefined) {
      e.preventDefault();
      next.focus();
      setView(next.dataset.view as View);
    }
  });
}

const decoded = decodeState(location.search, BUILTINS);
state = decoded.state;
showMessage(decoded.error);
if (decoded.error !== null) writeUrl();
// The workers start only while this thread is free: let them, then load the scenarios and run.
void workersStarted().then(() => {
  startRun();
  render();
});
