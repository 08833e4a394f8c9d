/**
 * Sliding window counter: two fixed-window counts, the previous window's weighted by how much of
 * it still overlaps a window of length periodMs ending now (Cloudflare's estimate).
 *
 *   k = floor(t / P), f = (t - k * P) / P            (elapsed fraction of the current window)
 *   estimate(t) = prev * (1 - f) + curr             (prev: window k - 1's count, curr: window k's)
 *   acquire(a, t): admit iff estimate(t) + a <= limit, then curr += a
 *   waitTime(a, t): the smallest f that makes the inequality hold, in this window
 *     (curr + a <= limit: f = 1 - (limit - curr - a) / prev) or the next one
 *     (prev' = curr, curr' = 0: f' = max(0, 1 - (limit - a) / curr))
 *
 * Bound (no adjust): within an aligned window, admitted <= limit (curr <= estimate). Within a
 * window [s, s + P) with s = (k - 1 + g) * P, 0 <= g < 1, admitted <= limit * (1 + g) < 2 * limit:
 * it holds A <= prev of window k - 1's admissions, and the last admission of window k inside it,
 * at fraction h < g, needed prev * (1 - h) + B <= limit, so A + B <= prev * g + limit <= limit * (1 + g).
 * The bound is approached by `limit` just before a boundary and a steady stream after it.
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

export class SlidingWindowCounter implements RateLimiter, AdmissionProbe {
  readonly algorithm = 'sliding-counter' as const;
  private limit = 0;
  private periodMs = 0;
  private slack = 0;
  private window = Number.NEGATIVE_INFINITY;
  private prev = 0;
  private curr = 0;

  constructor(config: RateLimiterConfig) {
    this.configure(config);
  }

  get capacity(): number {
    return this.limit;
  }

  acquire(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    this.roll(now);
    if (this.estimateAt(now) + amount > this.limit + this.slack) return REJECTED;
    this.curr += amount;
    return 0;
  }

  adjust(delta: number, now: number, chargedAt = now): void {
    this.roll(now);
    if (delta < 0) {
      // Refunds go back to the window that was charged: the previous one still weighs in the
      // estimate, older ones are gone.
      const charged = Math.floor(chargedAt / this.periodMs);
      if (charged === this.window - 1) this.prev = Math.max(0, this.prev + delta);
      else if (charged >= this.window) this.curr = Math.max(0, this.curr + delta);
      return;
    }
    this.curr += delta;
  }

  waitTime(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    if (amount > this.limit) return Number.POSITIVE_INFINITY;
    this.roll(now);
    if (this.estimateAt(now) + amount <= this.limit + this.slack) return 0;
    const start = this.window * this.periodMs;
    let at: number;
    if (this.curr + amount <= this.limit) {
      // Within this window: prev * (1 - f) <= limit - curr - amount (prev > 0 here, or it would fit).
      at = start + (1 - (this.limit - this.curr - amount) / this.prev) * this.periodMs;
    } else {
      // Next window: curr becomes prev (> 0 here, since amount <= limit).
      const f = 1 - (this.limit - amount) / this.curr;
      at = start + this.periodMs + Math.max(f, 0) * this.periodMs;
    }
    // Refused now, so the wait is positive even where rounding puts `at` on `now`.
    return settleWait(this, amount, now, Math.max(at - now, Number.MIN_VALUE));
  }

  /** Whether acquire(amount, t) would admit, with the same arithmetic; changes nothing. */
  admitsAt(amount: number, t: number): boolean {
    let window = this.window;
    let prev = this.prev;
    let curr = this.curr;
    const w = Math.floor(t / this.periodMs);
    if (w > window) {
      prev = w === window + 1 ? curr : 0;
      curr = 0;
      window = w;
    }
    const f = (t - window * this.periodMs) / this.periodMs;
    return prev * (1 - f) + curr + amount <= this.limit + this.slack;
  }

  available(now: number): number {
    this.roll(now);
    const room = this.limit - this.estimateAt(now);
    return Math.max(room, 0);
  }

  /** Keeps both counts; windows realign to the new period. */
  reconfigure(config: RateLimiterConfig, now: number): void {
    this.roll(now);
    this.configure(config);
    this.window = Math.floor(now / this.periodMs);
  }

  /** The estimate of units used in the window of length periodMs ending at `now`. */
  estimate(now: number): number {
    this.roll(now);
    return this.estimateAt(now);
  }

  private estimateAt(now: number): number {
    const f = (now - this.window * this.periodMs) / this.periodMs;
    return this.prev * (1 - f) + this.curr;
  }

  private configure(config: RateLimiterConfig): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.limit = config.limit;
    this.periodMs = config.periodMs;
    this.slack = this.limit * ADMISSION_SLACK;
  }

  private roll(now: number): void {
    const window = Math.floor(now / this.periodMs);
    if (window > this.window) {
      // The previous window's count carries over only if it is the adjacent one.
      this.prev = window === this.window + 1 ? this.curr : 0;
      this.curr = 0;
      this.window = window;
    }
  }
}
