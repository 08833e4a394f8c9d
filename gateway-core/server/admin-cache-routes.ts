/**
 * The admin API of the response cache's demand and pre-warming (behind the admin guard):
 *
 *   GET  /admin/cache/demand[?since=ms][&open=true]
 *        per-window request counts by cache key (Space-Saving top k; `error` bounds how much of a
 *        count may belong to keys it displaced, 0 = exact), windows starting at or after `since`,
 *        closed ones only unless `open=true`; and for every key listed: cached in this replica's
 *        cache now, in the shared tier now (null without one), replayable (pre-warmable here)
 *   POST /admin/cache/prewarm[?wait=false] {keys: [...]}
 *        re-issues each key's last request through the gateway (CachePrewarmer): one result per
 *        distinct key with its outcome, and the count of each outcome; with wait=false it answers
 *        at once, `started` for the keys still being fetched
 */
import type { FastifyInstance } from 'fastify';
import type { CacheDemand } from './cache-demand/cache-demand.js';
import type { CachePrewarmer, PrewarmOutcome } from './cache-demand/cache-prewarmer.js';
import type { EngineDriver } from './engine-driver.js';
import { sendError } from './openai-error.js';
import type { PolicyManager } from './policy-manager.js';
import type { SharedCache } from './redis/shared-cache.js';

export interface CacheAdminContext {
  replicaId: string;
  demand: CacheDemand;
  prewarmer: CachePrewarmer;
  driver: EngineDriver;
  policies: PolicyManager;
  sharedCache: SharedCache | null;
}

/** Keys one pre-warm call may carry. */
export const MAX_PREWARM_KEYS = 1000;

export interface CacheKeyState {
  cached: boolean;
  shared: boolean | null;
  replayable: boolean;
}

export function registerCacheAdminRoutes(admin: FastifyInstance, ctx: CacheAdminContext): void {
  admin.get('/admin/cache/demand', async (request, reply) => {
    const q = request.query as { since?: string; open?: string };
    const since = q.since === undefined ? 0 : Number(q.since);
    if (!Number.isFinite(since))
      return sendError(reply, 'SLUICE_BAD_REQUEST', `"since" must be a time in ms, got "${q.since}"`);
    const now = ctx.driver.clock.now();
    const windows = ctx.demand.windows.windows(since, now, q.open === 'true');
    const listed = [...new Set(windows.flatMap((w) => w.keys.map((k) => k.key)))];
    const l1 = ctx.driver.engine.cache;
    const shared = ctx.sharedCache === null ? null : await ctx.sharedCache.present(listed);
    const keys: Record<string, CacheKeyState> = {};
    listed.forEach((key, i) => {
      keys[key] = {
        cached: l1?.has(key, now) === true,
        shared: shared === null ? null : shared[i],
        replayable: ctx.demand.replay.has(key),
      };
    });
    return {
      replica: ctx.replicaId,
      enabled: ctx.policies.current().doc.cache?.enabled === true,
      sharedTier: ctx.sharedCache !== null,
      windowMs: ctx.demand.windows.windowMs,
      k: ctx.demand.windows.k,
      now,
      windows,
      keys,
    };
  });

  admin.post('/admin/cache/prewarm', async (request, reply) => {
    const keys = (request.body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string'))
      return sendError(reply, 'SLUICE_BAD_REQUEST', 'The body must be {"keys": [cache keys as strings]}.');
    if (keys.length > MAX_PREWARM_KEYS)
      return sendError(
        reply,
        'SLUICE_BAD_REQUEST',
        `At most ${MAX_PREWARM_KEYS} keys per pre-warm call, got ${keys.length}.`,
      );
    const wait = (request.query as { wait?: string }).wait !== 'false';
    const results = await ctx.prewarmer.prewarm(keys as string[], { wait });
    const counts: Partial<Record<PrewarmOutcome, number>> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    return { replica: ctx.replicaId, results, counts };
  });
}
