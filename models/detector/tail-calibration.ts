/**
 * Calibrates a standardised detector statistic by its own upper tail. A statistic this series
 * exceeds on `share` of its rows is scaled down to the value a normal residual exceeds as often
 * (2.576 for 1%), so a series with heavy-tailed residuals (quantised values, routine jumps between
 * a few levels: a CPU metric that reads 33.3, 33.4 or 35.8 and nothing between) does not alarm at
 * its routine moves. A statistic whose tail is no heavier than normal is left alone, so series
 * that were well judged before keep their scores.
 * The tail is read from the last `capacity` values pushed. The caller pushes rows it flagged as
 * well: a tail learnt only from rows judged normal never sees routine moves that are all flagged.
 * It is refreshed only when asked (once per chunk of rows), so a score never depends on rows
 * after it.
 */
/** Largest z kept: a departure from a zero scale is infinitely surprising only once. */
const Z_CAP = 1e6;

export class TailCalibration {
  private readonly ring: Float64Array;
  private pushed = 0;
  private factor = 1;

  constructor(
    /** Share of normal rows expected above `normalQuantile`. */
    readonly share = 0.01,
    /** The |z| a standard normal exceeds with probability `share`. */
    readonly normalQuantile = 2.5758,
    capacity = 4000,
    /** Values needed before the tail is trusted. */
    readonly minCount = 200,
  ) {
    this.ring = new Float64Array(capacity);
  }

  push(z: number): void {
    if (Number.isNaN(z)) return;
    this.ring[this.pushed % this.ring.length] = Math.min(Math.abs(z), Z_CAP);
    this.pushed++;
  }

  /** Re-reads the tail from the values pushed so far. */
  refresh(): void {
    const n = Math.min(this.pushed, this.ring.length);
    if (n < this.minCount) return;
    const sorted = this.ring.slice(0, n).sort();
    const q = sorted[Math.min(n - 1, Math.floor((1 - this.share) * n))];
    this.factor = q > this.normalQuantile ? this.normalQuantile / q : 1;
  }

  /** An infinite z (a departure from a scale of 0) counts as Z_CAP, so routine ones calibrate too. */
  apply(z: number): number {
    return Math.min(Math.abs(z), Z_CAP) * this.factor;
  }

  /** The scale-down in force (1: the tail is no heavier than normal). */
  get shrink(): number {
    return this.factor;
  }
}
