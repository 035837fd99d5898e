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
