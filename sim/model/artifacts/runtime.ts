import type { ArtifactConfig } from '../../scenario/types.js';
import type { Cluster } from '../kube/cluster.js';
import type { Pod } from '../kube/types.js';
import { CoordinationDatabase } from '../coordination/database.js';
import { CoordinationGroup, type Member, type RunnerControl } from '../coordination/group.js';
import { makeDistribution, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/random.js';
import { scheduleOf } from './schedule.js';
import { ProcessorModel } from './processor.js';
import { InboundModel } from './inbound.js';
import type { Artifact, PodArtifacts, Runner } from './types.js';

/** What the Kubernetes model tells the artifacts about pods. */
export interface ArtifactHooks {
  /** The pod's phase or hang changed. */
  podChanged(pod: Pod): void;
}

/**
 * Who runs each stateful artifact. A pod's server can run artifacts while its container runs and
 * answers (phase Running, not hung: readiness does not gate tasks, docs/model.md §10.1). On a
 * workload without coordination, or for an artifact with `coordination: false`, every such server
 * runs it; pinned artifacts run on the servers named; coordinated artifacts run where the
 * workload's coordination cluster assigns them. A frozen JVM (pause, hang) suspends its runners
 * and resumes them, trigger phases intact, if it comes back.
 *
 * Operator state (docs/model.md §10.5): an operator deactivates or activates a message processor or
 * inbound endpoint; the servers running it (frozen ones included) apply it at once and keep it in
 * their registry. A server that starts running it later (a restarted container, a new pod, a
 * takeover) reads its registry: a shared one holds the operator's state; a local one (each
 * container's own files) holds only what that container applied itself, else the artifact runs as
 * deployed, active.
 */
export class ArtifactRuntime implements ArtifactHooks, RunnerControl {
  readonly artifacts: Artifact[] = [];
  readonly database: CoordinationDatabase;
  /** Per workload index: its coordination cluster (null without coordination) and local artifacts. */
  readonly groups: Array<CoordinationGroup | null>;
  private readonly local: Artifact[][];
  private readonly pods = new Map<Pod, PodArtifacts>();
  private readonly members = new Map<PodArtifacts, Member>();
  /** Per artifact index: its flow model (message processors, inbound endpoints; null for tasks). */
  readonly flows: Array<ProcessorModel | InboundModel | null> = [];

  constructor(private readonly c: Cluster) {
    this.database = new CoordinationDatabase(c);
    const byName = new Map<string, Artifact>();
    const artifactOf = (config: ArtifactConfig): Artifact => {
      let a = byName.get(config.name);
      if (a === undefined) {
        a = { index: this.artifacts.length, name: config.name, config, schedule: config.kind === 'scheduled-task' ? scheduleOf(config) : null, runners: [] };
        byName.set(config.name, a);
        this.artifacts.push(a);
        this.flows.push(config.kind === 'message-processor' ? new ProcessorModel(c, a) : config.kind === 'inbound-endpoint' ? new InboundModel(c, a) : null);
      }
      return a;
    };
    this.local = [];
    this.groups = c.workloads.map((w) => {
      const local: Artifact[] = [];
      const coordinated: Artifact[] = [];
      for (const config of w.config.artifacts) {
        const a = artifactOf(config);
        if (w.config.coordination && config.coordination && config.pinnedServers.length === 0) coordinated.push(a);
        else local.push(a);
      }
      this.local.push(local);
      return w.config.coordination ? new CoordinationGroup(c, w, coordinated, this.database, this) : null;
    });
  }

  /** True when some workload has artifacts or coordination (otherwise the runtime is not needed). */
  static needed(c: Cluster): boolean {
    return c.workloads.some((w) => w.config.artifacts.length > 0 || w.config.coordination);
  }

  start(): void {
    this.database.start();
    for (const f of this.flows) if (f instanceof ProcessorModel) f.start();
    for (const a of this.artifacts) {
      const cfg = a.config;
      if ((cfg.kind === 'message-processor' || cfg.kind === 'inbound-endpoint') && cfg.maintenance) {
        const m: Maintenance = {
          rt: this,
          artifact: a,
          timeBetween: makeDistribution(cfg.maintenance.timeBetween),
          duration: makeDistribution(cfg.maintenance.duration),
          rng: this.c.streams.stream(`artifact/${a.name}/maintenance`),
        };
        this.c.sim.schedule(m.timeBetween.sample(m.rng), onMaintenance, m);
      }
    }
  }

  /**
   * The operator sets an artifact's state (Management API or ICP): every server running it now
   * applies it and keeps it in its registry. False when it is not a message processor or inbound
   * endpoint.
   */
  setOperatorState(name: string, active: boolean): boolean {
    const a = this.artifacts.find((x) => x.name === name);
    const flow = a === undefined ? null : this.flows[a.index]!;
    if (a === undefined || flow === null) return false;
    for (const st of this.pods.values()) {
      if (st.active.has(a.index) || (st.frozen !== null && st.frozen.some((r) => r.artifact === a))) st.registry.set(a.index, active);
    }
    flow.operatorSet(active);
    const ch = this.c.out.artifactOperator;
    if (ch.active) ch.emit({ artifact: a, active });
    return true;
  }

  /** The state a server starting the artifact runs it in: the operator's with a shared registry; else what its own container applied, or as deployed (active). */
  private startsActive(st: PodArtifacts, a: Artifact): boolean {
    const flow = this.flows[a.index];
    if (!flow) return true;
    if (st.pod.workload.config.registry === 'shared') return flow.intendedActive;
    return st.registry.get(a.index) ?? true;
  }

  get cluster(): Cluster {
    return this.c;
  }

  /** Brings the flows of message processors and inbound endpoints up to now (the metrics integrate them). */
  flush(): void {
    for (const f of this.flows) f?.flush();
  }

  processorNamed(name: string): ProcessorModel | null {
    const a = this.artifacts.find((x) => x.name === name);
    const f = a === undefined ? null : this.flows[a.index]!;
    return f instanceof ProcessorModel ? f : null;
  }

  podChanged(pod: Pod): void {
    const runs = pod.phase === 'Running' && !pod.hung;
    let st = this.pods.get(pod);
    if (runs) {
      if (st !== undefined && st.containerStartS !== pod.containerStartS) {
        this.containerStopped(st);
        st = undefined;
      }
      if (st === undefined) this.containerStarted(pod);
      else if (st.frozen !== null) this.unfreeze(st);
      return;
    }
    if (st === undefined) return;
    if (pod.phase === 'Running' && pod.hung && st.containerStartS === pod.containerStartS) this.freeze(st);
    else this.containerStopped(st);
  }

  private containerStarted(pod: Pod): void {
    const st: PodArtifacts = { pod, containerStartS: pod.containerStartS, registered: new Map(), active: new Map(), frozen: null, blocked: false, registry: new Map() };
    this.pods.set(pod, st);
    const w = pod.workload;
    const group = this.groups[w.index];
    if (group) {
      const m = group.join(st);
      if (m === null) st.blocked = true;
      else this.members.set(st, m);
    }
    for (const a of this.local[w.index]!) {
      // The duplicate-node check stops the task service: only inbound endpoints without
      // coordination, local threads outside it (docs/model.md §9.7, §10.4), still run.
      if (st.blocked && !outsideTaskService(a)) continue;
      const pinned = a.config.pinnedServers;
      if (pinned.length === 0 || pinned.includes(pod.name)) this.run(st, a, false);
    }
  }

  /** 4.4: the duplicate-node check failed after the server started: its task service stops. */
  blocked(st: PodArtifacts): void {
    st.blocked = true;
    this.members.delete(st);
    for (const r of [...st.active.values()]) if (!outsideTaskService(r.artifact)) this.stop(st, r.artifact);
  }

  private freeze(st: PodArtifacts): void {
    if (st.frozen !== null) return;
    const suspended = [...st.active.values()];
    for (const r of suspended) this.stop(st, r.artifact, 'paused');
    st.frozen = suspended;
    const m = this.members.get(st);
    if (m) this.groupOf(st).frozen(m);
  }

  private unfreeze(st: PodArtifacts): void {
    const suspended = st.frozen ?? [];
    st.frozen = null;
    // Quartz keeps the triggers through the pause: every runner it had resumes, assigned or not.
    for (const r of suspended) this.run(st, r.artifact, r.coordinated, true);
    const m = this.members.get(st);
    if (m) this.groupOf(st).unfrozen(m);
  }

  private containerStopped(st: PodArtifacts): void {
    // A terminating server closes its consumers; a crashed or lost one leaves them to the broker.
    const how = st.pod.phase !== 'Terminating' ? 'died' : 'stopped';
    for (const r of [...st.active.values()]) this.stop(st, r.artifact, how);
    // Consumers frozen in a JVM pause end with their container (the pause already stopped their
    // runners); a frozen JVM closes nothing, even when its pod is being deleted.
    for (const r of st.frozen ?? []) this.flows[r.artifact.index]?.runnerChanged(r, 'died');
    st.frozen = null;
    this.pods.delete(st.pod);
    const m = this.members.get(st);
    if (m) {
      this.members.delete(st);
      this.groupOf(st).gone(m);
    }
  }

  private groupOf(st: PodArtifacts): CoordinationGroup {
    return this.groups[st.pod.workload.index]!;
  }

  /** Starts (or, `resumed`, resumes after a JVM pause, keeping its trigger) the artifact on the pod's server. */
  run(st: PodArtifacts, artifact: Artifact, coordinated: boolean, resumed = false): void {
    if (st.active.has(artifact.index) || (st.blocked && coordinated)) return;
    const now = this.c.sim.nowS;
    const anchorS = st.registered.get(artifact.index) ?? now;
    st.registered.set(artifact.index, anchorS);
    const runner: Runner = { artifact, pod: st.pod, anchorS, sinceS: now, coordinated };
    st.active.set(artifact.index, runner);
    artifact.runners.push(runner);
    this.flows[artifact.index]?.runnerChanged(runner, resumed ? 'resumed' : 'started', this.startsActive(st, artifact));
    const ch = this.c.out.artifactRunner;
    if (ch.active) ch.emit({ runner, started: true });
  }

  /**
   * Stops (pauses) the artifact on the pod's server; its trigger stays registered. `how`: stopped
   * cleanly, died without closing its connections, or frozen in a JVM pause (see RunnerTransition).
   */
  stop(st: PodArtifacts, artifact: Artifact, how: 'stopped' | 'died' | 'paused' = 'stopped'): void {
    const runner = st.active.get(artifact.index);
    if (runner === undefined) return;
    st.active.delete(artifact.index);
    artifact.runners.splice(artifact.runners.indexOf(runner), 1);
    this.flows[artifact.index]?.runnerChanged(runner, how);
    const ch = this.c.out.artifactRunner;
    if (ch.active) ch.emit({ runner, started: false });
  }
}

/** Stochastic operator maintenance of one artifact: deactivated after timeBetween, activated again after duration. */
interface Maintenance {
  rt: ArtifactRuntime;
  artifact: Artifact;
  timeBetween: Distribution;
  duration: Distribution;
  rng: Rng;
}

function onMaintenance(m: Maintenance): void {
  const c = m.rt.cluster;
  m.rt.setOperatorState(m.artifact.name, false);
  if (c.out.fault.active) c.out.fault.emit({ type: 'operator-state', target: `${m.artifact.name}: inactive (maintenance)` });
  c.sim.schedule(m.duration.sample(m.rng), onMaintenanceEnd, m);
}

function onMaintenanceEnd(m: Maintenance): void {
  const c = m.rt.cluster;
  m.rt.setOperatorState(m.artifact.name, true);
  if (c.out.fault.active) c.out.fault.emit({ type: 'operator-state', target: `${m.artifact.name}: active (maintenance over)` });
  c.sim.schedule(m.timeBetween.sample(m.rng), onMaintenance, m);
}

/** Inbound endpoints without coordination run as local threads, outside MI's task service (docs/model.md §10.4). */
function outsideTaskService(a: Artifact): boolean {
  return a.config.kind === 'inbound-endpoint' && !a.config.coordination;
}
