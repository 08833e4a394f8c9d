/**
 * Arrival processes: each answers "when is the next arrival after time t?" (ms), or Infinity
 * when it has no more. Rates are in requests per second.
 *
 *   Poisson:      gap ~ Exp(rate)
 *   Thinned:      non-homogeneous Poisson by thinning (Lewis & Shedler): propose gaps from
 *                 Exp(maxRate), keep a proposal at time s with probability rate(s) / maxRate.
 */
import type { SeededRng } from '../../gateway-core/rng.js';

export interface ArrivalProcess {
  /** Next arrival strictly after or at `t` (ms); Infinity when the process has ended. */
  next(t: number): number;
}

export class PoissonArrivals implements ArrivalProcess {
  private readonly perMs: number;
  constructor(
    rate: number,
    private readonly rng: SeededRng,
    private readonly startMs = 0,
    private readonly endMs = Number.POSITIVE_INFINITY,
  ) {
    if (!(rate > 0)) throw new RangeError(`PoissonArrivals: rate must be > 0, got ${rate}`);
    this.perMs = rate / 1000;
  }
  next(t: number): number {
    const from = Math.max(t, this.startMs);
    const at = from + this.rng.exponential(this.perMs);
    return at < this.endMs ? at : Number.POSITIVE_INFINITY;
  }
}

/** A non-homogeneous Poisson process given its rate function (req/s at ms) and an upper bound. */
export class ThinnedArrivals implements ArrivalProcess {
  private readonly maxPerMs: number;
  constructor(
    private readonly rateAt: (ms: number) => number,
    private readonly maxRate: number,
    private readonly rng: SeededRng,
    private readonly endMs = Number.POSITIVE_INFINITY,
  ) {
    if (!(maxRate > 0)) throw new RangeError(`ThinnedArrivals: maxRate must be > 0, got ${maxRate}`);
    this.maxPerMs = maxRate / 1000;
  }
  next(t: number): number {
    let s = t;
    for (;;) {
      s += this.rng.exponential(this.maxPerMs);
      if (s >= this.endMs) return Number.POSITIVE_INFINITY;
      const r = this.rateAt(s);
      if (r > this.maxRate * (1 + 1e-9))
        throw new RangeError(`ThinnedArrivals: rate ${r} at ${s} ms exceeds the bound ${this.maxRate}`);
      if (this.rng.next() * this.maxRate < r) return s;
    }
  }
}

/** Evenly spaced arrivals (deterministic, for D/x/x models and tests). */
export class DeterministicArrivals implements ArrivalProcess {
  private readonly gapMs: number;
  constructor(rate: number) {
    this.gapMs = 1000 / rate;
  }
  next(t: number): number {
    return t + this.gapMs;
  }
}
