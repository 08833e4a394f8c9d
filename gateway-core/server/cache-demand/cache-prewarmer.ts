/**
 * Pre-warms the response cache: for each cache key asked for, re-issues the request a client last
 * sent with that key (ReplayBook) through the gateway's own request path (fastify `inject`, with
 * the per-process pre-warm token), so it is admitted, routed, queued, retried and cached exactly
 * like a client's, L1 and the shared Redis tier alike. Per key, one outcome:
 *
 *   unknown      not in the replay book (no recent request with this key here, or evicted)
 *   disabled     the policy's response cache is off
 *   cached       already fresh in this replica's cache: nothing sent
 *   in_progress  a pre-warm of the same key is running
 *   shared       filled from the shared (Redis) tier: no upstream call
 *   stored       the upstream answered and the answer is cached now
 *   not_stored   the upstream answered, but the answer was not cached (too large, or the key's
 *                `cache` setting is off)
 *   rejected     refused by policy (429: the key's limits, budget, concurrency)
 *   failed       any other error (upstream 5xx, timeout, 4xx)
 *   started      (only when not waiting) sent on its way; its outcome is counted when it ends
 *
 * The first four are decided at once. The others run `concurrency` at a time per call (default
 * 4), so a large plan does not burst the pool; a caller that does not wait (a control loop should
 * not block on an LLM's latency) gets `started` for them.
 */
import type { FastifyInstance } from 'fastify';
import type { ResponseCache } from '../../cache/response-cache.js';
import { ENDPOINT_PATHS } from '../openai-request.js';
import { PREWARM_HEADER } from '../proxy-handler.js';
import type { ReplayBook } from './replay-book.js';

export type PrewarmOutcome =
  | 'unknown'
  | 'disabled'
  | 'cached'
  | 'in_progress'
  | 'shared'
  | 'stored'
  | 'not_stored'
  | 'rejected'
  | 'failed'
  | 'started';

export interface PrewarmResult {
  key: string;
  outcome: PrewarmOutcome;
  /** The gateway's status for a re-issued request. */
  status?: number;
  /** Why, for every outcome but stored, shared and cached. */
  reason?: string;
  /** Upstream cost of the answer (stored / not_stored). */
  costUsd?: number;
}

export interface CachePrewarmerOptions {
  app: FastifyInstance;
  replay: ReplayBook;
  /** The engine's cache (null while the policy has never enabled it). */
  cache: () => ResponseCache<unknown> | null;
  /** Whether the policy in force enables the cache. */
  enabled: () => boolean;
  token: string;
  now: () => number;
  concurrency?: number;
  /** Told each key's final outcome (the server counts sluice_cache_prewarm_total{outcome}). */
  onOutcome?: (outcome: PrewarmOutcome) => void;
}

const UNKNOWN_REASON =
  'no recent request with this cache key on this replica (never seen, or its request was evicted from the replay book)';

export class CachePrewarmer {
  private readonly running = new Set<string>();

  constructor(private readonly o: CachePrewarmerOptions) {}

  /**
   * One result per distinct key, in the order given: final outcomes, or with `wait: false`,
   * `started` for the keys sent on their way (the call returns without waiting for them).
   */
  async prewarm(keys: readonly string[], options: { wait?: boolean } = {}): Promise<PrewarmResult[]> {
    const distinct = [...new Set(keys)];
    const results: PrewarmResult[] = new Array(distinct.length);
    const toRun: number[] = [];
    distinct.forEach((key, i) => {
      const decided = this.check(key);
      if (decided !== null) {
        results[i] = decided;
        this.o.onOutcome?.(decided.outcome);
      } else {
        this.running.add(key);
        toRun.push(i);
      }
    });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toRun.length) {
        const i = toRun[next++];
        const r = await this.fetch(distinct[i]);
        this.o.onOutcome?.(r.outcome);
        results[i] = r;
      }
    };
    const n = Math.min(this.o.concurrency ?? 4, toRun.length);
    const job = Promise.all(Array.from({ length: n }, worker));
    if (options.wait === false) {
      for (const i of toRun) results[i] = { key: distinct[i], outcome: 'started' };
      return [...results];
    }
    await job;
    return results;
  }

  /** An outcome decided without a request, or null when the key is to be fetched. */
  private check(key: string): PrewarmResult | null {
    const cache = this.o.cache();
    if (!this.o.enabled() || cache === null)
      return { key, outcome: 'disabled', reason: 'the response cache is off in the policy' };
    if (!this.o.replay.has(key)) return { key, outcome: 'unknown', reason: UNKNOWN_REASON };
    if (cache.has(key, this.o.now())) return { key, outcome: 'cached' };
    if (this.running.has(key))
      return { key, outcome: 'in_progress', reason: 'a pre-warm of this key is running' };
    return null;
  }

  /** Re-issues the key's request (the key is in `running` until it ends). Never throws. */
  private async fetch(key: string): Promise<PrewarmResult> {
    const cache = this.o.cache();
    const r = this.o.replay.get(key);
    try {
      // Things may have moved while it waited for a worker.
      if (cache === null)
        return { key, outcome: 'disabled', reason: 'the response cache is off in the policy' };
      if (r === undefined) return { key, outcome: 'unknown', reason: UNKNOWN_REASON };
      if (cache.has(key, this.o.now())) return { key, outcome: 'cached' };
      const res = await this.o.app.inject({
        method: 'POST',
        url: ENDPOINT_PATHS[r.endpoint],
        headers: {
          authorization: `Bearer ${r.apiKey}`,
          'content-type': 'application/json',
          [PREWARM_HEADER]: this.o.token,
          ...(r.task !== undefined ? { 'x-sluice-task': r.task } : {}),
        },
        payload: r.body,
        remoteAddress: r.ip,
      });
      const status = res.statusCode;
      if (status === 200 && res.headers['x-sluice-cache'] === 'hit')
        return {
          key,
          outcome: res.headers['x-sluice-cache-tier'] === 'shared' ? 'shared' : 'cached',
          status,
        };
      if (status === 200) {
        const cost = Number(res.headers['x-sluice-prewarm-cost-usd'] ?? 0);
        return cache.has(key, this.o.now())
          ? { key, outcome: 'stored', status, costUsd: cost }
          : {
              key,
              outcome: 'not_stored',
              status,
              costUsd: cost,
              reason:
                "the answer was not cached (larger than the cache's budget, or caching is off for this key)",
            };
      }
      return { key, outcome: status === 429 ? 'rejected' : 'failed', status, reason: errorMessage(res.body) };
    } catch (e) {
      return { key, outcome: 'failed', reason: e instanceof Error ? e.message : String(e) };
    } finally {
      this.running.delete(key);
    }
  }
}

function errorMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: quoted as is below
  }
  return body.slice(0, 300);
}
