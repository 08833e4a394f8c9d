/**
 * An exponential moving average with a warm-up, as Gradient2 keeps its long-term RTT:
 *
 *   first `warmup` samples:  value = plain mean of the samples so far
 *   afterwards:              value = value * (1 - f) + sample * f,   f = 2 / (window + 1)
 *
 * (f = 2/(N+1) gives the EMA the same centre of mass as an N-sample simple average.) The plain
 * mean during warm-up keeps one early outlier from anchoring the average for a whole window.
 */
export class ExpAvgMeasurement {
  private count = 0;
  private sum = 0;
  private current = 0;
  private readonly factor: number;

  constructor(
    readonly window: number,
    readonly warmup: number,
  ) {
    if (!(window >= 1)) throw new RangeError(`ExpAvgMeasurement: window must be >= 1, got ${window}`);
    if (!(warmup >= 0)) throw new RangeError(`ExpAvgMeasurement: warmup must be >= 0, got ${warmup}`);
    this.factor = 2 / (window + 1);
  }

  add(sample: number): number {
    if (this.count < this.warmup) {
      this.count++;
      this.sum += sample;
      this.current = this.sum / this.count;
    } else {
      this.current = this.current * (1 - this.factor) + sample * this.factor;
    }
    return this.current;
  }

  get value(): number {
    return this.current;
  }

  /** Replaces the value (drift correction); the warm-up state is kept. */
  update(fn: (current: number) => number): void {
    this.current = fn(this.current);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.current = 0;
  }
}
