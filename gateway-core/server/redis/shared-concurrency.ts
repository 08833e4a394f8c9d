/**
 * Fleet-wide concurrency limits (tenants.T.concurrency, tenants.T.keys.K.concurrency,
 * modelOverrides.M.concurrency): a request holds one lease per scope in Redis while it runs
 * (concurrency-scripts.ts), so N replicas hold a tenant to N in flight, not replicas x N.
 *
 *   admitted iff, for every scope, |{leases with expiry > now}| < max      (one atomic script)
 *   a lease lives leaseMs; a timer renews every held lease each leaseMs / 3, so a long request
 *   (a stream) keeps its slot, and a crashed replica's slots free themselves within leaseMs.
 *
 * Layering: this is checked before the engine's own (local) concurrency counters, which keep the
 * same numbers and so never bind while Redis answers. Redis down: failMode `open` skips the shared
 * check (the engine's local counter still holds each replica to the limit, so the fleet may run
 * replicas x max); `closed` refuses (429, retry after 1 s). Health is probed like
 * DistributedLimits: one call per 500 ms while down, and back on reconnection.
 */
import type { Redis } from 'ioredis';
import type { Identity } from '../../engine/types.js';
import type { PolicyDocument } from '../../policy/schema.js';
import { acquireScript, releaseScript, renewScript } from './concurrency-scripts.js';

const PROBE_INTERVAL_MS = 500;
/** Keys per renewal script call (Lua's unpack limit is far above; keeps each call short). */
const RENEW_BATCH = 500;

export type ConcurrencyFailMode = 'open' | 'closed';

/** One capped scope, named as the engine names its counters: `tenant:T`, `key:K`, `model:M`. */
export interface ConcurrencyScope {
  scope: string;
  max: number;
  /** Declared in the policy for this scope; the gateway's default when absent. */
  failMode?: ConcurrencyFailMode;
}

/** The scopes that cap a request, exactly as the engine's admission plan builds them. */
export function concurrencyScopes(doc: PolicyDocument, id: Identity, model: string): ConcurrencyScope[] {
  const out: ConcurrencyScope[] = [];
  const tenant = doc.tenants[id.tenant];
  if (tenant?.concurrency)
    out.push({ scope: `tenant:${id.tenant}`, max: tenant.concurrency, failMode: tenant.concurrencyFailMode });
  const key = tenant?.keys?.[id.keyId];
  if (key?.concurrency)
    out.push({ scope: `key:${id.keyId}`, max: key.concurrency, failMode: key.concurrencyFailMode });
  const m = doc.modelOverrides?.[model];
  if (m?.concurrency)
    out.push({ scope: `model:${model}`, max: m.concurrency, failMode: m.concurrencyFailMode });
  return out;
}

/** What a request holds until it ends (null: admitted without Redis, nothing to give back). */
export interface ConcurrencyLease {
  readonly id: string;
  readonly keys: readonly string[];
}

export type ConcurrencyDecision =
  | { allowed: true; lease: ConcurrencyLease | null; source: 'redis' | 'fallback' }
  | { allowed: false; binding: ConcurrencyScope; inFlight: number; source: 'redis' | 'fail-closed' };

export interface SharedConcurrencyOptions {
  client: Redis;
  /** How long a lease lives without renewal (default 10 s): a crashed replica's slots free after this. */
  leaseMs?: number;
  failMode?: ConcurrencyFailMode;
  now: () => number;
  onHealth?: (up: boolean, reason: string) => void;
  /** Told on each decision taken without Redis. */
  onFallback?: (scope: ConcurrencyScope, source: 'fallback' | 'fail-closed') => void;
}

export class SharedConcurrency {
  readonly leaseMs: number;
  readonly failMode: ConcurrencyFailMode;
  private readonly client: Redis;
  private readonly held = new Map<string, ConcurrencyLease>();
  private renewTimer: NodeJS.Timeout | null = null;
  private up = true;
  private nextProbeAt = 0;

  constructor(private readonly opts: SharedConcurrencyOptions) {
    this.client = opts.client;
    this.leaseMs = opts.leaseMs ?? 10_000;
    this.failMode = opts.failMode ?? 'open';
    opts.client.on('ready', () => this.setHealth(true, 'reconnected'));
    opts.client.on('close', () => this.setHealth(false, 'connection closed'));
  }

