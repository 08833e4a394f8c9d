/**
 * Sliding window log: exact. Every admission is logged as (time, amount); an entry counts until
 * it is periodMs old.
 *
 *   used(t) = sum of amount over entries with t - time < periodMs
 *   acquire(a, t): admit iff used(t) + a <= limit, then log (t, a)
 *   waitTime(a, t) = time_i + periodMs - t for the oldest entry i whose expiry frees enough
 *
 * Bound: <= limit within every window [s, s + periodMs), aligned or not.
 *
 * The log is a ring buffer of two Float64Arrays, grown by doubling (never on a steady-state
 * acquire) up to ceil(limit) entries: with amounts of at least one unit the window can never
 * hold more. Smaller amounts that would overflow it are folded into the newest entry, re-stamped
 * at the later time (so they expire later: conservative, never over-admitting).
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

const INITIAL_ENTRIES = 16;

export class SlidingWindowLog implements RateLimiter, AdmissionProbe {
  readonly algorithm = 'sliding-log' as const;
  private limit = 0;
  private periodMs = 0;
  private slack = 0;
  private maxEntries = 1;
  private times: Float64Array;
  private amounts: Float64Array;
  /** Index of the oldest entry, and how many entries are live. */
  private head = 0;
  private count = 0;
  /** Sum of the live entries' amounts. */
  private used = 0;

  constructor(config: RateLimiterConfig) {
    this.configure(config);
    const size = Math.min(INITIAL_ENTRIES, this.maxEntries);
    this.times = new Float64Array(size);
    this.amounts = new Float64Array(size);
  }

  get capacity(): number {
    return this.limit;
  }

  /** Entries held now (for tests and memory accounting). */
  get entries(): number {
    return this.count;
  }

  acquire(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    this.expire(now);
    if (this.used + amount > this.limit + this.slack) return REJECTED;
    this.append(amount, now);
    return 0;
  }

  adjust(delta: number, now: number, chargedAt = now): void {
    this.expire(now);
    if (delta > 0) this.append(delta, now);
    // A refund of units that have already left the window has nothing left to give back.
    else if (delta < 0 && now - chargedAt < this.periodMs) this.refund(-delta);
  }

  waitTime(amount: number, now: number): number {
    if (!(amount >= 0 && amount < Number.POSITIVE_INFINITY)) badAmount(amount);
    if (amount > this.limit) return Number.POSITIVE_INFINITY;
    this.expire(now);
    const excess = this.used + amount - this.limit;
    if (excess <= this.slack) return 0;
    const size = this.times.length;
    let freed = 0;
    for (let k = 0, i = this.head; k < this.count; k++, i = i + 1 === size ? 0 : i + 1) {
      freed += this.amounts[i];
      if (freed + this.slack >= excess)
        return settleWait(this, amount, now, this.times[i] + this.periodMs - now);
    }
    // Unreachable while used equals the sum of the entries; kept as a safe answer.
    return this.periodMs;
  }

  /** Whether acquire(amount, t) would admit, with the same arithmetic; changes nothing. */
  admitsAt(amount: number, t: number): boolean {
    let used = this.used;
    let k = 0;
    for (let i = this.head; k < this.count && t - this.times[i] >= this.periodMs; k++) {
      used -= this.amounts[i];
      i = i + 1 === this.times.length ? 0 : i + 1;
    }
    if (k === this.count) used = 0;
    return used + amount <= this.limit + this.slack;
  }

  available(now: number): number {
    this.expire(now);
    return this.used < this.limit ? this.limit - this.used : 0;
  }

  /** Keeps the log; entries expire by the new period from now on. */
  reconfigure(config: RateLimiterConfig, now: number): void {
    this.configure(config);
    this.expire(now);
    // Fold the oldest entries into their successors until the log fits the new bound.
    while (this.count > this.maxEntries) {
      const next = this.head + 1 === this.times.length ? 0 : this.head + 1;
      this.amounts[next] += this.amounts[this.head];
      this.head = next;
      this.count--;
    }
    if (this.times.length > this.maxEntries) this.resize(this.maxEntries);
  }

  private configure(config: RateLimiterConfig): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.limit = config.limit;
    this.periodMs = config.periodMs;
    this.slack = this.limit * ADMISSION_SLACK;
    this.maxEntries = Math.max(1, Math.ceil(this.limit));
  }

  private expire(now: number): void {
    const size = this.times.length;
    while (this.count > 0 && now - this.times[this.head] >= this.periodMs) {
      this.used -= this.amounts[this.head];
      this.head = this.head + 1 === size ? 0 : this.head + 1;
      this.count--;
    }
    // Drop the rounding residue of fractional amounts once the log is empty.
    if (this.count === 0) this.used = 0;
  }

  private append(amount: number, now: number): void {
    if (amount === 0) return;
    this.used += amount;
    if (this.count > 0) {
      const newest = this.index(this.count - 1);
      // Same instant, or a stale `now`: merge, never log out of order.
      if (this.times[newest] >= now) {
        this.amounts[newest] += amount;
        return;
      }
      if (this.count === this.times.length) {
        if (this.times.length < this.maxEntries) {
          this.resize(Math.min(this.maxEntries, this.times.length * 2));
        } else {
          this.amounts[newest] += amount;
          this.times[newest] = now;
          return;
        }
      }
    }
    const slot = this.index(this.count);
    this.times[slot] = now;
    this.amounts[slot] = amount;
    this.count++;
  }

  /** Gives back the most recent admissions first (a refund undoes the latest charge). */
  private refund(amount: number): void {
    while (amount > 0 && this.count > 0) {
      const newest = this.index(this.count - 1);
      const take = Math.min(this.amounts[newest], amount);
      this.amounts[newest] -= take;
      this.used -= take;
      amount -= take;
      if (this.amounts[newest] <= 0) this.count--;
    }
    if (this.count === 0) this.used = 0;
  }

  private index(k: number): number {
    const i = this.head + k;
    return i < this.times.length ? i : i - this.times.length;
  }

  private resize(size: number): void {
    const times = new Float64Array(size);
    const amounts = new Float64Array(size);
    for (let k = 0; k < this.count; k++) {
      const i = this.index(k);
      times[k] = this.times[i];
      amounts[k] = this.amounts[i];
    }
    this.times = times;
    this.amounts = amounts;
    this.head = 0;
  }
}
