import type { TraceRecord } from '../../sim/trace/index.js';

/**
 * The cluster at one moment of a recorded replication (no DOM here: the explorer draws it): nodes
 * grouped by zone with their pods, the load balancer's endpoints (Ready pods per workload), the
 * coordination database with each workload's leader and task owners, and who runs each stateful
 * artifact. Rebuilt from the trace alone: the engine is never asked again.
 *
 * `ClusterTracker` applies records forward cheaply and replays from the start on a backward seek,
 * so playback pays only for the records between two frames. `clusterAt` is the pure form.
 */

export interface PodView {
  name: string;
  workload: string;
  /** The node it is bound to (null: not scheduled yet). */
  node: string | null;
  phase: string;
  /** Ready as the endpoints see it (in rotation). */
  ready: boolean;
  hung: boolean;
  /**
   * Being deleted (a deletionTimestamp): Terminating, or evicted from an unreachable node. The trace
   * does not name the pods evicted from a node the control plane cannot reach: they are inferred
   * from the replacements the Deployment creates (see `ClusterTracker`).
   */
  deleted: boolean;
  createdS: number;
  revision: number;
  /** The display state: one of POD_STATES' keys. */
  state: PodStateKey;
}

export interface NodeView {
  name: string;
  zone: string | null;
  up: boolean;
  condition: string;
  cordoned: boolean;
  /** Cut off from the control plane (network partition). */
  cut: boolean;
  /** The display state: `up`, `down`, `unknown` (the control plane lost it), `cordoned`, `cut`. */
  state: 'up' | 'down' | 'unknown' | 'cordoned' | 'cut';
  /** Its pods, oldest first. */
  pods: PodView[];
}

export interface ZoneView {
  zone: string | null;
  nodes: NodeView[];
}

export interface WorkloadView {
  name: string;
  /** From the last `workload.counts` record (null before the first). */
  desired: number | null;
  serving: number | null;
  running: number | null;
  /** The pods in the load balancer's rotation (Ready), oldest first. */
  endpoints: string[];
  /** Whether the workload receives requests at all in this trace (traffic records name it). */
  traffic: boolean;
}

export interface CoordinationView {
  workload: string;
  /** The last server elected leader, while it is a member; null if none. */
  leader: string | null;
  /** Servers that joined and have not been removed, fenced or left. */
  members: string[];
  /** Each scheduled task's assigned server (the leader's assignment). */
  assignments: Array<{ task: string; node: string }>;
}

export interface ArtifactView {
  name: string;
  /** The pods running it now, in the order they started (more than one: duplicates). */
  runners: string[];
  /** Message processors: consumers and store backlog from the last `processor.state` record. */
  active?: number;
  backlog?: number;
}

export interface FaultView {
  t: number;
  type: string;
  target: string;
}

export interface ClusterState {
  t: number;
  zones: ZoneView[];
  /** Pods bound to no node (Pending, waiting for the scheduler). */
  unscheduled: PodView[];
  workloads: WorkloadView[];
  coordination: CoordinationView[];
  artifacts: ArtifactView[];
  /** The coordination database: whether the scenario has one in use, and its last outage or slow period began. */
  database: { present: boolean; lastOutageS: number | null; lastSlownessS: number | null };
  /** The last few faults at or before t, newest last. */
  recentFaults: FaultView[];
}

/** How pods look: a colour key (palette.ts `stateColour`) and a short text, never colour alone. */
export type PodStateKey = 'ready' | 'Running' | 'hung' | 'starting' | 'Pending' | 'down' | 'Terminating' | 'gone';

export const POD_STATES: Record<PodStateKey, { label: string; short: string }> = {
  ready: { label: 'running, Ready (in rotation)', short: 'ready' },
  Running: { label: 'running, not Ready', short: 'run' },
  hung: { label: 'hung (accepts, never answers)', short: 'hung' },
  starting: { label: 'starting (pulling, creating, starting, deploying)', short: 'start' },
  Pending: { label: 'Pending (not scheduled)', short: 'pend' },
  down: { label: 'stopped (crashed, killed, back-off, node down)', short: 'down' },
  Terminating: { label: 'Terminating', short: 'term' },
  gone: { label: 'gone', short: 'gone' },
};

