import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FixedWindow } from './fixed-window.js';
import { LeakyBucket } from './leaky-bucket.js';
import { createRateLimiter, LIMIT_ALGORITHMS } from './limiter-factory.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';
import { SlidingWindowLog } from './sliding-window-log.js';
import { TokenBucket } from './token-bucket.js';

test('createRateLimiter: builds the class named by each algorithm', () => {
  const config = { limit: 4, periodMs: 1000, burst: 6 };
  const classes = [TokenBucket, LeakyBucket, FixedWindow, SlidingWindowLog, SlidingWindowCounter];
  assert.deepEqual(LIMIT_ALGORITHMS, [
    'token-bucket',
    'leaky-bucket',
    'fixed-window',
    'sliding-log',
    'sliding-counter',
  ]);
  LIMIT_ALGORITHMS.forEach((algorithm, i) => {
    const l = createRateLimiter(algorithm, config);
    assert.ok(l instanceof classes[i], algorithm);
    assert.equal(l.algorithm, algorithm);
  });
  // burst sizes the token bucket and the leaky bucket's queue; the window counters ignore it.
  assert.deepEqual(
    LIMIT_ALGORITHMS.map((a) => createRateLimiter(a, config).capacity),
    [6, 6, 4, 4, 4],
  );
});
