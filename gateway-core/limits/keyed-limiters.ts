/**
 * One limit applied per key (per tenant, per API key, per user...): a map from the composite key
 * (limit-key.ts) to a limiter built on demand from one shared config.
 *
 * Memory stays bounded by the keys seen recently: every get() also examines up to `sweepBatch`
 * entries of the map (a cursor that walks it round and round, no timers) and evicts an entry
 * idle for more than `idlePeriods` periods whose limiter is back to its fresh state
 * (available == capacity). Eviction is therefore invisible: a key that returns gets a fresh
 * limiter that decides exactly as the evicted one would have. With k keys in the map a full
 * sweep takes k / sweepBatch calls.
 */
import type { LimitAlgorithm } from '../policy/schema.js';
import { createRateLimiter } from './limiter-factory.js';
import type { RateLimiter, RateLimiterConfig } from './rate-limiter.js';
import { validateRateLimiterConfig } from './rate-limiter-config.js';

export interface KeyedLimitersOptions {
  /** Idle time, in periods, after which a recovered limiter may be dropped (default 2). */
  idlePeriods?: number;
  /** Map entries examined per get() (default 2). */
  sweepBatch?: number;
}

interface Entry {
  readonly key: string;
  readonly limiter: RateLimiter;
  lastUsed: number;
}

export class KeyedLimiters {
  readonly algorithm: LimitAlgorithm;
  private cfg: RateLimiterConfig;
  private readonly map = new Map<string, Entry>();
  private readonly idlePeriods: number;
  private readonly sweepBatch: number;
  private idleMs: number;
  private cursor: Iterator<Entry> | null = null;
  private evictedCount = 0;

  constructor(algorithm: LimitAlgorithm, config: RateLimiterConfig, options: KeyedLimitersOptions = {}) {
    validateRateLimiterConfig(algorithm, config);
    this.algorithm = algorithm;
    this.cfg = { ...config };
    this.idlePeriods = options.idlePeriods ?? 2;
    this.sweepBatch = options.sweepBatch ?? 2;
    if (!(this.idlePeriods >= 0)) throw new RangeError(`KeyedLimiters: idlePeriods must be >= 0`);
    if (!(this.sweepBatch >= 0)) throw new RangeError(`KeyedLimiters: sweepBatch must be >= 0`);
    this.idleMs = this.idlePeriods * config.periodMs;
  }

  /** The config every limiter follows (a copy). */
  get config(): RateLimiterConfig {
    return { ...this.cfg };
  }

  /** Keys held now. */
  get size(): number {
    return this.map.size;
  }

  /** Limiters dropped so far by the sweep. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** The limiter for `key`, created if absent; marks the key used at `now`. */
  get(key: string, now: number): RateLimiter {
    if (this.sweepBatch > 0) this.sweep(now, this.sweepBatch);
    let entry = this.map.get(key);
    if (entry === undefined) {
      entry = { key, limiter: createRateLimiter(this.algorithm, this.cfg), lastUsed: now };
      this.map.set(key, entry);
    } else if (now > entry.lastUsed) {
      entry.lastUsed = now;
    }
    return entry.limiter;
  }

  /** The limiter for `key` if one is held, without creating or touching it. */
  peek(key: string): RateLimiter | undefined {
    return this.map.get(key)?.limiter;
  }

  /** Shorthand for get(key, now).acquire(amount, now). */
  acquire(key: string, amount: number, now: number): number {
    return this.get(key, now).acquire(amount, now);
  }

  /** Applies a new limit to every held limiter (each keeps its state) and to those made later. */
  reconfigure(config: RateLimiterConfig, now: number): void {
    validateRateLimiterConfig(this.algorithm, config);
    this.cfg = { ...config };
    this.idleMs = this.idlePeriods * config.periodMs;
    for (const entry of this.map.values()) entry.limiter.reconfigure(this.cfg, now);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  /**
   * Examines up to `max` entries from where the last sweep stopped and drops the idle, recovered
   * ones. Returns how many it dropped. sweep(now) with no max walks the whole map once.
   */
  sweep(now: number, max: number = this.map.size): number {
    let dropped = 0;
    for (let n = 0; n < max && this.map.size > 0; n++) {
      if (this.cursor === null) this.cursor = this.map.values();
      let step = this.cursor.next();
      if (step.done === true) {
        // Wrap around (a Map iterator also visits entries added after it started).
        this.cursor = this.map.values();
        step = this.cursor.next();
        if (step.done === true) break;
      }
      const entry = step.value;
      if (now - entry.lastUsed > this.idleMs && this.recovered(entry.limiter, now)) {
        // Deleting the entry under the cursor is safe: Map iterators tolerate it.
        this.map.delete(entry.key);
        dropped++;
      }
    }
    this.evictedCount += dropped;
    return dropped;
  }

  private recovered(limiter: RateLimiter, now: number): boolean {
    return limiter.available(now) >= limiter.capacity * (1 - 1e-9);
  }
}