const STARTING = new Set(['Pulling', 'Creating', 'Starting', 'Deploying']);
const STOPPED = new Set(['Crashed', 'Killing', 'BackOff', 'NodeDown']);

export function podStateKey(phase: string, ready: boolean, hung: boolean): PodStateKey {
  if (phase === 'Gone') return 'gone';
  if (hung && (phase === 'Running' || phase === 'Killing' || phase === 'Terminating')) return 'hung';
  if (phase === 'Running') return ready ? 'ready' : 'Running';
  if (STARTING.has(phase)) return 'starting';
  if (STOPPED.has(phase)) return 'down';
  if (phase === 'Terminating') return 'Terminating';
  return 'Pending';
}

function nodeStateKey(n: { up: boolean; condition: string; cordoned: boolean; cut: boolean }): NodeView['state'] {
  if (!n.up) return 'down';
  if (n.condition === 'Unknown') return 'unknown';
  if (n.cut) return 'cut';
  if (n.cordoned) return 'cordoned';
  return 'up';
}

/** A pod as the tracker keeps it: its view without the display state, and since when it is Ready. */
interface Pod extends Omit<PodView, 'state'> {
  readySinceS: number;
}

/** A node as the tracker keeps it: its view without the display state and pods. */
interface Node extends Omit<NodeView, 'state' | 'pods'> {
  /** When the control plane marked it Unknown (eviction order), or Infinity. */
  unknownSinceS: number;
}

interface Workload {
  name: string;
  desired: number | null;
  serving: number | null;
  running: number | null;
  /** Its pods not gone, oldest first (the Deployment's own list). */
  pods: Pod[];
}

interface Group {
  leader: string | null;
  members: Set<string>;
  assignments: Map<string, string>;
}

/** The record kinds the cluster view reads (the traffic increments, most of a trace, are skipped). */
const KINDS = new Set(['pod.created', 'pod.phase', 'pod.ready', 'pod.hung', 'node.state', 'workload.counts', 'fault', 'coordination', 'artifact.runner', 'processor.state']);
const RECENT_FAULTS = 5;

/**
 * Replays a trace's cluster records up to any time. `at(t)` moves forward from where it is
 * (cheap: only the records in between) or starts over for an earlier time; `version` changes
 * whenever the state does, so a view can skip redrawing an unchanged cluster.
 */
export class ClusterTracker {
  private readonly records: readonly TraceRecord[];
  /** Index of the next record to apply. */
  private next = 0;
  private pods!: Map<string, Pod>;
  private nodes!: Map<string, Node>;
  private nodeOrder!: string[];
  private workloads!: Map<string, Workload>;
  private groups!: Map<string, Group>;
  private runners!: Map<string, string[]>;
  private processors!: Map<string, { active: number; backlog: number }>;
  private faults!: FaultView[];
  private lastOutageS!: number | null;
  private lastSlownessS!: number | null;
  private databaseUsed!: boolean;
  private timeS = 0;
  /** Workloads changed by the event being applied (settled when the next event starts). */
  private touched = new Set<Workload>();
  private eventN = -1;
  /** Bumped whenever a record is applied. */
  version = 0;

  constructor(
    records: readonly TraceRecord[],
    private readonly nodeList: ReadonlyArray<{ name: string; zone: string | null }> = [],
  ) {
    this.records = records.filter((r) => KINDS.has(r.kind));
    for (const r of records) if ((r.kind === 'traffic.fluid' || r.kind === 'request.arrived') && typeof r['workload'] === 'string') this.withTraffic.add(r['workload']);
    this.reset();
  }

  /** Workloads that receive requests somewhere in the trace. */
  private readonly withTraffic = new Set<string>();

