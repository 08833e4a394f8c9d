/**
 * Leader election through one Redis key, so a second controller can stand by:
 *
 *   acquire  SET key id NX PX ttl                        (only when nobody holds it)
 *   renew    if GET key == id then PEXPIRE key ttl        (Lua: only the holder extends it)
 *   release  if GET key == id then DEL key                (Lua: never deletes another's lock)
 *
 * `tick()` renews while leading and tries to acquire otherwise; call it every ttl/3 or more
 * often. A leader that dies stops renewing, its key expires after at most ttl, and the next
 * standby `tick()` takes over. Leadership is also bounded locally: `isLeader()` turns false
 * once ttl - safetyMs has passed since the last successful acquire or renew was SENT, so a
 * leader cut off from Redis stops acting before any standby can acquire (clocks of the two
 * processes need not agree; only each one's own elapsed time counts).
 */
import type { Redis } from 'ioredis';

const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export interface LeaderLockOptions {
  redis: Redis;
  /** This controller's id (stored as the key's value). */
  id: string;
  key?: string;
  ttlMs: number;
  /** Margin before the ttl at which this process stops counting itself leader (default ttl / 5). */
  safetyMs?: number;
  /** Elapsed-time clock of this process (ms). */
  now: () => number;
}

export type LockEvent = 'acquired' | 'renewed' | 'lost' | 'standby' | 'error';

export class LeaderLock {
  readonly key: string;
  readonly id: string;
  readonly ttlMs: number;
  private readonly safetyMs: number;
  private validUntil = Number.NEGATIVE_INFINITY;
  private leading = false;
  /** The last error talking to Redis (null after a successful call). */
  lastError: string | null = null;

  constructor(private readonly o: LeaderLockOptions) {
    if (!(o.ttlMs > 0)) throw new RangeError('LeaderLock: ttlMs must be > 0');
    this.key = o.key ?? 'sluice:controller:leader';
    this.id = o.id;
    this.ttlMs = o.ttlMs;
    this.safetyMs = o.safetyMs ?? o.ttlMs / 5;
  }

  isLeader(): boolean {
    return this.leading && this.o.now() < this.validUntil;
  }

  /** Renews (leader) or tries to acquire (standby); says what happened. Never throws. */
  async tick(): Promise<LockEvent> {
    const sent = this.o.now();
    const wasLeader = this.isLeader();
    try {
      let ok: boolean;
      if (this.leading) {
        ok = Number(await this.o.redis.eval(RENEW_LUA, 1, this.key, this.id, String(this.ttlMs))) === 1;
        // Someone else's key (ours expired while we were away): try a fresh acquire.
        if (!ok) ok = await this.acquire();
      } else ok = await this.acquire();
      this.lastError = null;
      if (ok) {
        this.leading = true;
        this.validUntil = sent + this.ttlMs - this.safetyMs;
        return wasLeader ? 'renewed' : 'acquired';
      }
      this.leading = false;
      return wasLeader ? 'lost' : 'standby';
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      // Keep the local lease: it runs out by itself before the key can expire in Redis.
      if (wasLeader && !this.isLeader()) {
        this.leading = false;
        return 'lost';
      }
      return 'error';
    }
  }

  private async acquire(): Promise<boolean> {
    return (await this.o.redis.set(this.key, this.id, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  /** Gives the lock up (only if still ours), so a standby need not wait for the ttl. */
  async release(): Promise<void> {
    this.leading = false;
    this.validUntil = Number.NEGATIVE_INFINITY;
    try {
      await this.o.redis.eval(RELEASE_LUA, 1, this.key, this.id);
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
    }
  }

  /** Who holds the lock now (null: nobody). */
  async holder(): Promise<string | null> {
    return await this.o.redis.get(this.key);
  }
}
