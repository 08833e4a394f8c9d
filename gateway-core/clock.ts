/**
 * Time for the policy engine. The engine never reads the wall clock: the simulator passes a
 * virtual clock, the server a wall clock. All times are milliseconds as floating-point numbers.
 */
export interface Clock {
  /** Current time in milliseconds. Monotonic non-decreasing. */
  now(): number;
}

/** A clock that moves only when told to: for tests and for the simulator's event loop. */
export class ManualClock implements Clock {
  private t: number;
  constructor(startMs = 0) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms` (never backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.t += ms;
  }
  /** Jumps to an absolute time that is not earlier than now. */
  set(ms: number): void {
    if (ms < this.t) throw new RangeError(`ManualClock.set: cannot go back from ${this.t} to ${ms}`);
    this.t = ms;
  }
}
