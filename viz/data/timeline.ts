import type { TraceRecord } from '../../sim/trace/index.js';

/**
 * The replication explorer's timeline, shaped from a trace (no DOM here: the page draws it): one
 * row per node, per pod and per stateful artifact, each a list of segments on the time axis, and
 * the markers (faults, coordination events) drawn over them.
 */

export interface Segment {
  fromS: number;
  toS: number;
  /** What the row's entity was doing: a node's `up` / `down` / `unknown` / `cordoned`, a pod's phase, an artifact's runner. */
  state: string;
  /** Pods: Ready (in the endpoints) during the segment. Artifacts: more than one runner (duplicates). */
  flag?: boolean;
}

export interface TimelineRow {
  id: string;
  kind: 'node' | 'pod' | 'artifact';
  label: string;
  /** Pods: the workload; artifacts: none. */
  group: string | null;
  segments: Segment[];
}

export interface Marker {
  t: number;
  kind: 'fault' | 'coordination';
  label: string;
  /** The row it concerns, when it names one. */
  rowId: string | null;
}

export interface Timeline {
  endS: number;
  rows: TimelineRow[];
  markers: Marker[];
}

/** Appends a segment, or extends the last one when the state is unchanged. */
function push(row: TimelineRow, fromS: number, state: string, flag?: boolean): void {
  const last = row.segments.at(-1);
  if (last !== undefined) {
    if (last.state === state && last.flag === flag) return;
    last.toS = fromS;
    if (last.toS <= last.fromS) row.segments.pop();
  }
  row.segments.push(flag === undefined ? { fromS, toS: Infinity, state } : { fromS, toS: Infinity, state, flag });
}

function nodeState(r: TraceRecord): string {
  if (r.up === false) return 'down';
  if (r.condition === 'Unknown') return 'unknown';
  if (r.cordoned === true) return 'cordoned';
  return 'up';
}

/**
 * Builds the timeline of a trace that ends at `endS` (the horizon). Rows appear in the order their
 * entities first appear, nodes first (those named in `nodeNames` from the start: a node is up until
 * its first state change). A pod's row ends when it is gone.
 */
export function timelineOf(records: readonly TraceRecord[], endS: number, nodeNames: readonly string[] = []): Timeline {
  const rows = new Map<string, TimelineRow>();
  const nodes: TimelineRow[] = [];
  const pods: TimelineRow[] = [];
  const artifacts: TimelineRow[] = [];
  const markers: Marker[] = [];
  const podPhase = new Map<string, string>();
  const podReady = new Map<string, boolean>();
  const runners = new Map<string, string[]>();
  const row = (id: string, kind: TimelineRow['kind'], label: string, group: string | null, list: TimelineRow[]): TimelineRow => {
    let r = rows.get(id);
    if (r === undefined) {
      r = { id, kind, label, group, segments: [] };
      rows.set(id, r);
      list.push(r);
    }
    return r;
  };
  const nodeRow = (name: string): TimelineRow => {
    const fresh = !rows.has(`node:${name}`);
    const r = row(`node:${name}`, 'node', name, null, nodes);
    if (fresh) push(r, 0, 'up');
    return r;
  };
  for (const name of nodeNames) nodeRow(name);
  const podSegment = (pod: string, t: number): void => {
    const r = rows.get(`pod:${pod}`);
    if (r !== undefined) push(r, t, podPhase.get(pod) ?? 'Pending', podReady.get(pod) ?? false);
  };
  for (const r of records) {
    switch (r.kind) {
      case 'node.state':
        push(nodeRow(String(r.node)), r.t, nodeState(r));
        break;
      case 'pod.created': {
        const pod = String(r.pod);
        row(`pod:${pod}`, 'pod', pod, String(r.workload), pods);
        podPhase.set(pod, 'Pending');
        podReady.set(pod, false);
        podSegment(pod, r.t);
        break;
      }
      case 'pod.phase': {
        const pod = String(r.pod);
        podPhase.set(pod, String(r.to));
        if (r.node !== null && r.node !== undefined) nodeRow(String(r.node));
        if (r.to === 'Gone') {
          const podRow = rows.get(`pod:${pod}`);
          const last = podRow?.segments.at(-1);
          if (last !== undefined) last.toS = r.t;
        } else podSegment(pod, r.t);
        break;
      }
      case 'pod.ready':
        podReady.set(String(r.pod), r.ready === true);
        if (podPhase.get(String(r.pod)) !== 'Gone') podSegment(String(r.pod), r.t);
        break;
      case 'artifact.runner': {
        const name = String(r.artifact);
        const list = runners.get(name) ?? [];
        const pod = String(r.pod);
        const next = r.started === true ? [...list, pod] : list.filter((p) => p !== pod);
        runners.set(name, next);
        push(row(`artifact:${name}`, 'artifact', name, null, artifacts), r.t, next.length === 0 ? '' : next.join(' + '), next.length > 1);
        break;
      }
      case 'fault':
        markers.push({ t: r.t, kind: 'fault', label: `${r.type} ${r.target}`, rowId: rows.has(`node:${r.target}`) ? `node:${r.target}` : rows.has(`pod:${r.target}`) ? `pod:${r.target}` : null });
        break;
      case 'coordination':
        markers.push({ t: r.t, kind: 'coordination', label: `${r.event} ${r.node}${r.task ? ` ${r.task}` : ''}`, rowId: rows.has(`pod:${r.node}`) ? `pod:${r.node}` : null });
        break;
    }
  }
  const all = [...nodes, ...pods, ...artifacts];
  for (const r of all) {
    const last = r.segments.at(-1);
    if (last !== undefined && last.toS === Infinity) last.toS = endS;
  }
  return { endS, rows: all, markers };
}
