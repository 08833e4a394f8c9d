/**
 * The Lua scripts behind fleet-wide concurrency limits. Each scope (tenant, key, model) is a
 * sorted set of request ids scored by lease expiry (Redis `TIME`, ms), so a crashed replica's
 * requests stop counting once their leases run out:
 *
 *   acquire: for every scope  ZREMRANGEBYSCORE -inf now;  n = ZCARD
 *            admit iff every scope has n < max (or already holds the id); then ZADD now + lease
 *            in every scope, all in one atomic call (all scopes or none)
 *   renew:   ZADD now + lease for each (scope, id) still running (re-adds after a Redis restart)
 *   release: ZREM the id from each scope
 *
 * Every key's PEXPIRE is pushed to lease + 1 s on each write, so idle scopes vanish by themselves.
 * The scripts touch several keys: on Redis Cluster the scope keys would need one hash slot.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** KEYS: scope sets; ARGV[1] id, ARGV[2] leaseMs, ARGV[2 + i] max of KEYS[i]. Returns {admitted, refusing index, its count}. */
export const CONCURRENCY_ACQUIRE_LUA = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]; local lease = tonumber(ARGV[2])
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  local n = redis.call('ZCARD', KEYS[i])
  if n >= tonumber(ARGV[2 + i]) and not redis.call('ZSCORE', KEYS[i], id) then return {0, i, n} end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now + lease, id)
  redis.call('PEXPIRE', KEYS[i], lease + 1000)
end
return {1, 0, 0}
`;

/** KEYS: scope sets; ARGV[1] leaseMs, ARGV[1 + i] the id held in KEYS[i]. */
export const CONCURRENCY_RENEW_LUA = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[1 + i])
  redis.call('PEXPIRE', KEYS[i], lease + 1000)
end
return #KEYS
`;

/** KEYS: scope sets; ARGV[i] the id to remove from KEYS[i]. */
export const CONCURRENCY_RELEASE_LUA = `
local n = 0
for i = 1, #KEYS do n = n + redis.call('ZREM', KEYS[i], ARGV[i]) end
return n
`;

/** A multi-key script run by EVALSHA, sent again with EVAL when Redis answers NOSCRIPT (after a restart). */
export class MultiKeyScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('NOSCRIPT')) throw e;
      return await client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

export const acquireScript = new MultiKeyScript(CONCURRENCY_ACQUIRE_LUA);
export const renewScript = new MultiKeyScript(CONCURRENCY_RENEW_LUA);
export const releaseScript = new MultiKeyScript(CONCURRENCY_RELEASE_LUA);