  get redisUp(): boolean {
    return this.up;
  }

  /** Leases this replica holds in Redis now. */
  get heldCount(): number {
    return this.held.size;
  }

  private setHealth(up: boolean, reason: string): void {
    if (up === this.up) return;
    this.up = up;
    if (!up) this.nextProbeAt = this.opts.now() + PROBE_INTERVAL_MS;
    this.opts.onHealth?.(up, reason);
  }

  /** Without Redis, each scope follows its own fail mode (the gateway's default where the policy sets none). */
  private withoutRedis(scopes: readonly ConcurrencyScope[]): ConcurrencyDecision {
    const closed = scopes.find((s) => (s.failMode ?? this.failMode) === 'closed');
    if (closed !== undefined) {
      this.opts.onFallback?.(closed, 'fail-closed');
      return { allowed: false, binding: closed, inFlight: 0, source: 'fail-closed' };
    }
    for (const s of scopes) this.opts.onFallback?.(s, 'fallback');
    return { allowed: true, lease: null, source: 'fallback' };
  }

  /** Takes a slot in every scope, or none. Never throws: Redis trouble turns into the fail mode. */
  async acquire(id: string, scopes: readonly ConcurrencyScope[]): Promise<ConcurrencyDecision> {
    if (!this.up) {
      const now = this.opts.now();
      if (now < this.nextProbeAt || this.client.status !== 'ready') return this.withoutRedis(scopes);
      this.nextProbeAt = now + PROBE_INTERVAL_MS;
    }
    const keys = scopes.map((s) => `sluice:conc:${s.scope}`);
    let reply: unknown;
    try {
      reply = await acquireScript.run(this.client, keys, [id, this.leaseMs, ...scopes.map((s) => s.max)]);
    } catch (e) {
      this.setHealth(false, e instanceof Error ? e.message : String(e));
      return this.withoutRedis(scopes);
    }
    this.setHealth(true, 'command succeeded');
    const [ok, index, count] = Array.isArray(reply) ? reply.map(Number) : [0, 1, 0];
    if (ok !== 1)
      return { allowed: false, binding: scopes[index - 1] ?? scopes[0], inFlight: count, source: 'redis' };
    const lease: ConcurrencyLease = { id, keys };
    this.held.set(id, lease);
    this.armRenewal();
    return { allowed: true, lease, source: 'redis' };
  }

  /** Gives the slots back (best effort: a lease Redis never hears about expires by itself). */
  release(lease: ConcurrencyLease | null): void {
    if (lease === null || !this.held.delete(lease.id)) return;
    if (this.held.size === 0) this.disarmRenewal();
    if (this.client.status !== 'ready') return;
    releaseScript
      .run(
        this.client,
        lease.keys,
        lease.keys.map(() => lease.id),
      )
      .catch((e: unknown) => {
        this.setHealth(false, e instanceof Error ? e.message : String(e));
      });
  }

  private armRenewal(): void {
    if (this.renewTimer !== null) return;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(10, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  private disarmRenewal(): void {
    if (this.renewTimer !== null) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** Pushes every held lease's expiry to now + leaseMs (re-adding it if Redis restarted empty). */
  async renew(): Promise<void> {
    if (this.client.status !== 'ready') return;
    let keys: string[] = [];
    let ids: string[] = [];
    const flush = async (): Promise<void> => {
      if (keys.length === 0) return;
      const k = keys;
      const a = ids;
      keys = [];
      ids = [];
      await renewScript.run(this.client, k, [this.leaseMs, ...a]);
    };
    try {
      for (const lease of this.held.values()) {
        for (const key of lease.keys) {
          keys.push(key);
          ids.push(lease.id);
        }
        if (keys.length >= RENEW_BATCH) await flush();
      }
      await flush();
      this.setHealth(true, 'renewal succeeded');
    } catch (e) {
      this.setHealth(false, e instanceof Error ? e.message : String(e));
    }
  }

  /** Stops renewing (on close); leases still held expire in Redis within leaseMs. */
  stop(): void {
    this.disarmRenewal();
  }
}
