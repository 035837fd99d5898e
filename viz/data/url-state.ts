/**
 * The page's whole state in its URL query, so that a link reproduces what someone saw: the view,
 * the scenarios (each a built-in name with `--set`-style overrides, or its own text), the seed,
 * the replications, and in the explorer the replication, the scenarios shown and the playback time. Decoding never throws: a malformed or outdated URL gives
 * the default state and a message saying what was wrong.
 */

export type View = 'compare' | 'scenario' | 'explorer';

export interface ScenarioRef {
  /** A built-in scenario's name, or null when `text` holds the scenario. */
  name: string | null;
  text: string | null;
  /** `path=value` overrides, applied in order. */
  overrides: string[];
}

export interface VizState {
  view: View;
  scenarios: ScenarioRef[];
  seed: number | null;
  replications: number | null;
  /** Playback time in the explorer (seconds), or null. */
  timeS: number | null;
  /** The replication the explorer shows, or null (the first, 0). */
  replication: number | null;
  /** The scenarios the explorer shows, by position, or null (the first). */
  shown: number[] | null;
}

export const DEFAULT_STATE: VizState = { view: 'compare', scenarios: [], seed: null, replications: null, timeS: null, replication: null, shown: null };

const VIEWS: readonly View[] = ['compare', 'scenario', 'explorer'];

/** UTF-8 text as base64url (no padding), and back (null when it is not). */
function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(value: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The query string of a state (without `?`): `view`, then per scenario i `s<i>` (a name) or
 * `t<i>` (its text, base64url) and `o<i>` per override, then `seed`, `reps`, `time`, `rep`
 * (the explorer's replication) and `show` (the scenarios it shows, e.g. `0,2`).
 */
export function encodeState(state: VizState): string {
  const q = new URLSearchParams();
  if (state.view !== DEFAULT_STATE.view) q.set('view', state.view);
  state.scenarios.forEach((s, i) => {
    if (s.name !== null) q.set(`s${i}`, s.name);
    else q.set(`t${i}`, toBase64Url(s.text ?? ''));
    for (const o of s.overrides) q.append(`o${i}`, o);
  });
  if (state.seed !== null) q.set('seed', String(state.seed));
  if (state.replications !== null) q.set('reps', String(state.replications));
  if (state.timeS !== null) q.set('time', String(state.timeS));
  if (state.replication !== null) q.set('rep', String(state.replication));
  if (state.shown !== null) q.set('show', state.shown.join(','));
  return q.toString();
}

/**
 * The state a query string describes, or the default state and a message naming the first thing
 * wrong (an unknown parameter, a view, a built-in that does not exist, a number that is not one).
 */
export function decodeState(query: string, builtins: readonly string[] = []): { state: VizState; error: string | null } {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const fail = (message: string) => ({ state: structuredClone(DEFAULT_STATE), error: `This link could not be read: ${message}. Showing the default view.` });
  const state: VizState = structuredClone(DEFAULT_STATE);
  const byIndex = new Map<number, ScenarioRef>();
  const ref = (i: number): ScenarioRef => {
    let r = byIndex.get(i);
    if (r === undefined) byIndex.set(i, (r = { name: null, text: null, overrides: [] }));
    return r;
  };
  for (const [key, value] of q) {
    const indexed = /^([sto])(\d{1,3})$/.exec(key);
    if (key === 'view') {
      if (!(VIEWS as readonly string[]).includes(value)) return fail(`view must be one of ${VIEWS.join(', ')}, not "${value}"`);
      state.view = value as View;
    } else if (key === 'seed' || key === 'reps') {
      const n = Number(value);
      if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(n) || (key === 'reps' && n < 1)) return fail(`${key} must be a whole number${key === 'reps' ? ' of at least 1' : ''}, not "${value}"`);
      if (key === 'seed') state.seed = n;
      else state.replications = n;
    } else if (key === 'rep') {
      const n = Number(value);
      if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(n)) return fail(`rep must be a whole number (a replication, from 0), not "${value}"`);
      state.replication = n;
    } else if (key === 'show') {
      if (!/^\d{1,3}(,\d{1,3})*$/.test(value)) return fail(`show must list scenario positions, e.g. 0,2, not "${value}"`);
      state.shown = value.split(',').map(Number);
    } else if (key === 'time') {
      const t = Number(value);
      if (value.trim() === '' || !Number.isFinite(t) || t < 0) return fail(`time must be a number of seconds >= 0, not "${value}"`);
      state.timeS = t;
    } else if (indexed !== null) {
      const r = ref(Number(indexed[2]));
      if (indexed[1] === 's') {
        if (builtins.length > 0 && !builtins.includes(value)) return fail(`there is no built-in scenario "${value}"`);
        r.name = value;
      } else if (indexed[1] === 't') {
        const text = fromBase64Url(value);
        if (text === null) return fail(`the text of scenario ${indexed[2]} is damaged`);
        r.text = text;
      } else r.overrides.push(value);
    } else return fail(`unknown parameter "${key}"`);
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  for (const [k, i] of indices.entries()) {
    const r = byIndex.get(i)!;
    if (i !== k) return fail(`scenario ${k} is missing (the scenarios are numbered from 0)`);
    if ((r.name === null) === (r.text === null)) return fail(`scenario ${i} needs a name (s${i}) or a text (t${i}), not ${r.name === null ? 'neither' : 'both'}`);
    state.scenarios.push(r);
  }
  return { state, error: null };
}
