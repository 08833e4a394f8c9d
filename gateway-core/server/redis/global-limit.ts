/**
 * A rate limit shared by every gateway replica, as the Redis adapters see it: the policy limit
 * resolved for one request (its key names whose quota it is), and the answer to one check.
 */
import type { LimitAlgorithm } from '../../policy/schema.js';

export interface GlobalLimit {
  /** The policy limit's id (e.g. `requests:apiKey`). */
  id: string;
  /** Whose quota: the limit id plus the values of its `by` parts (e.g. `requests:apiKey|k1`). */
  key: string;
  algorithm: LimitAlgorithm;
  /** Units per period. */
  limit: number;
  periodMs: number;
  /** Token bucket capacity (defaults to limit). */
  burst: number;
  /** When Redis is unreachable: admit through a local limiter ('open') or refuse ('closed'). */
  failMode: 'open' | 'closed';
}

/** Where a decision came from: Redis (exact), a local lease, the local fallback, or a fail-closed refusal. */
export type DecisionSource = 'redis' | 'lease' | 'fallback' | 'fail-closed';

export interface GlobalDecision {
  allowed: boolean;
  /** Units left (x-ratelimit-remaining), as far as this replica knows. */
  remaining: number;
  /** When a retry could succeed (0 when allowed; -1 never). */
  retryAfterMs: number;
  source: DecisionSource;
}

/** Uses the token-bucket script for bucket algorithms, the window counter for window ones. */
export function isBucket(limit: GlobalLimit): boolean {
  return limit.algorithm === 'token-bucket' || limit.algorithm === 'leaky-bucket';
}
