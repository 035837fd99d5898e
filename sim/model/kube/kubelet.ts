import { NO_EVENT } from '../../engine/simulation.js';
import { armPodFailures } from '../faults/pod-failures.js';
import { refreshPodCounts, setApiReady, setHung, setPhase, type Cluster } from './cluster.js';
import { containerRunning, onProbeKill, stopDelay } from './container-failures.js';
import { failureDetectedTime, readyTime, startupKillTime, startupSuccessTime } from './probes.js';
import { podGone } from './pod-gone.js';
import type { Node, Pod } from './types.js';
import { disrupt } from './types.js';

/**
 * The kubelet's side of a pod: image pull, container start, server start and artifact
 * deployment, probes, graceful termination, node crash and repair. Crashes, hangs and probe kills
 * are in container-failures.ts. Every step is one event; probes are computed, never ticked
 * (probes.ts).
 */

/** Starts a bound pod on its node: probe workers are created now. */
export function admitPod(c: Cluster, pod: Pod): void {
  pod.probeAnchorS = c.sim.nowS;
  ensureImageThenCreate(c, pod);
}

function ensureImageThenCreate(c: Cluster, pod: Pod): void {
  const node = pod.node!;
  const image = pod.image;
  if (node.images.has(image)) {
    createContainer(c, pod);
    return;
  }
  setPhase(c, pod, 'Pulling');
  let pull = node.pulls.get(image);
  if (pull === undefined) {
    // Drawn from the node's pull stream, so a pod's own draws do not depend on who pulled first.
    const durationS = pod.workload.dist.imagePull.sample(node.pullRng);
    pull = { image, timer: NO_EVENT, waiters: [] };
    pull.timer = c.sim.schedule(durationS, onPullDone, { c, node, image });
    node.pulls.set(image, pull);
  }
  pull.waiters.push(pod);
}

function onPullDone(a: { c: Cluster; node: Node; image: string }): void {
  const pull = a.node.pulls.get(a.image)!;
  a.node.pulls.delete(a.image);
  a.node.images.add(a.image);
  for (const pod of pull.waiters) if (pod.phase === 'Pulling' && pod.node === a.node) createContainer(a.c, pod);
}

/** Cancels a node's pulls (the node died); the waiting pods are handled by the caller. */
export function abortPulls(c: Cluster, node: Node): void {
  for (const pull of node.pulls.values()) c.sim.cancel(pull.timer);
  node.pulls.clear();
}

export function createContainer(c: Cluster, pod: Pod): void {
  setPhase(c, pod, 'Creating');
  pod.lifecycleTimer = c.sim.schedule(c.dist.containerCreate.sample(pod.rng), onContainerStarted, pod.ref);
}

export interface PodArg {
  c: Cluster;
  pod: Pod;
}

/** The container runs: draw the server start and artifact deployment, plan the probes. */
function onContainerStarted({ c, pod }: PodArg): void {
  const now = c.sim.nowS;
  const w = pod.workload;
  pod.containerStartS = now;
  const serverS = w.dist.serverStart.sample(pod.rng);
  let deployS = 0;
  for (let i = 0; i < w.config.startup.artifacts; i++) deployS += w.dist.artifactDeploy.sample(pod.rng);
  pod.appStartedS = now + serverS + deployS;
  setPhase(c, pod, 'Starting');
  planProbes(c, pod);
  pod.lifecycleTimer =
    deployS > 0 ? c.sim.schedule(serverS, onDeploying, pod.ref) : c.sim.scheduleAt(pod.appStartedS, onRunning, pod.ref);
}

/**
 * What the probes do to a container that has just started: the startup probe may kill it; without
 * a startup probe, liveness probes from the start and kills a server too slow to answer (the
 * restart loop startup probes exist to prevent); otherwise readiness makes the pod Ready.
 */
function planProbes(c: Cluster, pod: Pod): void {
  const now = c.sim.nowS;
  const { startup, readiness, liveness } = pod.workload.config.probes;
  const startupKillS = startupKillTime(pod.probeAnchorS, now, pod.appStartedS, startup);
  pod.startedS = startupKillS < Infinity ? Infinity : startupSuccessTime(pod.probeAnchorS, now, pod.appStartedS, startup);
  const livenessKillS =
    liveness !== null && pod.startedS < pod.appStartedS ? failureDetectedTime(pod.probeAnchorS, now, pod.startedS, -Infinity, liveness) : Infinity;
  const killS = Math.min(startupKillS, livenessKillS < pod.appStartedS ? livenessKillS : Infinity);
  const readyS = pod.startedS === Infinity ? Infinity : readyTime(pod.probeAnchorS, now, pod.appStartedS, pod.startedS, readiness);
  // Ready before a kill happens only without readiness and startup probes: Ready at container start.
  if (readyS <= now) setApiReady(c, pod, true);
  if (killS < Infinity) pod.probeTimer = c.sim.scheduleAt(killS, onProbeKill, pod.ref);
  else if (readyS > now) pod.probeTimer = c.sim.scheduleAt(readyS, onProbeReady, pod.ref);
}

