/**
 * The Lua scripts behind distributed limits: each decision is one atomic EVALSHA, timed by the
 * Redis server's own clock (TIME), so replicas with skewed clocks still share one limit.
 *
 * Token bucket (KEYS[1] a hash {tokens, ts}):
 *   tokens = min(burst, tokens + (now - ts) * rate);  admit amount iff tokens >= amount
 * Sliding window counter (KEYS[1] a prefix; counts per fixed window of `period` ms):
 *   estimate = prev * (1 - (now mod period) / period) + cur;  admit iff estimate + amount <= limit
 *   (fixed-window: prev weight 0)
 * Modes (ARGV[4]): 0 all-or-nothing, 1 partial grant (a lease takes what is there, up to amount),
 * 2 adjust (charge or refund `amount` unconditionally: reconciles reservations).
 * Every script returns {granted, remaining, retryAfterMs}.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export const TOKEN_BUCKET_LUA = `
local burst = tonumber(ARGV[1]); local rate = tonumber(ARGV[2])
local amount = tonumber(ARGV[3]); local mode = tonumber(ARGV[4])
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(h[1]); local ts = tonumber(h[2])
if tokens == nil then tokens = burst; ts = now end
if now > ts then tokens = math.min(burst, tokens + (now - ts) * rate); ts = now end
local granted = 0; local retry = 0
if mode == 2 then
  tokens = math.min(burst, tokens - amount); granted = amount
elseif tokens >= amount then
  tokens = tokens - amount; granted = amount
elseif mode == 1 and tokens >= 1 then
  granted = math.floor(tokens); tokens = tokens - granted
else
  if rate > 0 then retry = math.ceil((amount - math.max(tokens, 0)) / rate) else retry = -1 end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 60000)
return {granted, math.floor(math.max(tokens, 0)), retry}
`;

export const SLIDING_WINDOW_LUA = `
local limit = tonumber(ARGV[1]); local period = tonumber(ARGV[2])
local amount = tonumber(ARGV[3]); local mode = tonumber(ARGV[4]); local fixed = tonumber(ARGV[5])
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = math.floor(now / period)
local curKey = KEYS[1] .. ':' .. w
local cur = tonumber(redis.call('GET', curKey) or '0')
local prev = 0
if fixed == 0 then prev = tonumber(redis.call('GET', KEYS[1] .. ':' .. (w - 1)) or '0') end
local weight = 1 - (now - w * period) / period
local estimate = prev * weight + cur
local granted = 0; local retry = 0
if mode == 2 then
  granted = amount
elseif estimate + amount <= limit then
  granted = amount
elseif mode == 1 and limit - estimate >= 1 then
  granted = math.floor(limit - estimate)
else
  retry = (w + 1) * period - now
end
if granted ~= 0 then
  redis.call('INCRBY', curKey, granted)
  redis.call('PEXPIRE', curKey, period * 2 + 1000)
end
return {granted, math.floor(math.max(limit - estimate - granted, 0)), retry}
`;

export type ScriptReply = [granted: number, remaining: number, retryAfterMs: number];

/** One Lua script run by EVALSHA, loading it again (EVAL) when Redis answers NOSCRIPT (e.g. after a restart). */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, key: string, args: (string | number)[]): Promise<ScriptReply> {
    let reply: unknown;
    try {
      reply = await client.evalsha(this.sha, 1, key, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('NOSCRIPT')) throw e;
      reply = await client.eval(this.source, 1, key, ...args);
    }
    if (!Array.isArray(reply) || reply.length !== 3)
      throw new Error(`unexpected script reply ${String(reply)}`);
    return [Number(reply[0]), Number(reply[1]), Number(reply[2])];
  }
}

export const tokenBucketScript = new LuaScript(TOKEN_BUCKET_LUA);
export const slidingWindowScript = new LuaScript(SLIDING_WINDOW_LUA);
