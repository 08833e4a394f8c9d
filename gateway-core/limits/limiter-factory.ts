/**
 * Picks the RateLimiter class for a policy's `algorithm` name: the one place that knows them all.
 */
import type { LimitAlgorithm } from '../policy/schema.js';
import { FixedWindow } from './fixed-window.js';
import { LeakyBucket } from './leaky-bucket.js';
import type { RateLimiter, RateLimiterConfig } from './rate-limiter.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';
import { SlidingWindowLog } from './sliding-window-log.js';
import { TokenBucket } from './token-bucket.js';

export const LIMIT_ALGORITHMS: readonly LimitAlgorithm[] = [
  'token-bucket',
  'leaky-bucket',
  'fixed-window',
  'sliding-log',
  'sliding-counter',
];

/** Builds a fresh limiter; throws SLUICE_CONFIG_INVALID for a bad config. */
export function createRateLimiter(algorithm: LimitAlgorithm, config: RateLimiterConfig): RateLimiter {
  switch (algorithm) {
    case 'token-bucket':
      return new TokenBucket(config);
    case 'leaky-bucket':
      return new LeakyBucket(config);
    case 'fixed-window':
      return new FixedWindow(config);
    case 'sliding-log':
      return new SlidingWindowLog(config);
    case 'sliding-counter':
      return new SlidingWindowCounter(config);
    default: {
      const unknown: never = algorithm;
      throw new TypeError(`createRateLimiter: unknown algorithm ${String(unknown)}`);
    }
  }
}
