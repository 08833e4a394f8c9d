/**
 * Counts of call outcomes over a rolling time window, kept in B buckets of windowMs / B each:
 *
 *   epoch(t) = floor(t / bucketMs)           the bucket a call at time t lands in
 *   window(now) = calls with epoch(t) > epoch(now) - B
 *
 * so the window spans the current (partial) bucket and the B - 1 before it: between
 * windowMs - bucketMs and windowMs of history, and a call at time t leaves the window exactly
 * at (epoch(t) + B) * bucketMs. Totals are kept running, so reading them is O(1); moving time
 * forward clears at most B buckets.
 */
export class RollingWindow {
  readonly bucketMs: number;
  private readonly b: number;
  private readonly calls: Float64Array;
  private readonly failures: Float64Array;
  private readonly slows: Float64Array;
  private lastEpoch = Number.NEGATIVE_INFINITY;
  totalCalls = 0;
  totalFailures = 0;
  totalSlow = 0;

  constructor(windowMs: number, buckets: number) {
    if (!(windowMs > 0) || !Number.isFinite(windowMs))
      throw new RangeError(`rolling window length must be finite and > 0, got ${windowMs}`);
    if (!Number.isInteger(buckets) || buckets < 1)
      throw new RangeError(`rolling window buckets must be a positive integer, got ${buckets}`);
    this.b = buckets;
    this.bucketMs = windowMs / buckets;
    this.calls = new Float64Array(buckets);
    this.failures = new Float64Array(buckets);
    this.slows = new Float64Array(buckets);
  }

  /** Counts one call that ended at `now`. */
  record(now: number, failed: boolean, slow: boolean): void {
    const slot = this.advance(now);
    this.calls[slot]++;
    this.totalCalls++;
    if (failed) {
      this.failures[slot]++;
      this.totalFailures++;
    }
    if (slow) {
      this.slows[slot]++;
      this.totalSlow++;
    }
  }

  /** Drops buckets that fell out of the window by `now`; returns the slot of the current bucket. */
  advance(now: number): number {
    const epoch = Math.floor(now / this.bucketMs);
    // A clock never goes back; if a caller's does, count into the newest bucket.
    if (epoch <= this.lastEpoch) return this.slotOf(this.lastEpoch);
    if (epoch - this.lastEpoch >= this.b) {
      this.reset();
    } else {
      for (let e = this.lastEpoch + 1; e <= epoch; e++) this.clear(this.slotOf(e));
    }
    this.lastEpoch = epoch;
    return this.slotOf(epoch);
  }

  reset(): void {
    this.calls.fill(0);
    this.failures.fill(0);
    this.slows.fill(0);
    this.totalCalls = 0;
    this.totalFailures = 0;
    this.totalSlow = 0;
  }

  private slotOf(epoch: number): number {
    return ((epoch % this.b) + this.b) % this.b;
  }

  private clear(slot: number): void {
    this.totalCalls -= this.calls[slot];
    this.totalFailures -= this.failures[slot];
    this.totalSlow -= this.slows[slot];
    this.calls[slot] = 0;
    this.failures[slot] = 0;
    this.slows[slot] = 0;
  }
}
