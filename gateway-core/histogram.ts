/**
 * Streaming latency histogram with bounded relative error (the DDSketch construction).
 *
 *   gamma = (1 + alpha) / (1 - alpha)
 *   bucket(x) = ceil(log(x) / log(gamma))          for x > minTrackable
 *   estimate(i) = 2 * gamma^i / (gamma + 1)
 *
 * Any quantile it reports is within a relative error `alpha` (default 1%) of the true sample
 * quantile (rank taken as ceil(q * n)). Memory grows with log(max/min), not with the count, so
 * a simulated day of requests costs a few kilobytes. Histograms merge by adding bucket counts.
 */
export class LatencyHistogram {
  readonly alpha: number;
  private readonly logGamma: number;
  private readonly gamma: number;
  private counts: Float64Array = new Float64Array(64);
  private offset = 0; // bucket index of counts[0]
  private used = false;
  private zeroCount = 0;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Values at or below this (ms) count as zero. */
  static readonly minTrackable = 1e-6;

  constructor(alpha = 0.01) {
    if (!(alpha > 0 && alpha < 1))
      throw new RangeError(`LatencyHistogram: alpha must be in (0, 1), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  record(value: number, weight = 1): void {
    this.count += weight;
    this.sum += value * weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= LatencyHistogram.minTrackable) {
      this.zeroCount += weight;
      return;
    }
    const index = Math.ceil(Math.log(value) / this.logGamma);
    // In range (nearly always, once the first values have sized the array): no call to ensure.
    const pos = index - this.offset;
    if (this.used && pos >= 0 && pos < this.counts.length) {
      this.counts[pos] += weight;
      return;
    }
    this.ensure(index);
    this.counts[index - this.offset] += weight;
  }

  private ensure(index: number): void {
    if (!this.used) {
      this.used = true;
      this.offset = index - 32;
      return;
    }
    const pos = index - this.offset;
    if (pos >= 0 && pos < this.counts.length) return;
    // Grow to the span actually needed plus fixed headroom on the side that grew. Doubling
    // instead would blow up when values set many successive record lows or highs.
    const lo = Math.min(this.offset, index);
    const hi = Math.max(this.offset + this.counts.length - 1, index);
    const headroom = 32;
    const newOffset = pos < 0 ? lo - headroom : this.offset;
    const size = hi - newOffset + 1 + (pos < 0 ? 0 : headroom);
    const grown = new Float64Array(size);
    grown.set(this.counts, this.offset - newOffset);
    this.counts = grown;
    this.offset = newOffset;
  }

  /** The q-quantile (0..1) of recorded values, or null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (rank <= this.zeroCount) return 0;
    let seen = this.zeroCount;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const est = (2 * this.gamma ** (i + this.offset)) / (this.gamma + 1);
        return Math.min(Math.max(est, this.min), this.max);
      }
    }
    return this.max;
  }

  mean(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }

  merge(other: LatencyHistogram): void {
    if (other.alpha !== this.alpha) throw new RangeError('LatencyHistogram.merge: alpha differs');
    this.count += other.count;
    this.sum += other.sum;
    this.zeroCount += other.zeroCount;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    if (!other.used) return;
    for (let i = 0; i < other.counts.length; i++) {
      const c = other.counts[i];
      if (c === 0) continue;
      const index = i + other.offset;
      this.ensure(index);
      this.counts[index - this.offset] += c;
    }
  }

  reset(): void {
    this.counts.fill(0);
    this.zeroCount = 0;
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  /** Compact serialisable form: sparse buckets as [index, count] pairs. */
  toJSON(): {
    alpha: number;
    count: number;
    sum: number;
    min: number | null;
    max: number | null;
    zero: number;
    buckets: [number, number][];
  } {
    const buckets: [number, number][] = [];
    for (let i = 0; i < this.counts.length; i++)
      if (this.counts[i] > 0) buckets.push([i + this.offset, this.counts[i]]);
    return {
      alpha: this.alpha,
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : null,
      max: this.count ? this.max : null,
      zero: this.zeroCount,
      buckets,
    };
  }

  static fromJSON(data: ReturnType<LatencyHistogram['toJSON']>): LatencyHistogram {
    const h = new LatencyHistogram(data.alpha);
    h.count = data.count;
    h.sum = data.sum;
    h.min = data.min ?? Number.POSITIVE_INFINITY;
    h.max = data.max ?? Number.NEGATIVE_INFINITY;
    h.zeroCount = data.zero;
    for (const [index, c] of data.buckets) {
      h.ensure(index);
      h.counts[index - h.offset] += c;
    }
    return h;
  }
}
