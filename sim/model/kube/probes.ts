import type { ProbeConfig } from '../../scenario/types.js';

/**
 * Probe timing as arithmetic: no probe is simulated tick by tick. The kubelet runs one worker per
 * probe, created when the pod is admitted to the node; it probes at anchor, anchor + period, ...
 * (kubernetes pkg/kubelet/prober/worker.go). A probe is skipped while the container has run for
 * less than initialDelaySeconds, and readiness and liveness are skipped until the startup probe
 * has passed; when it passes the kubelet triggers an immediate readiness probe.
 *
 * Note: the initial delay is counted from container start in the kubelet code, whereas the
 * Kubernetes docs say readiness delays start after startup success (docs/model.md §5.3).
 */

/**
 * How far apart two times may be and still be the same instant: rounding of anchor + k * period
 * grows with the time's magnitude (a few ulps: about 1e-6 s after 50 years), so the tolerance does.
 */
export function timeTolerance(tS: number): number {
  return Math.max(1e-9, Math.abs(tS) * 2e-15);
}

/** First tick anchor + k * period (k >= 0 integer) at or after t (a tick within rounding of t counts). */
export function tickAtOrAfter(anchorS: number, periodS: number, tS: number): number {
  if (tS <= anchorS) return anchorS;
  const tol = timeTolerance(tS);
  const k = Math.max(0, Math.ceil((tS - anchorS - tol) / periodS));
  const tick = anchorS + k * periodS;
  return tick < tS - tol ? tick + periodS : tick;
}

/** First tick strictly after t (beyond rounding). */
export function tickAfter(anchorS: number, periodS: number, tS: number): number {
  const tick = tickAtOrAfter(anchorS, periodS, tS);
  return tick > tS + timeTolerance(tS) ? tick : tick + periodS;
}

/** Last tick at or before t (anchor itself if t is earlier). */
export function tickAtOrBefore(anchorS: number, periodS: number, tS: number): number {
  if (tS <= anchorS) return anchorS;
  return anchorS + Math.floor((tS - anchorS + timeTolerance(tS)) / periodS) * periodS;
}

/**
 * When the startup probe kills a container started at `containerStartS` whose server answers from
 * `appStartedS` on: its `failureThreshold`-th consecutive failure. Infinity if it passes first
 * (or there is no startup probe).
 */
export function startupKillTime(anchorS: number, containerStartS: number, appStartedS: number, probe: ProbeConfig | null): number {
  if (probe === null) return Infinity;
  const firstS = tickAtOrAfter(anchorS, probe.period, containerStartS + probe.initialDelay);
  const lastAllowedS = firstS + (probe.failureThreshold - 1) * probe.period;
  return lastAllowedS < appStartedS ? lastAllowedS : Infinity;
}

/**
 * When the container counts as started: the startup probe's first success, or container start
 * when there is no startup probe. Meaningful only when `startupKillTime` is Infinity.
 */
export function startupSuccessTime(anchorS: number, containerStartS: number, appStartedS: number, probe: ProbeConfig | null): number {
  if (probe === null) return containerStartS;
  const firstS = tickAtOrAfter(anchorS, probe.period, containerStartS + probe.initialDelay);
  return tickAtOrAfter(anchorS, probe.period, Math.max(firstS, appStartedS));
}

/**
 * When the pod becomes Ready: the readiness probe's `successThreshold`-th consecutive success.
 * Without a readiness probe the pod is Ready as soon as the container counts as started, even if
 * the server is not answering yet (Kubernetes' rule, and the classic misconfiguration).
 */
export function readyTime(anchorS: number, containerStartS: number, appStartedS: number, startedS: number, probe: ProbeConfig | null): number {
  if (probe === null) return startedS;
  const eligibleS = Math.max(containerStartS + probe.initialDelay, startedS, appStartedS);
  // The immediate probe triggered when the startup probe passes counts if it is eligible.
  const firstS = startedS === eligibleS && startedS > containerStartS ? startedS : tickAtOrAfter(anchorS, probe.period, eligibleS);
  if (probe.successThreshold <= 1) return firstS;
  return tickAtOrAfter(anchorS, probe.period, firstS + 1e-9) + (probe.successThreshold - 2) * probe.period;
}

/**
 * When a probe that starts failing at `failingFromS` reaches its failure threshold: the
 * `failureThreshold`-th probe at or after both that moment and the probe's eligibility.
 */
export function failureDetectedTime(anchorS: number, containerStartS: number, startedS: number, failingFromS: number, probe: ProbeConfig): number {
  const eligibleS = Math.max(containerStartS + probe.initialDelay, startedS);
  const firstS = tickAfter(anchorS, probe.period, Math.max(failingFromS, eligibleS - 1e-9));
  return firstS + (probe.failureThreshold - 1) * probe.period;
}