  private reset(): void {
    this.next = 0;
    this.pods = new Map();
    this.nodes = new Map();
    this.nodeOrder = [];
    this.workloads = new Map();
    this.groups = new Map();
    this.runners = new Map();
    this.processors = new Map();
    this.faults = [];
    this.lastOutageS = null;
    this.lastSlownessS = null;
    this.databaseUsed = false;
    this.touched = new Set();
    this.eventN = -1;
    this.timeS = 0;
    for (const n of this.nodeList) this.node(n.name, n.zone);
    this.version++;
  }

  /** The time of the state (the last `at`). */
  get t(): number {
    return this.timeS;
  }

  /** Moves to time t: every record at or before t applied. */
  advance(t: number): void {
    if (t < this.timeS) this.reset();
    this.timeS = t;
    const rs = this.records;
    let applied = false;
    while (this.next < rs.length && rs[this.next]!.t <= t) {
      this.apply(rs[this.next]!);
      this.next++;
      applied = true;
    }
    if (applied) {
      this.settle();
      this.version++;
    }
  }

  /** The state at t (see `advance`). */
  at(t: number): ClusterState {
    this.advance(t);
    return this.state();
  }

  /** Whether any record between the current time (exclusive) and t (inclusive) changes the state. */
  changesBy(t: number): boolean {
    return t < this.timeS || (this.next < this.records.length && this.records[this.next]!.t <= t);
  }

  /** The time of the next / previous cluster record after / before t (stepping through events). */
  nextEventAfter(t: number): number | null {
    const rs = this.records;
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rs[mid]!.t <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo < rs.length ? rs[lo]!.t : null;
  }

  previousEventBefore(t: number): number | null {
    const rs = this.records;
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rs[mid]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? rs[lo - 1]!.t : null;
  }

  private node(name: string, zone: string | null = null): Node {
    let n = this.nodes.get(name);
    if (n === undefined) {
      n = { name, zone, up: true, condition: 'Ready', cordoned: false, cut: false, unknownSinceS: Infinity };
      this.nodes.set(name, n);
      this.nodeOrder.push(name);
    }
    return n;
  }

  private workload(name: string): Workload {
    let w = this.workloads.get(name);
    if (w === undefined) {
      w = { name, desired: null, serving: null, running: null, pods: [] };
      this.workloads.set(name, w);
    }
    return w;
  }

  private group(workload: string): Group {
    let g = this.groups.get(workload);
    if (g === undefined) {
      g = { leader: null, members: new Set(), assignments: new Map() };
      this.groups.set(workload, g);
    }
    return g;
  }

