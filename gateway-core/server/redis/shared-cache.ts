/**
 * The response cache's shared tier (L2): the engine's in-memory ResponseCache is L1 on each
 * replica; Redis holds the same entries for the fleet, so an answer fetched through one replica
 * is served by every other without touching the upstream.
 *
 *   lookup (L1 missed, request cacheable):  GET sluice:cache:v1:<cacheKey>  -> fill L1 -> engine hit
 *   fill   (upstream answered, cacheable):  SET sluice:cache:v1:<cacheKey> <body> PX ttl
 *                                           only when bytes <= maxEntryBytes
 *
 * A Redis error or timeout is a miss, never an error: after one, the tier is skipped for
 * `backoffMs` (no request waits on a Redis that is away), and used again by itself afterwards.
 * Entries are the upstream's JSON body bytes; L1 restarts an entry's TTL when it is filled from
 * L2, so an answer can be served up to 2 x ttl after the upstream gave it.
 */
import type { Redis } from 'ioredis';

const PREFIX = 'sluice:cache:v1:';

export type SharedCacheResult = 'hit' | 'miss' | 'error' | 'skipped' | 'stored' | 'too_large';

export interface SharedCacheOptions {
  client: Redis;
  /** Largest entry stored (default 1 MiB; the policy's cache.maxBytes caps it too). */
  maxEntryBytes?: number;
  /** How long the tier is skipped after a Redis error (default 1 s). */
  backoffMs?: number;
  now: () => number;
  /** Told on each lookup and fill (the server counts sluice_cache_shared_total{result}). */
  onResult?: (result: SharedCacheResult) => void;
}

export class SharedCache {
  readonly maxEntryBytes: number;
  private readonly client: Redis;
  private readonly backoffMs: number;
  private skipUntil = 0;

  constructor(private readonly opts: SharedCacheOptions) {
    this.client = opts.client;
    this.maxEntryBytes = opts.maxEntryBytes ?? 1024 * 1024;
    this.backoffMs = opts.backoffMs ?? 1000;
  }

  private usable(): boolean {
    return this.client.status === 'ready' && this.opts.now() >= this.skipUntil;
  }

  private failed(): void {
    this.skipUntil = this.opts.now() + this.backoffMs;
    this.opts.onResult?.('error');
  }

  /** The stored body, or null on a miss, an error, or while the tier is skipped. Never throws. */
  async get(cacheKey: string): Promise<Buffer | null> {
    if (!this.usable()) {
      this.opts.onResult?.('skipped');
      return null;
    }
    try {
      const v = await this.client.getBuffer(PREFIX + cacheKey);
      this.opts.onResult?.(v === null ? 'miss' : 'hit');
      return v;
    } catch {
      this.failed();
      return null;
    }
  }

  /**
   * Which of `cacheKeys` the tier holds now (one pipelined EXISTS each); null while the tier is
   * unusable or on an error. Never throws.
   */
  async present(cacheKeys: readonly string[]): Promise<boolean[] | null> {
    if (cacheKeys.length === 0) return [];
    if (!this.usable()) return null;
    try {
      const pipe = this.client.pipeline();
      for (const k of cacheKeys) pipe.exists(PREFIX + k);
      const replies = (await pipe.exec()) ?? [];
      const out: boolean[] = [];
      for (const [err, n] of replies) {
        if (err !== null) throw err;
        out.push(n === 1);
      }
      return out;
    } catch {
      this.failed();
      return null;
    }
  }

  /** Stores a body for `ttlMs` (fire and forget). `capBytes` is the policy's own bound, if any. */
  set(cacheKey: string, body: Buffer, ttlMs: number, capBytes = Number.POSITIVE_INFINITY): void {
    if (body.length > Math.min(this.maxEntryBytes, capBytes)) {
      this.opts.onResult?.('too_large');
      return;
    }
    if (!this.usable() || !(ttlMs > 0)) return;
    this.client.set(PREFIX + cacheKey, body, 'PX', Math.ceil(ttlMs)).then(
      () => this.opts.onResult?.('stored'),
      () => this.failed(),
    );
  }
}
