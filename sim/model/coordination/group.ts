import type { Rng } from '../../engine/random.js';
import { NO_EVENT, type EventHandle } from '../../engine/simulation.js';
import type { CoordinationConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import type { Workload } from '../kube/types.js';
import { tickAtOrAfter, tickAtOrBefore, timeTolerance as tol } from '../kube/probes.js';
import type { Artifact, PodArtifacts } from '../artifacts/types.js';
import type { CoordinationDatabase } from './database.js';
import { freshResolverState, resolverCanAssign, resolveTask, type ResolverState } from './resolvers.js';

/**
 * The coordination cluster of one workload (its servers share WSO2_COORDINATION_DB), as MI 4.4
 * runs it (docs/model.md §9):
 * - each server, once started, heartbeats every H; a member is dead when its heartbeat is W = H R
 *   old. Only the leader sweeps dead members (at its own heartbeat); members elect a new leader
 *   when the leader's heartbeat is older than W (the winner sweeps in the same cycle).
 * - a sweep writes MEMBER_REMOVED; the first live server to read it (every E) un-assigns the dead
 *   node's tasks. The task scheduler runs every P on each server: the leader cleans the store
 *   every F-th run (un-assigns tasks of nodes not live) and assigns unassigned tasks through the
 *   resolver; each server starts the tasks assigned to it.
 * - 4.4: a failed or slow (> T_op) heartbeat query fences the server: it pauses its coordinated
 *   tasks, sleeps S = 2W, retries every S + T_op, and on success re-joins and un-assigns its own
 *   tasks. 4.3: it keeps its tasks; when its heartbeat works again and it finds it was removed, it
 *   stops them and re-joins.
 * - 4.4 duplicate-node check: a server whose node id (the pod name) has a heartbeat younger than W
 *   when it starts runs no tasks in that container.
 *
 * Nothing is ticked: heartbeats, polls and scheduler runs are phases (anchor + k period), and the
 * group schedules one event at the next moment something changes. A healthy, settled cluster
 * costs no events.
 */


/** docs/model.md §9.2; sources.md A2 "Joining when the DB is down at startup" (joinGroup retries every 5 s). */
const JOIN_RETRY_S = 5;

export interface Member {
  readonly id: string;
  readonly tasks: PodArtifacts;
  readonly joinS: number;
  hbAnchorS: number;
  evAnchorS: number;
  schedAnchorS: number;
  /** The last scheduler run processed (runs are never processed twice). */
  lastRunS: number;
  /** The last heartbeat tick checked against a slow database. */
  lastSlowCheckS: number;
  frozen: boolean;
  /** 4.4: fenced after a failed heartbeat (or joining while the database is down); attempts at retryS. */
  fenced: boolean;
  /** Not joined yet: joinGroup retries every 5 s until the database answers (docs/model.md §9.2). */
  joining: boolean;
  retryS: number;
  /** 4.4: the failed heartbeat cycle's tick, and when its query timed out (fencing then). */
  failTickS: number;
  fenceAtS: number;
  /** 4.3: heartbeats failing (the database is down); tasks keep running. */
  dbBlocked: boolean;
  /** Its row was swept while the process lived, and when. */
  removed: boolean;
  removedAtS: number;
  /** 4.3: its heartbeat write is stuck in a slow database until then (no timeout before 4.4). */
  stuckUntilS: number;
  gone: boolean;
  /** Leader state: run index of its first run as leader (cleaning cadence) and its resolver. */
  leader: { firstRunK: number; resolver: ResolverState } | null;
  /** 4.5+: a duplicate node gave up its node id's tasks when its container started (deleteTasks before the wait). */
  unassignedAtStart: boolean;
}

interface Row {
  readonly id: string;
  member: Member | null;
  /** The last heartbeat written (real time), when no beating member keeps it fresh. */
  beatS: number;
  /** How far the writer's clock was ahead when it wrote it (heartbeats carry the writer's clock). */
  skewS: number;
}

interface Task {
  readonly artifact: Artifact;
  destinedId: string | null;
}

/** What the runtime lets the group do to a pod's runners. */
export interface RunnerControl {
  run(tasks: PodArtifacts, artifact: Artifact, coordinated: boolean): void;
  stop(tasks: PodArtifacts, artifact: Artifact): void;
  /** 4.4: the duplicate-node check failed when the server got through to the database: its task service stops. */
  blocked(tasks: PodArtifacts): void;
}

/** `coordination`: something in a coordination cluster happened (for traces, tests and the visualiser). */
export interface CoordinationEvent {
  workload: string;
  kind: 'joined' | 'duplicate-node' | 'elected' | 'removed' | 'unassigned' | 'assigned' | 'fenced' | 'rejoined' | 'self-removed';
  node: string;
  task?: string;
}

type ActionKind = 'fail' | 'slow-check' | 'fence' | 'retry' | 'resume' | 'elect' | 'sweep' | 'unassign' | 'run' | 'reinsert';

export class CoordinationGroup {
  readonly H: number;
  readonly W: number;
  readonly E: number;
  readonly P: number;
  readonly F: number;
  readonly T_op: number;
  readonly S: number;
  /** 4.4 and later: fencing and the duplicate-node check. */
  readonly v44: boolean;
  /** 4.5 and 4.6: a duplicate node waits W and joins instead of running no tasks. */
  readonly waitOnDuplicate: boolean;
  readonly members: Member[] = [];
  readonly rows = new Map<string, Row>();
  leaderId: string | null = null;
  /** The coordinator heartbeat (LEADER_STATUS_TABLE) once the leader stopped writing it, and its writer's clock skew. */
  private leaderBeatS = -Infinity;
  private leaderSkewS = 0;
  readonly tasks: Task[];
  /** MEMBER_REMOVED events not read yet: when the first live server reads them, and for whom. */
  private readonly pendingUnassign: Array<{ atS: number; id: string }> = [];
  private timer: EventHandle = NO_EVENT;
  private timerAtS = NaN;
  private readonly rng: Rng;
  private readonly cfg: CoordinationConfig;

  constructor(
    private readonly c: Cluster,
    readonly workload: Workload,
    coordinated: readonly Artifact[],
    private readonly db: CoordinationDatabase,
    private readonly control: RunnerControl,
  ) {
    const cfg = (this.cfg = c.scenario.coordination);
    this.H = cfg.heartbeatInterval;
    this.W = cfg.heartbeatInterval * cfg.heartbeatMaxRetry;
    this.E = cfg.memberEventPollPeriod;
    this.P = cfg.resolvingPeriod;
    this.F = cfg.resolvingFrequency;
    // docs/model.md §9.6; sources.md A2 "Per-DB-operation timeout" (0.075 W) and "Sleep after a DB error" (2 W).
    this.T_op = 0.075 * this.W;
    this.S = 2 * this.W;
    this.v44 = cfg.miVersion !== '4.3';
    this.waitOnDuplicate = cfg.miVersion === '4.5' || cfg.miVersion === '4.6';
    this.tasks = coordinated.map((artifact) => ({ artifact, destinedId: null }));
    this.rng = c.streams.stream(`coordination/${workload.name}`);
    db.listeners.push(() => this.replan());
  }

  // ---- what the runtime tells the group ----

  /**
   * A server of this workload started (its container's MI is up). Returns the member, or null when
   * the 4.4 duplicate-node check stops it from joining (it then runs no tasks).
   */
  join(tasks: PodArtifacts): Member | null {
    const now = this.c.sim.nowS;
    const id = tasks.pod.name;
    const row = this.rows.get(id);
    const dbDown = !this.db.reachable(tasks.pod.node, now);
    const readerSkew = tasks.pod.node?.clockOffsetS ?? 0;
    const duplicate = this.v44 && !dbDown && row !== undefined && this.apparentAge(row, now, readerSkew) < this.W;
    if (duplicate) {
      this.emit('duplicate-node', id);
      if (!this.waitOnDuplicate) return null;
    }
    const waiting = dbDown || duplicate;
    const m: Member = {
      id,
      tasks,
      joinS: now,
      hbAnchorS: now,
      evAnchorS: now + this.rng() * this.E,
      schedAnchorS: now + this.rng() * this.P,
      lastRunS: -Infinity,
      lastSlowCheckS: -Infinity,
      frozen: false,
      fenced: waiting,
      joining: waiting,
      // 4.5: the heartbeat thread sleeps W before its first cycle.
      retryS: duplicate ? now + this.W : dbDown ? now + JOIN_RETRY_S : NaN,
      failTickS: NaN,
      fenceAtS: NaN,
      dbBlocked: false,
      removed: false,
      removedAtS: -Infinity,
      stuckUntilS: -Infinity,
      gone: false,
      leader: null,
      unassignedAtStart: duplicate,
    };
    this.members.push(m);
    // 4.5+: the server deletes its node id's tasks at start, before it waits W; what the leader
    // assigns to that id during the wait (the id still looks live) stays for it.
    if (duplicate) this.unassignOnJoin(id);
    if (!waiting) {
      if (row !== undefined) row.member = m;
      else this.rows.set(id, { id, member: m, beatS: now, skewS: 0 });
      // A fresh server owns nothing: what an earlier container of this node id held is re-resolved.
      this.unassignOnJoin(id);
      this.emit('joined', id);
    }
    this.replan();
    return m;
  }

  /** The server's JVM froze (pause or hang): no heartbeats, polls or scheduler runs. */
  frozen(m: Member): void {
    if (m.frozen || m.gone) return;
    this.stopBeating(m);
    m.frozen = true;
    this.replan();
  }

  /** The JVM resumed: its heartbeat cycle and scheduler, both overdue, run at once. */
  unfrozen(m: Member): void {
    if (!m.frozen || m.gone) return;
    m.frozen = false;
    // Another server took over as leader meanwhile: this one finds the coordinator row is not its own.
    if (m.leader !== null && this.leaderId !== m.id) m.leader = null;
    const now = this.c.sim.nowS;
    if (!m.fenced && !m.dbBlocked) this.resumeBeating(m, now);
    this.replan();
  }

  /** The server's container stopped. */
  gone(m: Member): void {
    if (m.gone) return;
    this.stopBeating(m);
    m.gone = true;
    m.leader = null;
    m.frozen = false;
    const row = this.rows.get(m.id);
    if (row?.member === m) row.member = null;
    this.members.splice(this.members.indexOf(m), 1);
    this.replan();
  }

  // ---- state ----

  private beating(m: Member): boolean {
    return !m.gone && !m.frozen && !m.fenced && !m.dbBlocked;
  }

  /** 4.4: its heartbeat query failed; it fences itself when the call's timeout (T_op) expires. */
  private fencing(m: Member): boolean {
    return !Number.isNaN(m.fenceAtS);
  }

  /** How far the member's node clock is ahead of real time. */
  private skewOf(m: Member): number {
    return m.tasks.pod.node?.clockOffsetS ?? 0;
  }

  /** The clock skew the row's heartbeat carries. */
  private rowSkew(row: Row): number {
    const m = row.member;
    return m !== null && this.beating(m) ? this.skewOf(m) : row.skewS;
  }

  /** The heartbeat's age as a reader whose clock is `readerSkewS` ahead sees it at t. */
  private apparentAge(row: Row, t: number, readerSkewS: number): number {
    return t + readerSkewS - (this.rowBeat(row, t) + this.rowSkew(row));
  }

  /** The last heartbeat a row holds at time t. */
  rowBeat(row: Row, t: number): number {
    const m = row.member;
    if (m !== null && this.beating(m)) return Math.max(m.hbAnchorS, tickAtOrBefore(m.hbAnchorS, this.H, t));
    return row.beatS;
  }

  /** Live as the leader (whose clock is `readerSkewS` ahead) judges it: heartbeat younger than W. */
  private rowLive(row: Row, t: number, readerSkewS: number): boolean {
    return this.apparentAge(row, t, readerSkewS) < this.W - tol(t);
  }

  /** Live node ids at t as `reader` judges them, in the order the database lists them (join order). */
  private liveIds(t: number, reader: Member): string[] {
    const ids: string[] = [];
    const skew = this.skewOf(reader);
    for (const row of this.rows.values()) if (this.rowLive(row, t, skew)) ids.push(row.id);
    return ids;
  }

  private stopBeating(m: Member): void {
    if (this.beating(m)) this.lastHeartbeatIs(m, this.heartbeatOf(m));
  }

  /** Its heartbeats stop: the one at `lastS` (with its clock) is what the others read from now on. */
  private lastHeartbeatIs(m: Member, lastS: number): void {
    if (m === this.leaderMember()) {
      this.leaderBeatS = lastS;
      this.leaderSkewS = this.skewOf(m);
    }
    const row = this.rows.get(m.id);
    if (row?.member === m) {
      row.beatS = lastS;
      row.skewS = this.skewOf(m);
    }
  }

  /** Heartbeats (and polls and scheduler runs) start again now; a removed row is written anew. */
  private resumeBeating(m: Member, now: number): void {
    // The event poll and the scheduler run with a fixed delay: their phase drifts away from the
    // heartbeat's, so it is drawn uniformly (their first run is at most one period away).
    m.hbAnchorS = now;
    m.evAnchorS = now + this.rng() * this.E;
    m.schedAnchorS = now + this.rng() * this.P;
    m.lastRunS = -Infinity;
    let row = this.rows.get(m.id);
    if (row === undefined) this.rows.set(m.id, (row = { id: m.id, member: m, beatS: now, skewS: 0 }));
    row.member = m;
    m.removed = false;
  }

  /**
   * A server that (re)joins gives up what its node id held, now: a removal of that id read later
   * (queued by an earlier sweep) is then stale and must not take the tasks it is given from now on.
   */
  private unassignOnJoin(id: string): void {
    const pending = this.pendingUnassign;
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.id === id) pending.splice(i, 1);
    this.unassignOf(id);
  }

  private unassignOf(id: string): void {
    for (const t of this.tasks) {
      if (t.destinedId === id) {
        t.destinedId = null;
        this.emit('unassigned', id, t.artifact.name);
      }
    }
  }

  /** The server acting as leader (it may be frozen), if any. */
  private leaderMember(): Member | null {
    if (this.leaderId === null) return null;
    for (const m of this.members) if (m.id === this.leaderId && m.leader !== null) return m;
    return null;
  }

  /** The member's last heartbeat now (valid while it beats). */
  private heartbeatOf(m: Member): number {
    const row = this.rows.get(m.id);
    return row !== undefined && row.member === m ? this.rowBeat(row, this.c.sim.nowS) : tickAtOrBefore(m.hbAnchorS, this.H, this.c.sim.nowS);
  }

  private dbUp(t: number): boolean {
    return !this.db.isDown(t);
  }

  /** Whether the member's server reaches the database at t (outages, its node's cut). */
  private reaches(m: Member, t: number): boolean {
    return this.db.reachable(m.tasks.pod.node, t);
  }

  /** When the member's server reaches the database again (now if it does). */
  private upAtFor(m: Member, now: number): number {
    return Math.max(this.db.reachableFrom(m.tasks.pod.node, now), m.stuckUntilS);
  }

  // ---- planning: the next moment something happens ----

  private replan(at = this.plan(this.c.sim.nowS)): void {
    if (at === this.timerAtS) return;
    this.c.sim.cancel(this.timer);
    this.timer = NO_EVENT;
    this.timerAtS = at;
    if (at < Infinity) this.timer = this.c.sim.scheduleAt(Math.max(at, this.c.sim.nowS), onGroupTimer, this);
  }

  /** Runs every action due now, then plans the next one. */
  fire(): void {
    this.timer = NO_EVENT;
    this.timerAtS = NaN;
    const now = this.c.sim.nowS;
    let at = this.plan(now);
    let steps = 0;
    for (; steps < 10000 && at <= now + tol(now); steps++) {
      this.apply(this.bestKind, this.bestMember!, now);
      at = this.plan(now);
    }
    // Every action applied is a unit of work against the replication's event limit.
    this.c.sim.chargeWork(steps);
    this.replan(at);
  }

  // The earliest pending action, found by `plan` (kept in fields: planning allocates nothing).
  private bestT = Infinity;
  private bestKind: ActionKind = 'run';
  private bestMember: Member | null = null;

  private offer(t: number, kind: ActionKind, m: Member | null, now: number): void {
    // NaN never wins; ties go to the first offered (the order below, members in join order).
    if (t < Infinity && (this.bestT === Infinity || t < this.bestT - tol(t))) {
      this.bestT = Math.max(t, now);
      this.bestKind = kind;
      this.bestMember = m;
    }
  }

  /** Finds the earliest pending action; returns its time (Infinity: none). */
  private plan(now: number): number {
    this.bestT = Infinity;
    this.bestMember = null;
    const db = this.db;
    const leader = this.leaderMember();
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (m.gone || m.frozen) continue;
      if (m.fenced) {
        this.offer(m.retryS, 'retry', m, now);
        continue;
      }
      if (!Number.isNaN(m.fenceAtS)) {
        this.offer(m.fenceAtS, 'fence', m, now);
        continue;
      }
      if (m.dbBlocked) {
        // 4.3: the first heartbeat once the database answers again.
        this.offer(tickAtOrAfter(m.hbAnchorS, this.H, this.upAtFor(m, now)), 'resume', m, now);
        continue;
      }
      // A heartbeat cycle that meets a database it cannot reach (an outage, its node cut off).
      const cut = db.unreachableWindow(m.tasks.pod.node, now);
      if (cut !== null) {
        const t = tickAtOrAfter(m.hbAnchorS, this.H, Math.max(now, cut.from));
        if (t < cut.until) this.offer(t, 'fail', m, now);
      }
      // 4.4: a heartbeat cycle that meets a slow database may time out.
      // 4.4: a query over the budget fails the cycle. 4.3: no timeout; a write stuck long enough
      // (W - H) lets the others find the heartbeat W old. (A slowness whose queries can never do
      // that plans nothing: no events.)
      const harmless = this.v44 ? this.T_op : this.W - this.H;
      if (db.slowUntilS > now && !(db.slowQueryMaxS < harmless + (this.v44 ? tol(now) : 0))) {
        const t = tickAtOrAfter(m.hbAnchorS, this.H, Math.max(now, db.slowFromS, after(m.lastSlowCheckS)));
        if (t < db.slowUntilS) this.offer(t, 'slow-check', m, now);
      }
    }
    const downNow = !this.dbUp(now);
    const upAt = downNow ? this.db.downUntilS : now;
    // Elections: a beating member whose heartbeat cycle finds the leader's heartbeat older than W
    // (by its own clock: a clock ahead of the leader's sees it older).
    const leaderBeating = leader !== null && this.beating(leader);
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      // (One whose heartbeat just failed does nothing more before it fences itself.)
      if (!this.beating(m) || m === leader || this.fencing(m)) continue;
      const from = this.upAtFor(m, now);
      if (!leaderBeating) {
        // Stale when t + skew(m) - (beat + skew(writer)) > W.
        const staleFrom = this.leaderId === null ? -Infinity : after(this.leaderBeatS + this.leaderSkewS - this.skewOf(m) + this.W);
        this.offer(tickAtOrAfter(m.hbAnchorS, this.H, Math.max(from, staleFrom)), 'elect', m, now);
      } else if (this.skewOf(m) - this.skewOf(leader!) > this.W - this.H) {
        // A live leader looks dead only to a clock far enough ahead, at the cycles where the
        // leader's last beat is old enough (the two heartbeats have one period: a fixed phase).
        const t = tickAtOrAfter(m.hbAnchorS, this.H, from);
        const age = t - tickAtOrBefore(leader!.hbAnchorS, this.H, t) + this.skewOf(m) - this.skewOf(leader!);
        if (age > this.W + tol(t)) this.offer(t, 'elect', m, now);
      }
      // A beating server whose row was swept writes it again at its next heartbeat (MEMBER_ADDED).
      if (!this.rows.has(m.id)) this.offer(tickAtOrAfter(m.hbAnchorS, this.H, Math.max(from, after(m.removedAtS))), 'reinsert', m, now);
    }
    // Sweeps: the leader's heartbeat cycle that finds a member's heartbeat W old (by its clock).
    if (leaderBeating && !this.fencing(leader!)) {
      const from = this.upAtFor(leader!, now);
      const skewL = this.skewOf(leader!);
      for (const row of this.rows.values()) {
        if (row.id === leader!.id) continue;
        if (row.member !== null && this.beating(row.member)) {
          // Only a skewed clock makes a live member look dead: at a fixed phase of the two heartbeats.
          const lag = skewL - this.skewOf(row.member);
          if (lag <= this.W - this.H) continue;
          const t = tickAtOrAfter(leader!.hbAnchorS, this.H, from);
          if (this.apparentAge(row, t, skewL) >= this.W - tol(t)) this.offer(t, 'sweep', leader, now);
          continue;
        }
        this.offer(tickAtOrAfter(leader!.hbAnchorS, this.H, Math.max(from, row.beatS + row.skewS - skewL + this.W)), 'sweep', leader, now);
      }
    }
    const pending = this.pendingUnassign;
    for (let i = 0; i < pending.length; i++) this.offer(Math.max(pending[i]!.atS, upAt), 'unassign', null, now);
    // Scheduler runs with work: starting tasks assigned to the server; on the leader, cleaning and resolving.
    const tasks = this.tasks;
    let unassigned = false;
    for (let j = 0; j < tasks.length; j++) if (tasks[j]!.destinedId === null) unassigned = true;
    const canResolve = unassigned && !downNow && leader !== null && resolverCanAssign(this.cfg.resolver, this.liveIds(now, leader));
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (!this.beating(m) || this.fencing(m)) continue;
      const isLeader = m === leader;
      let work = isLeader && canResolve;
      for (let j = 0; j < tasks.length && !work; j++) {
        const t = tasks[j]!;
        if (t.destinedId === m.id && !m.tasks.active.has(t.artifact.index)) work = true;
      }
      const from = Math.max(this.upAtFor(m, now), after(m.lastRunS));
      if (work) this.offer(tickAtOrAfter(m.schedAnchorS, this.P, from), 'run', m, now);
      else if (isLeader) {
        // The cleaner: the first cleaning run after some assigned task's node stops being live.
        let notLiveFrom = Infinity;
        for (let j = 0; j < tasks.length; j++) {
          const id = tasks[j]!.destinedId;
          if (id === null) continue;
          const row = this.rows.get(id);
          const until =
            row === undefined ? -Infinity : row.member !== null && this.beating(row.member) ? Infinity : row.beatS + row.skewS - this.skewOf(m) + this.W;
          if (until < notLiveFrom) notLiveFrom = until;
        }
        if (notLiveFrom < Infinity) this.offer(this.cleanerRunAtOrAfter(m, Math.max(from, notLiveFrom)), 'run', m, now);
      }
    }
    return this.bestT;
  }

  /** The first of the leader's cleaning runs (every F-th since it became leader) at or after t. */
  private cleanerRunAtOrAfter(m: Member, t: number): number {
    const k = Math.ceil((t - m.schedAnchorS - tol(t)) / this.P);
    const k0 = m.leader!.firstRunK;
    const j = Math.max(0, k - k0);
    const jc = Math.ceil(j / this.F) * this.F;
    return m.schedAnchorS + (k0 + jc) * this.P;
  }

  // ---- actions ----

  private apply(kind: ActionKind, m: Member, now: number): void {
    switch (kind) {
      case 'fail':
        return this.heartbeatFailed(m, now);
      case 'slow-check': {
        m.lastSlowCheckS = now;
        if (!this.v44) {
          // 4.3: the heartbeat write takes as long as the query; the server runs on meanwhile.
          const q = this.db.slowQuery!.sample(this.rng);
          if (q < this.W - this.H) return;
          m.stuckUntilS = now + q;
          return this.heartbeatFailed(m, now);
        }
        // A member's cycle makes two queries, the leader's four; any over T_op fails it.
        const queries = m === this.leaderMember() ? 4 : 2;
        for (let i = 0; i < queries; i++) {
          if (this.db.slowQuery!.sample(this.rng) > this.T_op) return this.heartbeatFailed(m, now);
        }
        return;
      }
      case 'fence':
        return this.fence(m, now);
      case 'retry':
        return this.retry(m, now);
      case 'resume':
        return this.resume43(m, now);
      case 'elect':
        return this.elect(m, now);
      case 'sweep':
        return this.sweep(m, now);
      case 'unassign': {
        const pending = this.pendingUnassign;
        for (let i = pending.length - 1; i >= 0; i--) {
          const p = pending[i]!;
          if (p.atS > now + tol(now)) continue;
          pending.splice(i, 1);
          this.unassignOf(p.id);
        }
        return;
      }
      case 'run':
        return this.schedulerRun(m, now);
      case 'reinsert': {
        // Its heartbeat finds no row and inserts one: a member again (its tasks were re-resolved meanwhile).
        this.rows.set(m.id, { id: m.id, member: m, beatS: now, skewS: this.skewOf(m) });
        m.removed = false;
        this.emit('joined', m.id);
        return;
      }
    }
  }

  /** A heartbeat cycle's query failed or timed out (at tick `now`). */
  private heartbeatFailed(m: Member, now: number): void {
    if (this.v44) {
      m.failTickS = now;
      m.fenceAtS = now + this.T_op;
    } else {
      // 4.3: the heartbeat is not written; the server keeps its tasks and tries again each cycle.
      this.lastHeartbeatIs(m, Math.max(m.hbAnchorS, now - this.H));
      m.leader = null;
      m.dbBlocked = true;
    }
  }

  /** 4.4: the server marks itself unresponsive: pauses its coordinated tasks and sleeps 2W. */
  private fence(m: Member, now: number): void {
    this.lastHeartbeatIs(m, Math.max(m.hbAnchorS, m.failTickS - this.H));
    m.leader = null;
    m.fenceAtS = NaN;
    m.fenced = true;
    m.retryS = now + this.S;
    for (const t of this.tasks) if (m.tasks.active.has(t.artifact.index)) this.control.stop(m.tasks, t.artifact);
    // It tries to un-assign its own tasks; that works only if the database answers at all.
    if (this.reaches(m, now)) this.unassignOf(m.id);
    this.emit('fenced', m.id);
  }

  /** 4.4: a heartbeat attempt after the sleep: re-join if the database answers in time. */
  private retry(m: Member, now: number): void {
    let ok = this.reaches(m, now);
    if (ok && this.db.isSlow(now)) {
      for (let i = 0; i < 2 && ok; i++) ok = this.db.slowQuery!.sample(this.rng) <= this.T_op;
    }
    if (!ok) {
      m.retryS = now + (m.joining ? JOIN_RETRY_S : this.T_op + this.S);
      return;
    }
    // A server that started while the database was down meets the duplicate-node check now.
    const row = this.rows.get(m.id);
    if (m.joining && this.v44 && row !== undefined && row.member !== m && this.apparentAge(row, now, this.skewOf(m)) < this.W) {
      this.emit('duplicate-node', m.id);
      if (this.waitOnDuplicate) {
        m.retryS = now + this.W; // 4.5: waits W, then joins
        return;
      }
      m.retryS = NaN;
      this.gone(m);
      this.control.blocked(m.tasks);
      return;
    }
    m.fenced = false;
    m.retryS = NaN;
    m.lastSlowCheckS = now;
    this.resumeBeating(m, now);
    if (!m.unassignedAtStart) this.unassignOnJoin(m.id);
    m.unassignedAtStart = false;
    this.emit(m.joining ? 'joined' : 'rejoined', m.id);
    m.joining = false;
  }

  /** 4.3: the heartbeat works again; a server that finds itself removed stops its tasks and re-joins. */
  private resume43(m: Member, now: number): void {
    m.dbBlocked = false;
    const wasRemoved = m.removed || !this.rows.has(m.id);
    // The heartbeat loop, the event poll and the scheduler kept their rhythm through the outage.
    const { hbAnchorS, evAnchorS, schedAnchorS, lastRunS } = m;
    this.resumeBeating(m, now);
    Object.assign(m, { hbAnchorS, evAnchorS, schedAnchorS, lastRunS });
    if (wasRemoved) {
      for (const t of this.tasks) if (m.tasks.active.has(t.artifact.index)) this.control.stop(m.tasks, t.artifact);
      // It gives up what it held, now (a removal of it read later would take what it is given since).
      this.unassignOnJoin(m.id);
      this.emit('self-removed', m.id);
    }
  }

  private elect(m: Member, now: number): void {
    this.leaderId = m.id;
    const k = Math.ceil((now - m.schedAnchorS - tol(now)) / this.P);
    m.leader = { firstRunK: Math.max(0, k), resolver: freshResolverState() };
    for (const other of this.members) if (other !== m) other.leader = null;
    this.emit('elected', m.id);
    this.sweep(m, now);
  }

  /** The leader removes every member whose heartbeat is W old and writes MEMBER_REMOVED. */
  private sweep(leader: Member, now: number): void {
    const removed: string[] = [];
    for (const row of [...this.rows.values()]) {
      if (row.id === leader.id || this.rowLive(row, now, this.skewOf(leader))) continue;
      this.rows.delete(row.id);
      if (row.member !== null) {
        row.member.removed = true;
        row.member.removedAtS = now;
      }
      removed.push(row.id);
      this.emit('removed', row.id);
    }
    if (removed.length === 0) return;
    // Every live server reads the event at its next poll; the first one un-assigns (idempotent).
    let readS = Infinity;
    for (const m of this.members) if (this.beating(m)) readS = Math.min(readS, tickAtOrAfter(m.evAnchorS, this.E, after(now)));
    for (const id of removed) this.pendingUnassign.push({ atS: readS, id });
  }

  /** One run of a server's task scheduler. */
  private schedulerRun(m: Member, now: number): void {
    m.lastRunS = now;
    if (m === this.leaderMember()) {
      const k = Math.round((now - m.schedAnchorS) / this.P);
      if ((k - m.leader!.firstRunK) % this.F === 0) {
        // TaskStoreCleaner: un-assign tasks whose node is not live.
        for (const t of this.tasks) {
          if (t.destinedId === null) continue;
          const row = this.rows.get(t.destinedId);
          if (row === undefined || !this.rowLive(row, now, this.skewOf(m))) {
            this.emit('unassigned', t.destinedId, t.artifact.name);
            t.destinedId = null;
          }
        }
      }
      const live = this.liveIds(now, m);
      for (const t of this.tasks) {
        if (t.destinedId !== null) continue;
        const target = resolveTask(this.cfg.resolver, m.leader!.resolver, live, this.rng);
        if (target === null) break;
        t.destinedId = target;
        this.emit('assigned', target, t.artifact.name);
      }
    }
    for (const t of this.tasks) {
      if (t.destinedId === m.id && !m.tasks.active.has(t.artifact.index)) this.control.run(m.tasks, t.artifact, true);
    }
  }

  private emit(kind: CoordinationEvent['kind'], node: string, task?: string): void {
    const ch = this.c.out.coordination;
    if (ch.active) ch.emit({ workload: this.workload.name, kind, node, task });
  }
}

function onGroupTimer(g: CoordinationGroup): void {
  g.fire();
}

/** The earliest time strictly (beyond rounding) after t. */
function after(t: number): number {
  return Number.isFinite(t) ? t + 2 * tol(t) : t;
}