  private apply(r: TraceRecord): void {
    if (r.n !== this.eventN) {
      this.settle();
      this.eventN = r.n;
    }
    switch (r.kind) {
      case 'pod.created': {
        const w = this.workload(String(r.workload));
        const revision = Number(r.revision);
        this.inferEviction(w, revision);
        const pod: Pod = { name: String(r.pod), workload: w.name, node: null, phase: 'Pending', ready: false, hung: false, deleted: false, createdS: r.t, revision, readySinceS: Infinity };
        this.pods.set(pod.name, pod);
        w.pods.push(pod);
        this.touched.add(w);
        break;
      }
      case 'pod.phase': {
        const pod = this.pods.get(String(r.pod));
        if (pod === undefined) break;
        pod.phase = String(r.to);
        if (typeof r.node === 'string') {
          pod.node = r.node;
          this.node(r.node);
        }
        if (pod.phase === 'Terminating') pod.deleted = true;
        if (pod.phase === 'Gone') {
          this.pods.delete(pod.name);
          const w = this.workload(pod.workload);
          w.pods.splice(w.pods.indexOf(pod), 1);
        }
        break;
      }
      case 'pod.ready': {
        const pod = this.pods.get(String(r.pod));
        if (pod === undefined) break;
        pod.ready = r.ready === true;
        pod.readySinceS = pod.ready ? r.t : Infinity;
        break;
      }
      case 'pod.hung': {
        const pod = this.pods.get(String(r.pod));
        if (pod !== undefined) pod.hung = r.hung === true;
        break;
      }
      case 'node.state': {
        const n = this.node(String(r.node));
        n.up = r.up === true;
        const condition = String(r.condition);
        if (condition === 'Unknown' && n.condition !== 'Unknown') n.unknownSinceS = r.t;
        if (condition !== 'Unknown') n.unknownSinceS = Infinity;
        n.condition = condition;
        n.cordoned = r.cordoned === true;
        n.cut = r.cut === true;
        break;
      }
      case 'workload.counts': {
        const w = this.workload(String(r.workload));
        w.desired = Number(r.desired);
        w.serving = Number(r.serving);
        w.running = Number(r.running);
        this.touched.add(w);
        break;
      }
      case 'fault': {
        const f = { t: r.t, type: String(r.type), target: String(r.target) };
        this.faults.push(f);
        if (this.faults.length > RECENT_FAULTS) this.faults.shift();
        if (f.type === 'coordination-db-outage' && f.target === 'coordination-db') this.lastOutageS = r.t;
        if (f.type === 'coordination-db-slowness' && f.target === 'coordination-db') this.lastSlownessS = r.t;
        break;
      }
      case 'coordination': {
        this.databaseUsed = true;
        const g = this.group(String(r.workload));
        const node = String(r.node);
        switch (r.event) {
          case 'joined':
          case 'rejoined':
            g.members.add(node);
            break;
          case 'elected':
            g.leader = node;
            g.members.add(node);
            break;
          case 'removed':
          case 'fenced':
          case 'self-removed':
            g.members.delete(node);
            if (g.leader === node) g.leader = null;
            for (const [task, owner] of g.assignments) if (owner === node) g.assignments.delete(task);
            break;
          case 'assigned':
            if (typeof r.task === 'string') g.assignments.set(r.task, node);
            break;
          case 'unassigned':
            if (typeof r.task === 'string' && g.assignments.get(r.task) === node) g.assignments.delete(r.task);
            break;
        }
        break;
      }
      case 'artifact.runner': {
        const name = String(r.artifact);
        const list = this.runners.get(name) ?? [];
        const pod = String(r.pod);
        this.runners.set(name, r.started === true ? [...list.filter((p) => p !== pod), pod] : list.filter((p) => p !== pod));
        if (r.coordinated === true) this.databaseUsed = true;
        break;
      }
      case 'processor.state':
        this.processors.set(String(r.artifact), { active: Number(r.active), backlog: Number(r.backlog) });
        break;
    }
  }

  /**
   * The Deployment creates a pod when fewer than `desired` of its pods are not being deleted. When
   * it creates one although enough are live (as far as the trace shows), some were deleted without
   * a record: the pods of a node the control plane lost (taint eviction). They are marked deleted,
   * those of the node lost first. (Not during a rollout, which surges above desired.)
   */
  private inferEviction(w: Workload, revision: number): void {
    if (w.desired === null) return;
    const live = w.pods.filter((p) => !p.deleted);
    if (live.length < w.desired || live.some((p) => p.revision !== revision)) return;
    const candidates = [...new Set(live.map((p) => (p.node === null ? undefined : this.nodes.get(p.node))))].filter((n): n is Node => n !== undefined && n.condition === 'Unknown');
    if (candidates.length === 0) return;
    candidates.sort((a, b) => a.unknownSinceS - b.unknownSinceS);
    const node = candidates[0]!.name;
    for (const p of this.pods.values()) if (p.node === node) p.deleted = true;
  }

