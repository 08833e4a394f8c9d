/**
 * The interface every rate-limiting algorithm implements. Amounts are in the limit's unit
 * (requests or tokens); times are milliseconds from the injected clock.
 *
 * `acquire` is allocation-free on purpose (it runs for every request, possibly several times):
 * it answers with a number rather than an object.
 */
import type { LimitAlgorithm } from '../policy/schema.js';

/** `acquire` answer: refused (nothing was taken). */
export const REJECTED = -1;

export interface RateLimiterConfig {
  /** Units allowed per period. */
  limit: number;
  /** Period length in milliseconds. */
  periodMs: number;
  /** Token bucket capacity / leaky bucket queue capacity, in units. Defaults to `limit`. */
  burst?: number;
}

export interface RateLimiter {
  readonly algorithm: LimitAlgorithm;
  /** Most units that can be admitted at once (x-ratelimit-limit). */
  readonly capacity: number;
  /**
   * Takes `amount` units at `now` if the limit allows. Returns REJECTED (-1) when refused (and
   * takes nothing), 0 when admitted now, or a delay in ms after which the request may proceed
   * (the leaky bucket shapes traffic by delaying admitted requests).
   */
  acquire(amount: number, now: number): number;
  /**
   * Charges more (delta > 0) or gives back (delta < 0) after the fact: refunds an admission that
   * a later limit refused, and reconciles reserved `max_tokens` with actual usage. `chargedAt`
   * (default `now`) is when the units being corrected were taken: a window algorithm gives a
   * refund back to the window that holds that time, and drops it once that window has passed
   * (otherwise a refund of last window's reservation would free room in this one).
   */
  adjust(delta: number, now: number, chargedAt?: number): void;
  /** Milliseconds from `now` until `amount` could be admitted: 0 if now, Infinity if never. */
  waitTime(amount: number, now: number): number;
  /** Units that could be admitted now (x-ratelimit-remaining). */
  available(now: number): number;
  /** Changes limit and burst at run time (the controller retunes limits), keeping state. */
  reconfigure(config: RateLimiterConfig, now: number): void;
}
