/**
 * Trending prompts: a rotating, recurring hot set on top of the Zipf catalogue (a news story,
 * a product drop, a scheduled report everyone asks about for a while). Burst b = 0, 1, 2, ...
 * starts at offset + b x every and belongs to topic b mod topics, so each topic's prompt comes
 * back every topics x every: hot for a while, then cold long enough for its cache entry to
 * expire before its next turn. A burst's intensity at age a:
 *
 *   w(a) = a / rise                          0 <= a < rise
 *        = 1                                 rise <= a < rise + hold
 *        = 1 - (a - rise - hold) / fall      rise + hold <= a < rise + hold + fall
 *        = 0                                 otherwise
 *
 * A cacheable request names a trending topic with probability min(1, share x W), W = sum of
 * the live bursts' w, and then burst b with probability w_b / W; otherwise it draws from the
 * catalogue. One uniform draw decides both: u < p = min(1, share x W) picks the burst where
 * u / p x W falls in the bursts' cumulative intensities.
 */
import type { Rng } from '../../gateway-core/rng.js';

export interface TrendingSpec {
  /** Distinct trending prompts (per model), taking turns. */
  topics: number;
  /** A new burst starts this often (ms). */
  everyMs: number;
  riseMs: number;
  holdMs: number;
  fallMs: number;
  /** Share of cacheable requests one burst takes at full intensity. */
  share: number;
  /** When the first burst starts (ms). */
  offsetMs: number;
  /**
   * Answer length of the trending prompts (fixed per topic: request-mix.ts); the stream's
   * output distribution when absent.
   */
  output?: { median: number; sigma: number; min?: number; max?: number };
}

export class TrendingPrompts {
  private readonly lifeMs: number;

  constructor(readonly spec: TrendingSpec) {
    const s = spec;
    if (!(Number.isInteger(s.topics) && s.topics >= 1))
      throw new RangeError(`TrendingPrompts: topics must be an integer >= 1, got ${s.topics}`);
    if (!(s.everyMs > 0)) throw new RangeError(`TrendingPrompts: every must be > 0, got ${s.everyMs}`);
    if (!(s.riseMs >= 0 && s.holdMs >= 0 && s.fallMs >= 0))
      throw new RangeError('TrendingPrompts: rise, hold and fall must be >= 0');
    if (!(s.riseMs + s.holdMs + s.fallMs > 0))
      throw new RangeError('TrendingPrompts: a burst must last (rise + hold + fall > 0)');
    if (!(s.share >= 0 && s.share <= 1))
      throw new RangeError(`TrendingPrompts: share must be in [0, 1], got ${s.share}`);
    this.lifeMs = s.riseMs + s.holdMs + s.fallMs;
  }

  /** Intensity of a burst of age `a` ms. */
  weight(a: number): number {
    const s = this.spec;
    if (a < 0 || a >= this.lifeMs) return 0;
    if (a < s.riseMs) return a / s.riseMs;
    if (a < s.riseMs + s.holdMs) return 1;
    return 1 - (a - s.riseMs - s.holdMs) / s.fallMs;
  }

  /** Sum of the live bursts' intensities at time t (W). */
  total(t: number): number {
    let w = 0;
    const last = this.lastBurst(t);
    for (let b = last; b >= 0; b--) {
      const age = t - this.spec.offsetMs - b * this.spec.everyMs;
      if (age >= this.lifeMs) break;
      w += this.weight(age);
    }
    return w;
  }

  /** Probability that a cacheable request at time t names topic `topic`. */
  probability(topic: number, t: number): number {
    const s = this.spec;
    const all = this.total(t);
    if (all === 0) return 0;
    let w = 0;
    const last = this.lastBurst(t);
    for (let b = last; b >= 0; b--) {
      const age = t - s.offsetMs - b * s.everyMs;
      if (age >= this.lifeMs) break;
      if (b % s.topics === topic) w += this.weight(age);
    }
    return (Math.min(1, s.share * all) * w) / all;
  }

  /** The topic a cacheable request at time t names, or -1 for the catalogue (one draw). */
  pick(t: number, rng: Rng): number {
    const s = this.spec;
    const u = rng.next();
    const all = this.total(t);
    const p = Math.min(1, s.share * all);
    if (!(u < p)) return -1;
    // u / p is uniform on [0, 1): scaled to [0, W), it falls in burst b's share w_b / W.
    const x = (u / p) * all;
    let acc = 0;
    let chosen = -1;
    for (let b = this.lastBurst(t); b >= 0; b--) {
      const age = t - s.offsetMs - b * s.everyMs;
      if (age >= this.lifeMs) break;
      const w = this.weight(age);
      if (w === 0) continue;
      acc += w;
      chosen = b;
      if (x < acc) break;
    }
    // Rounding can leave x a hair above the last sum: the last live burst takes it.
    return chosen % s.topics;
  }

  /** Index of the latest burst started by t (-1 before the first). */
  private lastBurst(t: number): number {
    const s = this.spec;
    if (t < s.offsetMs) return -1;
    return Math.floor((t - s.offsetMs) / s.everyMs);
  }
}