  /**
   * After an event: a workload with more live pods than desired (outside a rollout) had some
   * deleted without a record (a scale-down picking a pod on a dead or cut-off node): marked in the
   * ReplicaSet's order as far as the trace tells (unscheduled, then not Ready, then the newest).
   */
  private settle(): void {
    for (const w of this.touched) {
      if (w.desired === null) continue;
      const live = w.pods.filter((p) => !p.deleted);
      if (live.length <= w.desired || new Set(live.map((p) => p.revision)).size > 1) continue;
      const ranked = [...live].sort((a, b) => (a.node === null ? 0 : 1) - (b.node === null ? 0 : 1) || Number(a.ready) - Number(b.ready) || b.createdS - a.createdS);
      for (const p of ranked.slice(0, live.length - w.desired)) p.deleted = true;
    }
    this.touched.clear();
  }

  /** The state now, as fresh plain data. */
  state(): ClusterState {
    const view = (p: Pod): PodView => ({
      name: p.name,
      workload: p.workload,
      node: p.node,
      phase: p.phase,
      ready: p.ready,
      hung: p.hung,
      deleted: p.deleted,
      createdS: p.createdS,
      revision: p.revision,
      state: podStateKey(p.phase, p.ready, p.hung),
    });
    const podsOn = new Map<string, PodView[]>();
    const unscheduled: PodView[] = [];
    for (const w of this.workloads.values()) {
      for (const p of w.pods) {
        const v = view(p);
        if (p.node === null) unscheduled.push(v);
        else {
          let list = podsOn.get(p.node);
          if (list === undefined) podsOn.set(p.node, (list = []));
          list.push(v);
        }
      }
    }
    for (const list of podsOn.values()) list.sort((a, b) => a.createdS - b.createdS);
    const zones: ZoneView[] = [];
    const byZone = new Map<string | null, ZoneView>();
    for (const name of this.nodeOrder) {
      const n = this.nodes.get(name)!;
      let z = byZone.get(n.zone);
      if (z === undefined) {
        z = { zone: n.zone, nodes: [] };
        byZone.set(n.zone, z);
        zones.push(z);
      }
      z.nodes.push({ name, zone: n.zone, up: n.up, condition: n.condition, cordoned: n.cordoned, cut: n.cut, state: nodeStateKey(n), pods: podsOn.get(name) ?? [] });
    }
    return {
      t: this.timeS,
      zones,
      unscheduled,
      workloads: [...this.workloads.values()].map((w) => ({
        name: w.name,
        desired: w.desired,
        serving: w.serving,
        running: w.running,
        endpoints: w.pods.filter((p) => p.ready).map((p) => p.name),
        traffic: this.withTraffic.has(w.name),
      })),
      coordination: [...this.groups.entries()].map(([workload, g]) => ({
        workload,
        leader: g.leader,
        members: [...g.members],
        assignments: [...g.assignments.entries()].map(([task, node]) => ({ task, node })).sort((a, b) => a.task.localeCompare(b.task)),
      })),
      artifacts: [...this.runners.entries()].map(([name, runners]) => {
        const p = this.processors.get(name);
        return p === undefined ? { name, runners: [...runners] } : { name, runners: [...runners], active: p.active, backlog: p.backlog };
      }),
      database: { present: this.databaseUsed, lastOutageS: this.lastOutageS, lastSlownessS: this.lastSlownessS },
      recentFaults: this.faults.map((f) => ({ ...f })),
    };
  }

  /**
   * The pod's index among its workload's live pods (not being deleted), oldest first, now: what a
   * scripted `pod-crash` names as `podIndex` (sim/model/faults/scripted.ts `livePod`). Null if the
   * pod is gone or being deleted.
   */
  livePodIndex(pod: string): number | null {
    const p = this.pods.get(pod);
    if (p === undefined || p.deleted) return null;
    const i = this.workload(p.workload).pods.filter((q) => !q.deleted).indexOf(p);
    return i < 0 ? null : i;
  }
}

/** The cluster at time t (every record at or before t applied). */
export function clusterAt(records: readonly TraceRecord[], t: number, nodes: ReadonlyArray<{ name: string; zone: string | null }> = []): ClusterState {
  return new ClusterTracker(records, nodes).at(t);
}
