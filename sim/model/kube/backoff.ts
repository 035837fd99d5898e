/**
 * CrashLoopBackOff (docs/model.md §5.4; sources.md B "Container restart backoff"): the first
 * restart after a clean run is immediate; each later one waits initial * 2^(n-1), capped at max; a
 * container that ran for at least resetAfter before exiting starts the sequence over.
 */
export interface BackoffConfig {
  initial: number;
  max: number;
  resetAfter: number;
}

/**
 * The delay before restarting a container that exited after running for `ranForS`, and the step
 * to remember for the next exit.
 */
export function crashLoopDelay(step: number, ranForS: number, config: BackoffConfig): { delayS: number; nextStep: number } {
  const s = ranForS >= config.resetAfter ? 0 : step;
  const delayS = s === 0 ? 0 : Math.min(config.initial * 2 ** (s - 1), config.max);
  return { delayS, nextStep: s + 1 };
}

/** Scheduler retry delay after `attempts` failed attempts (docs/model.md §4.1; sources.md B "Scheduler retry"). */
export function schedulingBackoff(attempts: number, initialS: number, maxS: number): number {
  return Math.min(initialS * 2 ** Math.max(0, attempts - 1), maxS);
}