/** A running container answers again (a JVM pause ended): readiness passes at its next probes. */
export function planReadyAgain(c: Cluster, pod: Pod): void {
  if (pod.probeReady) return; // (the kubelet's view: during a partition the API's may be stale)
  const readyS = readyTime(pod.probeAnchorS, pod.containerStartS, c.sim.nowS, pod.startedS, pod.workload.config.probes.readiness);
  if (readyS <= c.sim.nowS) setApiReady(c, pod, true);
  else pod.probeTimer = c.sim.scheduleAt(readyS, onProbeReady, pod.ref);
}

function onDeploying({ c, pod }: PodArg): void {
  setPhase(c, pod, 'Deploying');
  pod.lifecycleTimer = c.sim.scheduleAt(pod.appStartedS, onRunning, pod.ref);
}

function onRunning({ c, pod }: PodArg): void {
  pod.lifecycleTimer = NO_EVENT;
  setPhase(c, pod, 'Running');
  armPodFailures(c, pod);
}

function onProbeReady({ c, pod }: PodArg): void {
  pod.probeTimer = NO_EVENT;
  setApiReady(c, pod, true);
}

export function stopTimers(c: Cluster, pod: Pod): void {
  c.sim.cancel(pod.lifecycleTimer);
  c.sim.cancel(pod.faultTimer);
  c.sim.cancel(pod.probeTimer);
  pod.lifecycleTimer = pod.faultTimer = pod.probeTimer = NO_EVENT;
  pod.pauseEndS = NaN;
}

/**
 * Graceful deletion (scale-down, drain, eviction of a pod on a live node): endpoints drop it at
 * once, the container gets SIGTERM and the pod is gone when it exits: after MI's shutdown, and
 * after the requests it still holds are done (MI's graceful shutdown), but never later than
 * SIGKILL at the end of the grace period.
 */
export function terminatePod(c: Cluster, pod: Pod): void {
  if (pod.phase === 'Terminating' || pod.phase === 'Gone' || pod.phase === 'NodeDown') return;
  const killing = pod.phase === 'Killing';
  stopTimers(c, pod);
  setApiReady(c, pod, false);
  if (pod.phase === 'Pulling') removeFromPull(pod);
  if (pod.node === null || !(containerRunning(pod) || killing)) {
    podGone(c, pod);
    return;
  }
  setPhase(c, pod, 'Terminating');
  // A container already being killed keeps its SIGKILL deadline; the grace period does not start over.
  pod.killDeadlineS = killing ? pod.exitAtS : c.sim.nowS + pod.workload.config.terminationGracePeriod;
  pod.exitAtS = killing ? pod.exitAtS : c.sim.nowS + stopDelay(pod);
  pod.lifecycleTimer = c.sim.scheduleAt(pod.exitAtS, onTerminated, pod.ref);
}

function onTerminated({ c, pod }: PodArg): void {
  pod.lifecycleTimer = NO_EVENT;
  if (!pod.hung && c.sim.nowS < pod.killDeadlineS && c.traffic?.holds(pod)) {
    // Still serving requests: wait for them (podDrained) or for SIGKILL.
    pod.lifecycleTimer = c.sim.scheduleAt(pod.killDeadlineS, onTerminated, pod.ref);
    return;
  }
  podGone(c, pod);
}

/** The traffic model tells a terminating pod that it holds no more requests: it exits now. */
export function podDrained(c: Cluster, pod: Pod): void {
  if (pod.phase !== 'Terminating' || c.sim.nowS < pod.exitAtS) return;
  c.sim.cancel(pod.lifecycleTimer);
  pod.lifecycleTimer = c.sim.schedule(0, onTerminated, pod.ref);
}

function removeFromPull(pod: Pod): void {
  const pull = pod.node?.pulls.get(pod.image);
  if (pull) pull.waiters = pull.waiters.filter((p) => p !== pod);
}

/** The pod's node died: its container is gone at once; the API still shows it until detection. */
export function stopOnNodeCrash(c: Cluster, pod: Pod): void {
  disrupt(pod, 'node-crash');
  stopTimers(c, pod);
  pod.exitedS = c.sim.nowS;
  // NodeDown first: clearing a hang before would look, for an instant, like a server answering again.
  setPhase(c, pod, 'NodeDown');
  setHung(c, pod, false);
  refreshPodCounts(c, pod); // already NodeDown (a reboot during a partition): no longer on an up machine
}

/** The pod's node is back: the kubelet removes deleted pods and restarts the others' containers. */
export function resumeAfterNodeRepair(c: Cluster, pod: Pod): void {
  if (pod.deleted) {
    podGone(c, pod);
    return;
  }
  setApiReady(c, pod, false);
  pod.backoffStep = 0; // backoff state lives in the kubelet's memory
  pod.restarts++;
  pod.probeAnchorS = c.sim.nowS;
  ensureImageThenCreate(c, pod);
}
