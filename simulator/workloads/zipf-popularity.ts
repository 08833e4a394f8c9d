/**
 * Prompt popularity: rank k in 1..n is drawn with probability
 *
 *   P(k) = k^-s / H(n, s),   H(n, s) = sum_{j=1..n} j^-s
 *
 * by inverse transform over a precomputed cumulative table (binary search, O(log n)).
 * A few popular prompts get most repeats: what makes an exact-match cache pay off.
 */
import type { Rng } from '../../gateway-core/rng.js';

export class ZipfPopularity {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!(Number.isInteger(n) && n >= 1 && n <= 10_000_000))
      throw new RangeError(`ZipfPopularity: n must be an integer in [1, 1e7], got ${n}`);
    if (!(s >= 0)) throw new RangeError(`ZipfPopularity: s must be >= 0, got ${s}`);
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) {
      sum += k ** -s;
      this.cdf[k - 1] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] /= sum;
  }

  /** Probability of rank k (1-based). */
  probability(k: number): number {
    return this.cdf[k - 1] - (k > 1 ? this.cdf[k - 2] : 0);
  }

  /** A rank in 1..n. */
  sample(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo + 1;
  }
}
