import { POD_STATES, type ClusterState, type NodeView, type PodView } from '../../data/cluster-state.js';
import { OKABE_ITO } from '../palette.js';
import { POD_COLOUR } from './gantt.js';
import { clockText } from './series.js';

/**
 * The cluster view at the playback time (HTML, so every node, pod and the database is a button the
 * keyboard reaches): nodes grouped by zone holding their pods, coloured by state and also labelled
 * and patterned; the load balancer with the endpoints in rotation per workload; the coordination
 * database with each workload's leader and task owners; who runs each stateful artifact.
 *
 * `ClusterView.update` patches only what changed since the last state (a playback frame touches a
 * few attributes), and `clusterView` is the pure form: a detached element for one state.
 */

export type ClusterPick = { kind: 'node'; name: string } | { kind: 'pod'; name: string; workload: string } | { kind: 'database'; name: 'coordination-db' };

const NODE_COLOUR: Record<NodeView['state'], string> = { up: OKABE_ITO.green, down: OKABE_ITO.vermillion, unknown: OKABE_ITO.orange, cordoned: OKABE_ITO.purple, cut: OKABE_ITO.orange };
const NODE_LABEL: Record<NodeView['state'], string> = {
  up: 'up',
  down: 'down',
  unknown: 'Unknown to the control plane',
  cordoned: 'cordoned',
  cut: 'cut off from the control plane',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls !== undefined) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets an attribute only when it changes (a frame writes as little as it can). */
