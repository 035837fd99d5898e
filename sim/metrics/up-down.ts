/**
 * Tracks a boolean "up" signal over time: time spent down, number of up-to-down transitions.
 * Measurement starts at `startWindow` (the end of the warmup) and ends at `finish`.
 */
export class UpDownTracker {
  private up = false;
  private lastS = 0;
  private measuring = false;
  private downSinceS = -1;
  downS = 0;
  incidents = 0;

  set(tS: number, up: boolean): void {
    if (up === this.up) return;
    this.advance(tS);
    if (this.measuring && this.up && !up) {
      this.incidents++;
      this.downSinceS = tS;
    } else if (this.measuring && up && this.downSinceS === tS) {
      // Down and up again at the same instant (one pod left as another joined): no incident.
      this.incidents--;
    }
    this.up = up;
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Starts measuring at tS; a signal that is down then counts as one incident. */
  startWindow(tS: number): void {
    this.advance(tS);
    this.measuring = true;
    this.downS = 0;
    this.incidents = this.up ? 0 : 1;
    this.downSinceS = this.up ? -1 : Number.NaN;
  }

  finish(tS: number): void {
    this.advance(tS);
    this.measuring = false;
  }

  private advance(tS: number): void {
    if (this.measuring && !this.up) this.downS += tS - this.lastS;
    this.lastS = tS;
  }
}

/** Integrates a piecewise-constant value over the measurement window. */
export class TimeIntegral {
  private value = 0;
  private lastS = 0;
  private measuring = false;
  total = 0;

  set(tS: number, value: number): void {
    this.advance(tS);
    this.value = value;
  }

  startWindow(tS: number): void {
    this.advance(tS);
    this.measuring = true;
    this.total = 0;
  }

  finish(tS: number): void {
    this.advance(tS);
    this.measuring = false;
  }

  private advance(tS: number): void {
    if (this.measuring) this.total += this.value * (tS - this.lastS);
    this.lastS = tS;
  }
}

/**
 * The downtime of an up/down signal split by cause: each stretch down is attributed to what
 * started it (asked for once, when the signal goes down). It follows the same transitions as an
 * UpDownTracker fed the same calls, so the causes sum to its downtime.
 */
export class CausedDowntime {
  private up = false;
  private cause: string;
  private lastS = 0;
  private measuring = false;
  readonly downS = new Map<string, number>();

  /** `initial`: the cause of being down before the signal was ever up (a start-up). */
  constructor(initial: string) {
    this.cause = initial;
  }

  set(tS: number, up: boolean, causeOfDown: () => string): void {
    if (up === this.up) return;
    this.advance(tS);
    if (!up) this.cause = causeOfDown();
    this.up = up;
  }

  /** While down, what keeps it down changed (a database outage began): the time from now goes to `cause`. */
  recause(tS: number, cause: string): void {
    if (this.up || cause === this.cause) return;
    this.advance(tS);
    this.cause = cause;
  }

  get isDown(): boolean {
    return !this.up;
  }

  /** Starts measuring; a signal down then is attributed anew (a start-up still under way may now be a pod that cannot be placed). */
  startWindow(tS: number, causeOfDown: () => string): void {
    this.advance(tS);
    this.measuring = true;
    this.downS.clear();
    if (!this.up) this.cause = causeOfDown();
  }

  finish(tS: number): void {
    this.advance(tS);
    this.measuring = false;
  }

  private advance(tS: number): void {
    if (tS < this.lastS) return; // (never backwards)
    if (this.measuring && !this.up && tS > this.lastS) this.downS.set(this.cause, (this.downS.get(this.cause) ?? 0) + (tS - this.lastS));
    this.lastS = tS;
  }
}
