import type { ArtifactConfig } from '../../scenario/types.js';
import type { Pod } from '../kube/types.js';
import type { FireSchedule } from './schedule.js';

/**
 * A stateful artifact of the scenario (one per name, however many workloads deploy it) and the
 * servers running it now. Metrics follow the runners through the `artifact.runner` event.
 */
export interface Artifact {
  readonly index: number;
  readonly name: string;
  readonly config: ArtifactConfig;
  /** Scheduled tasks: when they fire (null for other kinds). */
  readonly schedule: FireSchedule | null;
  /** Runners running it now, in the order they started. */
  readonly runners: Runner[];
}

/** One server running (firing, consuming) an artifact, from `sinceS` until it stops. */
export interface Runner {
  readonly artifact: Artifact;
  readonly pod: Pod;
  /** Interval tasks fire at anchorS + k * interval (the server's Quartz trigger). */
  readonly anchorS: number;
  readonly sinceS: number;
  /** Placed by the coordination cluster (false: runs on every server that has it). */
  readonly coordinated: boolean;
}

/**
 * What happened to a runner, as a consuming artifact needs to know: it started, or resumed after a
 * JVM pause; it stopped cleanly (closing its connections), died without closing them (a crash, a
 * lost node: brokers notice only later), or froze (a JVM pause: still connected, consuming nothing).
 */
export type RunnerTransition = 'started' | 'resumed' | 'stopped' | 'died' | 'paused';

/** `artifact.runner`: a runner started or stopped. */
export interface RunnerChange {
  runner: Runner;
  started: boolean;
}

/**
 * What one pod's current container does with its artifacts: the tasks its scheduler has
 * registered (they keep their trigger across pauses), those running now, and why it runs none.
 */
export interface PodArtifacts {
  readonly pod: Pod;
  /** The container these belong to (a restart starts afresh). */
  readonly containerStartS: number;
  /** Artifact index -> fire anchor of the trigger registered in this container. */
  readonly registered: Map<number, number>;
  /** Artifact index -> its runner on this pod. */
  readonly active: Map<number, Runner>;
  /** JVM frozen: the runners it had, to resume. */
  frozen: Runner[] | null;
  /** MI 4.4 duplicate-node check failed at start: the task service is down in this container. */
  blocked: boolean;
  /**
   * The container's local registry: artifact index -> the state (active?) an operator set while it
   * ran the artifact here (docs/model.md §10.5). It lives in the container's files: a restart loses it.
   */
  readonly registry: Map<number, boolean>;
}
