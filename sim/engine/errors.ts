/**
 * A broken invariant: a programmer error, never bad input. It carries where in the run it happened
 * (simulated time and event number); the experiment runner adds the seed and replication, so the
 * message names everything needed to reproduce it.
 */
export class InvariantError extends Error {
  readonly timeS: number;
  readonly eventNumber: number;
  constructor(message: string, at?: { nowS: number; eventsExecuted: number }) {
    const timeS = at?.nowS ?? NaN;
    const eventNumber = at?.eventsExecuted ?? -1;
    super(at ? `${message} (at t=${timeS}s, event #${eventNumber})` : message);
    this.name = 'InvariantError';
    this.timeS = timeS;
    this.eventNumber = eventNumber;
  }
}

/** Throws an InvariantError when `condition` is false. */
export function invariant(
  condition: unknown,
  message: string | (() => string),
  at?: { nowS: number; eventsExecuted: number },
): asserts condition {
  if (!condition) throw new InvariantError(typeof message === 'string' ? message : message(), at);
}

/**
 * A run reached one of the scenario's limits (events per replication, requests in flight): an
 * operating error, reported plainly with the limit to raise, never as a bug.
 */
export class RunLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLimitError';
  }
}
