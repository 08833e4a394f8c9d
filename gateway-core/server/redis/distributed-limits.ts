/**
 * Checks a request against its global limits through Redis, exactly (one atomic script call per
 * limit) or leased (LeasedQuota), and decides what happens when Redis is unreachable: each limit
 * declares fail-open (a local FallbackBuckets limiter takes over on this replica) or fail-closed
 * (refused, retry after 1 s). A Redis error never makes a request wait longer than the client's
 * command timeout; health flips back on the next success or on reconnection, and local state is
 * dropped then, so recovery needs no operator.
 *
 * All limits of a request must admit it; if one refuses after others admitted, those are
 * refunded, so a refused request costs nothing.
 */
import type { Redis } from 'ioredis';
import { FallbackBuckets } from './fallback-bucket.js';
import type { DecisionSource, GlobalDecision, GlobalLimit } from './global-limit.js';
import { LeasedQuota } from './leased-quota.js';
import { QuotaStore } from './quota-store.js';

const PROBE_INTERVAL_MS = 500;

export type CoordinationMode = 'exact' | 'leased';

export interface DistributedLimitsOptions {
  client: Redis;
  mode: CoordinationMode;
  /** Leased mode: units per lease (default 20) and how long an unspent lease lives (default 1 s). */
  leaseSize?: number;
  leaseTtlMs?: number;
  /** The wall clock, ms. */
  now: () => number;
  /** Told on each change of Redis health (the server logs it and sets sluice_redis_up). */
  onHealth?: (up: boolean, reason: string) => void;
  /** Told on each decision taken without Redis (the server counts sluice_limit_fallback_total). */
  onFallback?: (limit: GlobalLimit, source: DecisionSource) => void;
}

export interface LimitCheck {
  limit: GlobalLimit;
  amount: number;
}

export interface RequestDecision extends GlobalDecision {
  /** The binding limit (the refusing one, else the one with least remaining). */
  binding: GlobalLimit | null;
}

export class DistributedLimits {
  readonly mode: CoordinationMode;
  private readonly store: QuotaStore;
  private readonly leased: LeasedQuota | null;
  private readonly fallback = new FallbackBuckets();
  private up = true;
  /** While down, one call in a while still tries Redis (a timeout does not close the connection). */
  private nextProbeAt = 0;
  /** Exact-mode Redis calls (leased mode counts its own). */
  private exactCalls = 0;

  constructor(private readonly opts: DistributedLimitsOptions) {
    this.mode = opts.mode;
    this.store = new QuotaStore(opts.client);
    this.leased =
      opts.mode === 'leased'
        ? new LeasedQuota(this.store, opts.leaseSize ?? 20, opts.leaseTtlMs ?? 1000, opts.now)
        : null;
    opts.client.on('ready', () => this.setHealth(true, 'reconnected'));
    opts.client.on('close', () => this.setHealth(false, 'connection closed'));
  }

  get redisUp(): boolean {
    return this.up;
  }

  get redisCalls(): number {
    return this.exactCalls + (this.leased?.redisCalls ?? 0);
  }

  private setHealth(up: boolean, reason: string): void {
    if (up === this.up) return;
    this.up = up;
    if (!up) this.nextProbeAt = this.opts.now() + PROBE_INTERVAL_MS;
    if (up) {
      // Shared state is the truth again: forget what was decided locally meanwhile.
      this.fallback.clear();
      this.leased?.clear();
    }
    this.opts.onHealth?.(up, reason);
  }

  private withoutRedis(limit: GlobalLimit, amount: number): GlobalDecision {
    if (limit.failMode === 'closed') {
      this.opts.onFallback?.(limit, 'fail-closed');
      return { allowed: false, remaining: 0, retryAfterMs: 1000, source: 'fail-closed' };
    }
    this.opts.onFallback?.(limit, 'fallback');
    const wait = this.fallback.take(limit, amount, this.opts.now());
    return {
      allowed: wait === 0,
      remaining: this.fallback.remaining(limit),
      retryAfterMs: wait,
      source: 'fallback',
    };
  }

  /** One limit, one decision. Never throws: Redis errors turn into the limit's fail mode. */
  async acquireOne(limit: GlobalLimit, amount: number): Promise<GlobalDecision> {
    if (!this.up) {
      const now = this.opts.now();
      if (now < this.nextProbeAt || this.opts.client.status !== 'ready')
        return this.withoutRedis(limit, amount);
      this.nextProbeAt = now + PROBE_INTERVAL_MS;
    }
    try {
      if (this.leased !== null) {
        const r = await this.leased.acquire(limit, amount);
        this.setHealth(true, 'command succeeded');
        return { ...r, source: 'lease' };
      }
      this.exactCalls++;
      const [granted, remaining, retry] = await this.store.take(limit, amount, 'exact');
      this.setHealth(true, 'command succeeded');
      return { allowed: granted > 0, remaining, retryAfterMs: granted > 0 ? 0 : retry, source: 'redis' };
    } catch (e) {
      this.setHealth(false, e instanceof Error ? e.message : String(e));
      return this.withoutRedis(limit, amount);
    }
  }

  /** All limits of one request; refunds the admitted ones when a later one refuses. */
  async acquire(checks: readonly LimitCheck[]): Promise<RequestDecision> {
    let best: RequestDecision = {
      allowed: true,
      remaining: Infinity,
      retryAfterMs: 0,
      source: 'redis',
      binding: null,
    };
    const taken: LimitCheck[] = [];
    for (const c of checks) {
      const d = await this.acquireOne(c.limit, c.amount);
      if (!d.allowed) {
        for (const t of taken) void this.adjust(t.limit, -t.amount);
        return { ...d, binding: c.limit };
      }
      taken.push(c);
      if (d.remaining < best.remaining) best = { ...d, binding: c.limit };
    }
    return best;
  }

  /** Charges (delta > 0) or refunds (delta < 0) after the fact. Best effort: never throws. */
  async adjust(limit: GlobalLimit, delta: number): Promise<void> {
    if (delta === 0 || !this.up) return;
    try {
      if (this.leased !== null) this.leased.adjust(limit, delta);
      else {
        this.exactCalls++;
        await this.store.take(limit, delta, 'adjust');
      }
    } catch (e) {
      this.setHealth(false, e instanceof Error ? e.message : String(e));
    }
  }
}
