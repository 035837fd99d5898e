import { NO_EVENT } from '../../engine/simulation.js';
import { crashLoopDelay } from './backoff.js';
import { reportNotReady, setHung, setPhase, type Cluster } from './cluster.js';
import { armPodFailures } from '../faults/pod-failures.js';
import { createContainer, planReadyAgain, stopTimers, type PodArg } from './kubelet.js';
import { failureDetectedTime } from './probes.js';
import type { DisruptionCause, Pod } from './types.js';
import { disrupt } from './types.js';

/**
 * What happens to a running container that fails: it exits (the kubelet notices and restarts it
 * with CrashLoopBackOff), it hangs (readiness and then liveness failures, computed from the probes,
 * end in a kill), or a probe kills it (SIGTERM, exit within the grace period, restart).
 */

/** True while a container process exists (it can crash, hang or be asked to stop). */
export function containerRunning(pod: Pod): boolean {
  return pod.phase === 'Starting' || pod.phase === 'Deploying' || pod.phase === 'Running';
}

/** The container process exits on its own; the kubelet notices after PLEG and restarts it. False if no process ran. */
export function crashContainer(c: Cluster, pod: Pod): boolean {
  if (!containerRunning(pod)) return false;
  disrupt(pod, 'container-crash');
  stopTimers(c, pod);
  pod.exitedS = c.sim.nowS;
  setPhase(c, pod, 'Crashed');
  setHung(c, pod, false);
  pod.lifecycleTimer = c.sim.schedule(c.dist.exitDetection.sample(pod.rng), onExitNoticed, pod.ref);
  return true;
}

function onExitNoticed({ c, pod }: PodArg): void {
  reportNotReady(c, pod);
  restartWithBackoff(c, pod);
}

/** The back-off runs from the container's exit (FinishedAt), not from when the kubelet noticed it. */
function restartWithBackoff(c: Cluster, pod: Pod): void {
  const { delayS, nextStep } = crashLoopDelay(pod.backoffStep, pod.exitedS - pod.containerStartS, c.kube.kubelet.crashLoopBackOff);
  pod.backoffStep = nextStep;
  pod.restarts++;
  const restartS = pod.exitedS + delayS;
  if (restartS > c.sim.nowS) {
    setPhase(c, pod, 'BackOff');
    pod.lifecycleTimer = c.sim.scheduleAt(restartS, onBackoffDone, pod.ref);
  } else {
    createContainer(c, pod);
  }
}

function onBackoffDone({ c, pod }: PodArg): void {
  createContainer(c, pod);
}

/** The process stops answering: readiness then liveness failures follow, computed from the probes. False if not running. */
export function hangContainer(c: Cluster, pod: Pod, cause: DisruptionCause = 'container-hang'): boolean {
  if (pod.phase !== 'Running' || pod.hung) return false;
  disrupt(pod, cause);
  c.sim.cancel(pod.faultTimer);
  c.sim.cancel(pod.probeTimer);
  pod.faultTimer = pod.probeTimer = NO_EVENT;
  setHung(c, pod, true);
  pod.hungSinceS = c.sim.nowS;
  scheduleHangDetection(c, pod);
  return true;
}

/**
 * A long JVM pause (full GC, heap dump): the process answers nothing, writes no heartbeat and
 * fires no task for `durationS`, then carries on where it was. Probes see a hang meanwhile, so a
 * pause longer than the liveness budget ends in a kill instead. False if not running.
 */
export function pauseContainer(c: Cluster, pod: Pod, durationS: number): boolean {
  if (!hangContainer(c, pod, 'jvm-pause')) return false;
  pod.pauseEndS = c.sim.nowS + durationS;
  pod.faultTimer = c.sim.scheduleAt(pod.pauseEndS, onPauseEnd, pod.ref);
  return true;
}

function onPauseEnd({ c, pod }: PodArg): void {
  pod.faultTimer = NO_EVENT;
  pod.pauseEndS = NaN;
  c.sim.cancel(pod.probeTimer);
  pod.probeTimer = NO_EVENT;
  setHung(c, pod, false);
  planReadyAgain(c, pod);
  armPodFailures(c, pod);
}

function scheduleHangDetection(c: Cluster, pod: Pod): void {
  const { readiness, liveness } = pod.workload.config.probes;
  const notReadyS = pod.probeReady && readiness
    ? failureDetectedTime(pod.probeAnchorS, pod.containerStartS, pod.startedS, pod.hungSinceS, readiness)
    : Infinity;
  const killS = liveness ? failureDetectedTime(pod.probeAnchorS, pod.containerStartS, pod.startedS, pod.hungSinceS, liveness) : Infinity;
  if (notReadyS <= killS && notReadyS < Infinity) pod.probeTimer = c.sim.scheduleAt(notReadyS, onHungNotReady, pod.ref);
  else if (killS < Infinity) pod.probeTimer = c.sim.scheduleAt(killS, onProbeKill, pod.ref);
}

function onHungNotReady({ c, pod }: PodArg): void {
  pod.probeTimer = NO_EVENT;
  reportNotReady(c, pod);
  scheduleHangDetection(c, pod);
}

/** Liveness (or startup) probe failed: SIGTERM now, the container exits within the grace period. */
export function onProbeKill({ c, pod }: PodArg): void {
  stopTimers(c, pod);
  setPhase(c, pod, 'Killing');
  reportNotReady(c, pod);
  pod.exitAtS = c.sim.nowS + stopDelay(pod);
  pod.lifecycleTimer = c.sim.scheduleAt(pod.exitAtS, onKilledExit, pod.ref);
}

function onKilledExit({ c, pod }: PodArg): void {
  pod.lifecycleTimer = NO_EVENT;
  pod.exitedS = c.sim.nowS;
  setHung(c, pod, false);
  restartWithBackoff(c, pod);
}

/** Time from SIGTERM to exit: MI's shutdown, cut at the grace period; a hung process waits for SIGKILL. */
export function stopDelay(pod: Pod): number {
  const grace = pod.workload.config.terminationGracePeriod;
  return pod.hung ? grace : Math.min(pod.workload.dist.shutdown.sample(pod.rng), grace);
}
