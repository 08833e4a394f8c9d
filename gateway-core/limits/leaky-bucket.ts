/**
 * Leaky bucket as a shaper (GCRA, virtual scheduling): admitted requests wait in a queue that
 * drains at `rate`; acquire() answers with the delay until the request leaves the queue, and
 * refuses a request that would make the queue hold more than `burst` units.
 *
 *   T        = periodMs / limit                  (ms per unit: the emission interval)
 *   B        = burst ?? limit                    (queue size, in units)
 *   TAT                                           (theoretical arrival time: when the queue is empty)
 *   acquire(a, t):
 *     start = max(t, TAT)                         (the request leaves when those ahead have)
 *     refuse if start + a * T - t > B * T         (the queue would hold more than B units)
 *     TAT   = start + a * T
 *     return start - t                            (0 when the queue was empty)
 *   waitTime(a, t) = max(0, max(t, TAT) + (a - B) * T - t)   (until acquire stops refusing;
 *                                                             acquire may still delay)
 *
 * Delays are exact multiples of T for unit requests arriving together: 0, T, 2T, ...
 * Bounds: consecutive departures are spaced by at least (amount of the earlier) * T, and the
 * queue (TAT - t) / T never exceeds B after an acquire. adjust() may push it beyond B (a debt
 * that later requests wait out).
 *
 * TAT is stored scaled by limit (a unit adds periodMs) and relative to a moving origin: integer
 * configs and times stay in exact integer arithmetic, and k * T is computed as (k * periodMs) /
 * limit, with a single rounding.
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

export class LeakyBucket implements RateLimiter, AdmissionProbe {
  readonly algorithm = 'leaky-bucket' as const;
  private limit = 0;
  private periodMs = 0;
  private queueUnits = 0;
  /** B * T, scaled: the most the queue may hold. */
  private queueScaled = 0;
  private slack = 0;
  /**
   * TAT is kept as vt = (TAT - origin) * limit. The origin moves to `now` whenever the queue is
   * empty, so the numbers stay the size of one busy period: at epoch-ms clocks (~1.7e12) an
   * absolute now * limit would lose whole units to rounding.
   */
  private origin = 0;
  private vt = 0;

  constructor(config: RateLimiterConfig) {
    this.configure(config);
  }

  get capacity(): number {
    return this.queueUnits;
  }

  acquire(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    const nowScaled = this.scaledNow(now);
    const start = Math.max(this.vt, nowScaled);
    const end = start + amount * this.periodMs;
    if (end - nowScaled > this.queueScaled + this.slack) return REJECTED;
    this.vt = end;
    return (start - nowScaled) / this.limit;
  }

  adjust(delta: number, now: number): void {
    const nowScaled = this.scaledNow(now);
    const start = Math.max(this.vt, nowScaled);
    // A refund empties the queue at most.
    this.vt = Math.max(start + delta * this.periodMs, nowScaled);
  }

  waitTime(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    if (amount > this.queueUnits) return Number.POSITIVE_INFINITY;
    const nowScaled = this.scaledNow(now);
    const start = Math.max(this.vt, nowScaled);
    const over = start + amount * this.periodMs - nowScaled - this.queueScaled;
    return over > this.slack ? settleWait(this, amount, now, over / this.limit) : 0;
  }

  /** Whether acquire(amount, t) would admit (not refuse), with the same arithmetic; changes nothing. */
  admitsAt(amount: number, t: number): boolean {
    const nowScaled = (t - this.origin) * this.limit;
    // An empty queue: acquire would re-base to t and compare amount * periodMs alone.
    if (nowScaled >= this.vt) return amount * this.periodMs <= this.queueScaled + this.slack;
    return this.vt + amount * this.periodMs - nowScaled <= this.queueScaled + this.slack;
  }

  available(now: number): number {
    const nowScaled = this.scaledNow(now); // first: it may re-base vt
    const room = this.queueScaled - (this.vt - nowScaled);
    return room > 0 ? room / this.periodMs : 0;
  }

  /** Keeps the queued units; they drain at the new rate. */
  reconfigure(config: RateLimiterConfig, now: number): void {
    validateRateLimiterConfig(this.algorithm, config);
    const queuedUnits = this.queued(now);
    this.configure(config);
    this.origin = now;
    this.vt = queuedUnits * this.periodMs;
  }

  /** Units waiting in the queue at `now` (the backlog the next request queues behind). */
  queued(now: number): number {
    const nowScaled = this.scaledNow(now); // first: it may re-base vt
    return (this.vt - nowScaled) / this.periodMs;
  }

  private configure(config: RateLimiterConfig): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.limit = config.limit;
    this.periodMs = config.periodMs;
    this.queueUnits = config.burst ?? config.limit;
    this.queueScaled = this.queueUnits * this.periodMs;
    this.slack = this.queueScaled * ADMISSION_SLACK;
  }

  /** (now - origin) * limit, re-basing the origin to now when the queue is empty (changes no decision). */
  private scaledNow(now: number): number {
    const nowScaled = (now - this.origin) * this.limit;
    if (nowScaled < this.vt) return nowScaled;
    this.origin = now;
    this.vt = 0;
    return 0;
  }
}