function set(e: Element, name: string, value: string): void {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

interface PodEl {
  button: HTMLButtonElement;
  name: HTMLSpanElement;
  state: HTMLSpanElement;
  tags: HTMLSpanElement;
  key: string;
}

interface NodeEl {
  box: HTMLDivElement;
  button: HTMLButtonElement;
  pods: HTMLDivElement;
  key: string;
  order: string;
}

export class ClusterView {
  readonly element: HTMLElement;
  private readonly zonesBox: HTMLDivElement;
  private readonly unscheduledBox: HTMLDivElement;
  private readonly unscheduledList: HTMLDivElement;
  private readonly lb: HTMLDivElement;
  private readonly db: HTMLButtonElement;
  private readonly artifacts: HTMLTableElement;
  private readonly faults: HTMLParagraphElement;
  private readonly zoneEls = new Map<string, { section: HTMLElement; list: HTMLDivElement }>();
  private readonly nodeEls = new Map<string, NodeEl>();
  private readonly podEls = new Map<string, PodEl>();
  private keys = { lb: '', db: '', artifacts: '', faults: '', unscheduled: '' };

  constructor(
    readonly scenario: string,
    onPick?: (pick: ClusterPick, button: HTMLElement) => void,
  ) {
    const root = el('section', 'cluster-view');
    root.dataset.scenario = scenario;
    root.setAttribute('aria-label', `cluster of ${scenario} at the playback time`);
    const head = el('h3', 'cluster-title', scenario);
    const top = el('div', 'cluster-top');
    this.lb = el('div', 'lb');
    this.lb.setAttribute('aria-label', 'load balancer');
    this.db = el('button', 'db');
    this.db.type = 'button';
    this.db.dataset.pick = 'database';
    this.db.hidden = true;
    top.append(this.lb, this.db);
    this.zonesBox = el('div', 'zones');
    this.unscheduledBox = el('div', 'unscheduled');
    this.unscheduledBox.append(el('span', 'unscheduled-label', 'Not scheduled: '));
    this.unscheduledList = el('div', 'pods');
    this.unscheduledBox.append(this.unscheduledList);
    this.unscheduledBox.hidden = true;
    this.artifacts = el('table', 'artifacts');
    this.artifacts.hidden = true;
    this.faults = el('p', 'recent-faults');
    root.append(head, top, this.zonesBox, this.unscheduledBox, this.artifacts, this.faults);
    this.element = root;
    if (onPick !== undefined) {
      root.addEventListener('click', (e) => {
        const b = (e.target as Element).closest<HTMLElement>('[data-pick]');
        if (b === null || !root.contains(b)) return;
        if (b.dataset.pick === 'node') onPick({ kind: 'node', name: b.dataset.node! }, b);
        else if (b.dataset.pick === 'pod') onPick({ kind: 'pod', name: b.dataset.clusterPod!, workload: b.dataset.workload! }, b);
        else onPick({ kind: 'database', name: 'coordination-db' }, b);
      });
    }
  }

  /** Shows the state, changing only what differs from the last one shown. */
  update(s: ClusterState): void {
    const leaders = new Map<string, string>();
    for (const g of s.coordination) if (g.leader !== null) leaders.set(g.leader, g.workload);
    const runs = new Map<string, string[]>();
    for (const a of s.artifacts) for (const p of a.runners) runs.set(p, [...(runs.get(p) ?? []), a.name]);
    const seen = new Set<string>();

    for (const z of s.zones) {
      const zoneKey = z.zone ?? '';
      let zone = this.zoneEls.get(zoneKey);
      if (zone === undefined) {
        const section = el('section', 'zone');
        section.append(el('h4', undefined, z.zone === null ? 'nodes (no zone)' : z.zone));
        const list = el('div', 'zone-nodes');
        section.append(list);
        this.zonesBox.append(section);
        zone = { section, list };
        this.zoneEls.set(zoneKey, zone);
      }
      for (const n of z.nodes) {
        let ne = this.nodeEls.get(n.name);
        if (ne === undefined) {
          const box = el('div', 'node');
          const button = el('button', 'node-button');
          button.type = 'button';
          button.dataset.pick = 'node';
          button.dataset.node = n.name;
          const pods = el('div', 'pods');
          box.append(button, pods);
          zone.list.append(box);
          ne = { box, button, pods, key: '', order: '' };
          this.nodeEls.set(n.name, ne);
        }
        const key = `${n.state}|${n.pods.length}`;
        if (ne.key !== key) {
          ne.key = key;
          set(ne.button, 'data-state', n.state);
          set(ne.box, 'data-state', n.state);
          ne.button.style.setProperty('--state', NODE_COLOUR[n.state]);
          setText(ne.button, `${n.name} · ${NODE_LABEL[n.state]}`);
          const label = `Node ${n.name}${n.zone !== null ? ` in ${n.zone}` : ''}: ${NODE_LABEL[n.state]}, ${n.pods.length} pod${n.pods.length === 1 ? '' : 's'}. Press for what-if faults.`;
          set(ne.button, 'aria-label', label);
          set(ne.button, 'title', label);
        }
        this.placePods(ne.pods, n.pods, leaders, runs, seen, (o) => (ne.order = o), ne.order);
      }
    }
    // Unscheduled pods.
    this.unscheduledBox.hidden = s.unscheduled.length === 0;
    let unorder = this.keys.unscheduled;
    this.placePods(this.unscheduledList, s.unscheduled, leaders, runs, seen, (o) => (unorder = o), unorder);
    this.keys.unscheduled = unorder;
    for (const [name, p] of this.podEls) {
      if (!seen.has(name)) {
        p.button.remove();
        this.podEls.delete(name);
      }
    }

    // Load balancer: the endpoints in rotation per workload.
    const lbKey = s.workloads.map((w) => `${w.name}:${w.endpoints.join(',')}:${w.desired}`).join('|');
    if (lbKey !== this.keys.lb) {
      this.keys.lb = lbKey;
      this.lb.replaceChildren(el('div', 'lb-title', 'Load balancer: endpoints in rotation'));
      for (const w of s.workloads) {
        const line = el('div', 'lb-workload');
        line.dataset.workload = w.name;
        line.dataset.endpoints = String(w.endpoints.length);
        line.append(el('span', 'lb-count', `${w.name}: ${w.endpoints.length}${w.desired !== null ? ` of ${w.desired}` : ''}`));
        if (w.endpoints.length === 0) line.append(el('span', 'lb-none', w.traffic ? ' none (requests fail: no endpoint)' : ' none'));
        const MAX = 24;
        for (const p of w.endpoints.slice(0, MAX)) line.append(el('span', 'endpoint', p));
        if (w.endpoints.length > MAX) {
          const more = el('span', 'endpoint-more', `+${w.endpoints.length - MAX} more`);
          more.title = w.endpoints.slice(MAX).join(', ');
          line.append(more);
        }
        this.lb.append(line);
      }
    }

    // The coordination database: leaders and task owners.
    this.db.hidden = !s.database.present;
    if (s.database.present) {
      const dbKey = JSON.stringify([s.coordination, s.database.lastOutageS, s.database.lastSlownessS]);
      if (dbKey !== this.keys.db) {
        this.keys.db = dbKey;
        const lines: string[] = [];
        for (const g of s.coordination) {
          lines.push(`${g.workload}: leader ${g.leader ?? 'none'}, ${g.members.length} member${g.members.length === 1 ? '' : 's'}`);
          for (const a of g.assignments) lines.push(`  ${a.task} → ${a.node}`);
        }
        if (s.coordination.length === 0) lines.push('no coordination group');
        if (s.database.lastOutageS !== null) lines.push(`last outage began ${clockText(s.database.lastOutageS)} (its end is not in the trace)`);
        const head = el('span', 'db-title', 'Coordination database');
        const body = el('span', 'db-body');
        for (const l of lines) body.append(el('span', 'db-line', l));
        this.db.replaceChildren(head, body);
        set(this.db, 'data-state', s.database.lastOutageS !== null ? 'had-outage' : 'up');
        const label = `Coordination database. ${lines.join('. ')}. Press for what-if faults.`;
        set(this.db, 'aria-label', label);
        set(this.db, 'title', label);
      }
    }

    // Who runs each stateful artifact.
    this.artifacts.hidden = s.artifacts.length === 0;
    const aKey = s.artifacts.map((a) => `${a.name}:${a.runners.join(',')}`).join('|');
    if (aKey !== this.keys.artifacts) {
      this.keys.artifacts = aKey;
      const caption = el('caption', undefined, 'Stateful artifacts: who runs them');
      const rows = s.artifacts.map((a) => {
        const tr = el('tr');
        const state = a.runners.length === 0 ? 'nobody' : a.runners.length > 1 ? 'duplicates' : 'one';
        tr.dataset.artifact = a.name;
        tr.dataset.state = state;
        tr.append(el('th', undefined, a.name), el('td', undefined, a.runners.length === 0 ? 'nobody (missed)' : a.runners.join(' + ')), el('td', `artifact-${state}`, state === 'duplicates' ? `DUPLICATES ×${a.runners.length}` : state === 'nobody' ? 'MISSED' : 'ok'));
        return tr;
      });
      this.artifacts.replaceChildren(caption, ...rows);
    }

    const fKey = s.recentFaults.map((f) => `${f.t}${f.type}${f.target}`).join('|');
    if (fKey !== this.keys.faults) {
      this.keys.faults = fKey;
      this.faults.textContent = s.recentFaults.length === 0 ? 'No fault yet.' : `Recent faults: ${s.recentFaults.map((f) => `${f.type} ${f.target} at ${clockText(f.t)}`).reverse().join('; ')}`;
    }
  }

  private placePods(box: HTMLElement, pods: readonly PodView[], leaders: Map<string, string>, runs: Map<string, string[]>, seen: Set<string>, setOrder: (o: string) => void, order: string): void {
    for (const p of pods) {
      seen.add(p.name);
      let pe = this.podEls.get(p.name);
      if (pe === undefined) {
        const button = el('button', 'pod');
        button.type = 'button';
        button.dataset.pick = 'pod';
        button.dataset.clusterPod = p.name;
        button.dataset.workload = p.workload;
        const name = el('span', 'pod-name', p.name);
        const state = el('span', 'pod-state');
        const tags = el('span', 'pod-tags');
        button.append(name, state, tags);
        pe = { button, name, state, tags, key: '' };
        this.podEls.set(p.name, pe);
      }
      const tasks = runs.get(p.name) ?? [];
      const leader = leaders.get(p.name);
      const key = `${p.state}|${p.deleted}|${leader ?? ''}|${tasks.join(',')}`;
      if (pe.key !== key) {
        pe.key = key;
        set(pe.button, 'data-state', p.state);
        set(pe.button, 'data-deleted', String(p.deleted));
        pe.button.style.setProperty('--state', POD_COLOUR[p.state]);
        setText(pe.state, POD_STATES[p.state].short + (p.deleted ? ' · deleting' : ''));
        setText(pe.tags, `${leader !== undefined ? '★' : ''}${tasks.length > 0 ? `⚙${tasks.length}` : ''}`);
        const label = `Pod ${p.name} (workload ${p.workload}): ${POD_STATES[p.state].label}${p.deleted ? ', being deleted' : ''}${leader !== undefined ? `, coordination leader of ${leader}` : ''}${tasks.length > 0 ? `, runs ${tasks.join(', ')}` : ''}. Press for what-if faults.`;
        set(pe.button, 'aria-label', label);
        set(pe.button, 'title', label);
      }
    }
    const newOrder = pods.map((p) => p.name).join(',');
    if (newOrder !== order || box.childElementCount !== pods.length) {
      box.replaceChildren(...pods.map((p) => this.podEls.get(p.name)!.button));
      setOrder(newOrder);
    }
  }
}

/** The cluster view of one state, as a detached element (no what-if picks). */
export function clusterView(state: ClusterState, scenario: string): HTMLElement {
  const v = new ClusterView(scenario);
  v.update(state);
  return v.element;
}

/** The legend of pod and node states: colour, text and pattern together. */
export function clusterLegend(): HTMLElement {
  const box = el('div', 'cluster-legend');
  box.setAttribute('aria-label', 'legend of the cluster view');
  for (const key of ['ready', 'Running', 'hung', 'starting', 'Pending', 'down', 'Terminating'] as const) {
    const item = el('span', 'legend-item');
    const sw = el('span', 'pod-swatch');
    sw.dataset.state = key;
    sw.style.setProperty('--state', POD_COLOUR[key]);
    sw.textContent = POD_STATES[key].short;
    item.append(sw, document.createTextNode(POD_STATES[key].label));
    box.append(item);
  }
  box.append(el('span', 'legend-item', '★ coordination leader · ⚙n runs n stateful artifacts · hatched: not in rotation'));
  return box;
}
