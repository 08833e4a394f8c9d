/**
 * Token bucket: a bucket of `capacity` tokens refilled continuously at `rate`; a request takes
 * `amount` tokens or is refused.
 *
 *   rate      = limit / periodMs                               (units per ms)
 *   capacity  = burst ?? limit                                 (starts full)
 *   tokens(t) = min(capacity, tokens(last) + (t - last) * rate)  (lazy refill, no timers)
 *   acquire(a, t): admit iff a <= tokens(t), then tokens -= a
 *   waitTime(a, t) = (a - tokens(t)) / rate
 *
 * Bound: over any interval [s, s + w], admitted <= capacity + rate * w.
 *
 * The level is stored scaled by periodMs (level = tokens * periodMs, so refill = elapsed * limit):
 * with integer limits, periods and times every operation is exact integer arithmetic, and no
 * rounding of limit / periodMs can creep into the counts.
 */
import type { RateLimiter, RateLimiterConfig } from './rate-limiter.js';
import { REJECTED } from './rate-limiter.js';
import {
  ADMISSION_SLACK,
  type AdmissionProbe,
  badAmount,
  settleWait,
  validateRateLimiterConfig,
} from './rate-limiter-config.js';

export class TokenBucket implements RateLimiter, AdmissionProbe {
  readonly algorithm = 'token-bucket' as const;
  private limit = 0;
  private periodMs = 0;
  private cap = 0;
  /** capacity * periodMs: a full bucket, scaled. */
  private full = 0;
  /** Admission slack, scaled (see ADMISSION_SLACK). */
  private slack = 0;
  /** tokens * periodMs as of `last`. May go negative after adjust() charges more than was left. */
  private level = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(config: RateLimiterConfig) {
    this.configure(config);
    this.level = this.full;
  }

  get capacity(): number {
    return this.cap;
  }

  acquire(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    if (amount > this.cap) return REJECTED;
    this.refill(now);
    const need = amount * this.periodMs;
    if (need > this.level + this.slack) return REJECTED;
    this.level -= need;
    return 0;
  }

  adjust(delta: number, now: number): void {
    this.refill(now);
    this.level -= delta * this.periodMs;
    // A refund cannot overfill the bucket.
    if (this.level > this.full) this.level = this.full;
  }

  waitTime(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    if (amount > this.cap) return Number.POSITIVE_INFINITY;
    this.refill(now);
    const deficit = amount * this.periodMs - this.level;
    if (deficit <= this.slack) return 0;
    // The level is as of `last`, which a stale `now` may precede.
    const behind = this.last > now ? this.last - now : 0;
    return settleWait(this, amount, now, behind + deficit / this.limit);
  }

  /** Whether acquire(amount, t) would admit, with the same arithmetic; changes nothing. */
  admitsAt(amount: number, t: number): boolean {
    if (amount > this.cap) return false;
    let level = this.level;
    if (t > this.last) level = Math.min(level + (t - this.last) * this.limit, this.full);
    return amount * this.periodMs <= level + this.slack;
  }

  available(now: number): number {
    this.refill(now);
    return this.level > 0 ? this.level / this.periodMs : 0;
  }

  /** Keeps the tokens in the bucket (as units), clipped to the new capacity. */
  reconfigure(config: RateLimiterConfig, now: number): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.refill(now);
    const tokens = this.level / this.periodMs;
    this.configure(config);
    this.level = Math.min(tokens * this.periodMs, this.full);
  }

  private configure(config: RateLimiterConfig): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.limit = config.limit;
    this.periodMs = config.periodMs;
    this.cap = config.burst ?? config.limit;
    this.full = this.cap * this.periodMs;
    this.slack = this.full * ADMISSION_SLACK;
  }

  private refill(now: number): void {
    // Time never runs backwards here: a stale `now` (another caller's older reading) refills nothing.
    if (now <= this.last) return;
    const level = this.level + (now - this.last) * this.limit;
    this.level = Math.min(level, this.full);
    this.last = now;
  }
}
