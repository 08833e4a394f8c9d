/**
 * The exact-match response cache: a time-to-live, a byte budget, and LRU or LFU eviction.
 *
 *   stored at t with ttl  ->  served while now < t + ttl, expired from now >= t + ttl
 *   invariant: bytes = sum of stored entries' bytes <= maxBytes (and entries <= maxEntries)
 *
 * Room for a new entry is made first from expired entries (oldest first: storage order is
 * expiry order while the TTL is fixed), then by evicting the eviction order's victim, so live
 * entries are never evicted while dead ones hold space. An entry larger than the whole budget
 * is not stored. Replacing a key stores it afresh (its LFU count restarts at 1).
 * Expiry is lazy (on `get` and on `set`/`purge`), so time is only ever passed in.
 */
import { CacheEntry, type EvictionOrder } from './cache-entry.js';
import { LfuOrder } from './lfu-order.js';
import { LruOrder } from './lru-order.js';

export type EvictionPolicy = 'lru' | 'lfu';

export interface ResponseCacheConfig {
  maxBytes: number;
  ttlMs: number;
  eviction: EvictionPolicy;
  /** Optional bound on the number of entries (Infinity when absent). */
  maxEntries?: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries removed to make room. */
  evictions: number;
  /** Entries removed because their TTL ran out. */
  expirations: number;
  bytes: number;
  entries: number;
  /** hits / (hits + misses); 0 before the first lookup. */
  hitRatio: number;
}

export interface PrewarmEntry<V> {
  key: string;
  value: V;
  bytes: number;
}

function checkConfig(c: ResponseCacheConfig): ResponseCacheConfig {
  if (!(c.maxBytes > 0)) throw new RangeError(`ResponseCache: maxBytes must be > 0, got ${c.maxBytes}`);
  if (!(c.ttlMs > 0)) throw new RangeError(`ResponseCache: ttlMs must be > 0, got ${c.ttlMs}`);
  if (c.eviction !== 'lru' && c.eviction !== 'lfu')
    throw new RangeError(`ResponseCache: eviction must be lru or lfu, got ${String(c.eviction)}`);
  if (c.maxEntries !== undefined && !(c.maxEntries >= 1))
    throw new RangeError(`ResponseCache: maxEntries must be >= 1, got ${c.maxEntries}`);
  return c;
}

export class ResponseCache<V> {
  readonly eviction: EvictionPolicy;
  private maxBytes: number;
  private ttlMs: number;
  private readonly maxEntries: number;
  private readonly map = new Map<string, CacheEntry<V>>();
  private readonly order: EvictionOrder<V>;
  /** Storage order, oldest first: the expiry queue. */
  private oldest: CacheEntry<V> | null = null;
  private newest: CacheEntry<V> | null = null;
  private bytesUsed = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private expirations = 0;

  constructor(config: ResponseCacheConfig) {
    checkConfig(config);
    this.eviction = config.eviction;
    this.maxBytes = config.maxBytes;
    this.ttlMs = config.ttlMs;
    this.maxEntries = config.maxEntries ?? Number.POSITIVE_INFINITY;
    this.order = config.eviction === 'lru' ? new LruOrder<V>() : new LfuOrder<V>();
  }

  /** The value stored under `key` if still fresh at `now` (a hit counts as a use). */
  get(key: string, now: number): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    if (now >= e.expiresAt) {
      this.removeEntry(e);
      this.expirations++;
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.order.touch(e);
    return e.value;
  }

  /** Whether a fresh entry exists, without counting a lookup or a use. */
  has(key: string, now: number): boolean {
    const e = this.map.get(key);
    return e !== undefined && now < e.expiresAt;
  }

  /** Stores a response of `bytes` bytes; false when it is larger than the whole budget. */
  set(key: string, value: V, bytes: number, now: number): boolean {
    if (!(bytes >= 0) || !Number.isFinite(bytes))
      throw new RangeError(`ResponseCache.set: bytes must be finite and >= 0, got ${bytes}`);
    const old = this.map.get(key);
    if (old !== undefined) this.removeEntry(old);
    if (bytes > this.maxBytes) return false;
    this.purge(now);
    while (this.bytesUsed + bytes > this.maxBytes || this.map.size + 1 > this.maxEntries) {
      const victim = this.order.victim();
      if (victim === null) break;
      this.removeEntry(victim);
      this.evictions++;
    }
    const e = new CacheEntry(key, value, bytes, now + this.ttlMs);
    this.map.set(key, e);
    this.order.add(e);
    e.older = this.newest;
    if (this.newest) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
    this.bytesUsed += bytes;
    return true;
  }

  /** Stores entries chosen ahead of demand (e.g. by the controller's forecast); returns how many fit. */
  prewarm(entries: Iterable<PrewarmEntry<V>>, now: number): number {
    let stored = 0;
    for (const p of entries) if (this.set(p.key, p.value, p.bytes, now)) stored++;
    return stored;
  }

  delete(key: string): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.removeEntry(e);
    return true;
  }

  /** Removes entries expired by `now`, oldest first; returns how many. */
  purge(now: number): number {
    let n = 0;
    while (this.oldest !== null && now >= this.oldest.expiresAt) {
      this.removeEntry(this.oldest);
      this.expirations++;
      n++;
    }
    return n;
  }

  /** Retunes the budget (evicting down to it at once) and the TTL of entries stored from now on. */
  reconfigure(config: { maxBytes?: number; ttlMs?: number }): void {
    checkConfig({
      maxBytes: config.maxBytes ?? this.maxBytes,
      ttlMs: config.ttlMs ?? this.ttlMs,
      eviction: this.eviction,
    });
    if (config.ttlMs !== undefined) this.ttlMs = config.ttlMs;
    if (config.maxBytes !== undefined) {
      this.maxBytes = config.maxBytes;
      while (this.bytesUsed > this.maxBytes) {
        const victim = this.order.victim();
        if (victim === null) break;
        this.removeEntry(victim);
        this.evictions++;
      }
    }
  }

  get size(): number {
    return this.map.size;
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      expirations: this.expirations,
      bytes: this.bytesUsed,
      entries: this.map.size,
      hitRatio: lookups === 0 ? 0 : this.hits / lookups,
    };
  }

  private removeEntry(e: CacheEntry<V>): void {
    this.map.delete(e.key);
    this.order.remove(e);
    if (e.older) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = null;
    e.newer = null;
    this.bytesUsed -= e.bytes;
  }
}
