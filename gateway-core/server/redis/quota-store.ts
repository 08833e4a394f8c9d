/**
 * Takes units of a global limit from Redis with one atomic script call (see limit-scripts.ts).
 * Keys live under `sluice:limit:`; the limit's parameters travel with every call, so a policy
 * change applies at the next call without migrating state.
 */
import type { Redis } from 'ioredis';
import { isBucket, type GlobalLimit } from './global-limit.js';
import { type ScriptReply, slidingWindowScript, tokenBucketScript } from './limit-scripts.js';

export type TakeMode = 'exact' | 'partial' | 'adjust';
const MODE: Record<TakeMode, number> = { exact: 0, partial: 1, adjust: 2 };

export class QuotaStore {
  constructor(
    readonly client: Redis,
    private readonly prefix = 'sluice:limit:',
  ) {}

  take(limit: GlobalLimit, amount: number, mode: TakeMode): Promise<ScriptReply> {
    const key = this.prefix + limit.key;
    if (isBucket(limit)) {
      const rate = limit.limit / limit.periodMs;
      return tokenBucketScript.run(this.client, key, [limit.burst, rate, amount, MODE[mode]]);
    }
    const fixed = limit.algorithm === 'fixed-window' ? 1 : 0;
    return slidingWindowScript.run(this.client, key, [
      limit.limit,
      limit.periodMs,
      amount,
      MODE[mode],
      fixed,
    ]);
  }
}
