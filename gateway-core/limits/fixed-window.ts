/**
 * Fixed window counter: time is cut into windows aligned to multiples of periodMs from t = 0 on
 * the clock, and each window admits up to `limit` units.
 *
 *   window(t) = floor(t / periodMs)               (used resets to 0 when it changes)
 *   acquire(a, t): admit iff used + a <= limit, then used += a
 *   waitTime(a, t) = 0 if it fits, else (window(t) + 1) * periodMs - t
 *
 * Bounds: <= limit within an aligned window [k * P, (k + 1) * P); <= 2 * limit within an
 * unaligned window of length P (a full window's worth just before a boundary, another just
 * after). `burst` does not apply: capacity is the limit.
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

export class FixedWindow implements RateLimiter, AdmissionProbe {
  readonly algorithm = 'fixed-window' as const;
  private limit = 0;
  private periodMs = 0;
  private slack = 0;
  private window = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(config: RateLimiterConfig) {
    this.configure(config);
  }

  get capacity(): number {
    return this.limit;
  }

  acquire(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    this.roll(now);
    if (this.used + amount > this.limit + this.slack) return REJECTED;
    this.used += amount;
    return 0;
  }

  adjust(delta: number, now: number, chargedAt = now): void {
    this.roll(now);
    // A refund of an admission from an earlier window: that window's count is gone already.
    if (delta < 0 && Math.floor(chargedAt / this.periodMs) < this.window) return;
    this.used += delta;
    // A refund of an admission from an earlier window has nothing left to give back.
    if (this.used < 0) this.used = 0;
  }

  waitTime(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    if (amount > this.limit) return Number.POSITIVE_INFINITY;
    this.roll(now);
    if (this.used + amount <= this.limit + this.slack) return 0;
    return settleWait(this, amount, now, (this.window + 1) * this.periodMs - now);
  }

  /** Whether acquire(amount, t) would admit, with the same arithmetic; changes nothing. */
  admitsAt(amount: number, t: number): boolean {
    const used = Math.floor(t / this.periodMs) > this.window ? 0 : this.used;
    return used + amount <= this.limit + this.slack;
  }

  available(now: number): number {
    this.roll(now);
    return this.used < this.limit ? this.limit - this.used : 0;
  }

  /** Keeps what the current window used; windows realign to the new period. */
  reconfigure(config: RateLimiterConfig, now: number): void {
    this.roll(now);
    this.configure(config);
    this.window = Math.floor(now / this.periodMs);
  }

  private configure(config: RateLimiterConfig): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.limit = config.limit;
    this.periodMs = config.periodMs;
    this.slack = this.limit * ADMISSION_SLACK;
  }

  private roll(now: number): void {
    const window = Math.floor(now / this.periodMs);
    // Only forward: a stale `now` from an earlier window counts against the current one.
    if (window > this.window) {
      this.window = window;
      this.used = 0;
    }
  }
}
