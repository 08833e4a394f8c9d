/**
 * SLO violation minutes: a simulated minute counts when any tier's p99 latency in that minute
 * exceeds the tier's SLO, or its (errors + timeouts) / answered exceeds 1%.
 *
 * One histogram and three counters per tier, reset at each minute boundary: memory is bounded
 * by the number of tiers, not by time.
 */
import { presizedHistogram } from './presized-histogram.js';

const MINUTE_MS = 60_000;

class TierMinute {
  latency = presizedHistogram();
  answered = 0;
  errors = 0;
  reset(): void {
    // A fresh histogram rather than reset(): reset() clears every bucket the old one ever grew
    // (LatencyHistogram doubles its array on each new extreme), which costs more than a new one.
    if (this.latency.count > 0) this.latency = presizedHistogram();
    this.answered = 0;
    this.errors = 0;
  }
}

export class SloMinutes {
  private readonly tiers = new Map<string, TierMinute>();
  private minuteStart: number;
  /** Minutes that violated, and minutes closed. */
  violations = 0;
  minutes = 0;

  constructor(
    private readonly sloMsByTier: ReadonlyMap<string, number>,
    startMs = 0,
    private readonly errorRateLimit = 0.01,
  ) {
    this.minuteStart = startMs;
  }

  private tier(name: string, now: number): TierMinute {
    this.roll(now);
    let t = this.tiers.get(name);
    if (t === undefined) {
      t = new TierMinute();
      this.tiers.set(name, t);
    }
    return t;
  }

  completed(tier: string, now: number, latencyMs: number): void {
    const t = this.tier(tier, now);
    t.answered++;
    t.latency.record(latencyMs);
  }

  /** A failure or a timeout (5xx, 504). Rejections by policy (429) are not errors here. */
  error(tier: string, now: number): void {
    const t = this.tier(tier, now);
    t.answered++;
    t.errors++;
  }

  /** Closes every whole minute up to `now`. */
  roll(now: number): void {
    while (now >= this.minuteStart + MINUTE_MS) this.closeMinute();
  }

  /** Closes the minutes up to `endMs`; a final partial minute counts if it violated. */
  finish(endMs: number): void {
    this.roll(endMs);
    if (endMs > this.minuteStart) this.closeMinute();
  }

  private closeMinute(): void {
    let violated = false;
    for (const [name, t] of this.tiers) {
      if (t.answered === 0) continue;
      const slo = this.sloMsByTier.get(name);
      const p99 = t.latency.quantile(0.99);
      if (slo !== undefined && p99 !== null && p99 > slo) violated = true;
      if (t.errors / t.answered > this.errorRateLimit) violated = true;
      t.reset();
    }
    if (violated) this.violations++;
    this.minutes++;
    this.minuteStart += MINUTE_MS;
  }
}
