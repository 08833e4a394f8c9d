import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { REJECTED } from './rate-limiter.js';
import {
  arrivalsArb,
  configArb,
  drive,
  runRateLimiterConformance,
  TOLERANCE,
} from './rate-limiter.conformance.js';
import { TokenBucket } from './token-bucket.js';

runRateLimiterConformance('TokenBucket', (c) => new TokenBucket(c));

test('TokenBucket: rate 10/s, burst 20: 100 requests at t=0, then one every 50 ms', () => {
  const b = new TokenBucket({ limit: 10, periodMs: 1000, burst: 20 });
  let admitted = 0;
  for (let i = 0; i < 100; i++) if (b.acquire(1, 0) !== REJECTED) admitted++;
  assert.equal(admitted, 20);
  // From empty, 50 ms refills half a token: every second request (each 100 ms) finds one whole.
  const admittedBy = new Map<number, number>();
  const admittedAt: number[] = [];
  for (let t = 50; t <= 5000; t += 50) {
    if (b.acquire(1, t) !== REJECTED) {
      admitted++;
      admittedAt.push(t);
    }
    admittedBy.set(t, admitted);
  }
  assert.equal(admittedBy.get(50), 20);
  assert.equal(admittedBy.get(100), 21);
  assert.equal(admittedBy.get(150), 21);
  assert.equal(admittedBy.get(200), 22);
  assert.equal(admittedBy.get(1000), 30);
  assert.equal(admittedBy.get(1050), 30);
  assert.equal(admittedBy.get(2500), 45);
  assert.equal(admittedBy.get(5000), 70);
  assert.deepEqual(admittedAt.slice(0, 5), [100, 200, 300, 400, 500]);
  assert.equal(admittedAt.length, 50);
  assert.ok(admittedAt.every((t) => t % 100 === 0));
});

test('TokenBucket: refill, waitTime and available follow tokens = min(burst, tokens + elapsed * rate)', () => {
  const b = new TokenBucket({ limit: 10, periodMs: 1000, burst: 20 });
  assert.equal(b.capacity, 20);
  assert.equal(b.acquire(20, 0), 0);
  assert.equal(b.waitTime(1, 0), 100);
  assert.equal(b.waitTime(5, 0), 500);
  assert.equal(b.waitTime(1, 30), 70);
  assert.equal(b.available(250), 2.5);
  assert.equal(b.acquire(3, 250), REJECTED);
  assert.equal(b.acquire(2, 250), 0);
  assert.equal(b.available(250), 0.5);
  // Charged 3 more after the fact: 2.5 tokens in debt, so one token is 350 ms away.
  b.adjust(3, 250);
  assert.equal(b.available(250), 0);
  assert.equal(b.waitTime(1, 250), 350);
  assert.equal(b.acquire(1, 599), REJECTED);
  assert.equal(b.acquire(1, 600), 0);
  // Full again after 2 s idle, and never fuller than the burst.
  assert.equal(b.available(2600), 20);
  assert.equal(b.available(1e9), 20);
  b.adjust(-5, 1e9);
  assert.equal(b.available(1e9), 20);
});

test('TokenBucket: a bucket with burst < limit caps instantaneous bursts but not the rate', () => {
  const b = new TokenBucket({ limit: 60, periodMs: 60_000, burst: 2 });
  assert.equal(b.acquire(1, 0), 0);
  assert.equal(b.acquire(1, 0), 0);
  assert.equal(b.acquire(1, 0), REJECTED);
  assert.equal(b.waitTime(1, 0), 1000);
  assert.equal(b.acquire(3, 1e6), REJECTED);
  assert.equal(b.waitTime(3, 1e6), Number.POSITIVE_INFINITY);
});

test('TokenBucket: reconfigure keeps the tokens, clipped to the new capacity, and refills at the new rate', () => {
  const b = new TokenBucket({ limit: 10, periodMs: 1000, burst: 20 });
  assert.equal(b.acquire(5, 0), 0);
  b.reconfigure({ limit: 20, periodMs: 1000, burst: 10 }, 0);
  assert.equal(b.capacity, 10);
  assert.equal(b.available(0), 10);
  assert.equal(b.acquire(10, 0), 0);
  assert.equal(b.available(100), 2);
  b.reconfigure({ limit: 1, periodMs: 60_000 }, 100);
  assert.equal(b.capacity, 1);
  assert.equal(b.available(100), 1);
  assert.equal(b.acquire(1, 100), 0);
  assert.equal(b.waitTime(1, 100), 60_000);
});

test('TokenBucket: admitted over any [s, s + w] is at most burst + rate * w (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.burst ?? c.limit))),
      ([config, arrivals]) => {
        const b = new TokenBucket(config);
        const admitted = drive(b, arrivals);
        const rate = config.limit / config.periodMs;
        // Every interval's sum is bounded by its closed-hull [t_i, t_j]: checking all pairs is exhaustive.
        for (let i = 0; i < admitted.length; i++) {
          let sum = 0;
          for (let j = i; j < admitted.length; j++) {
            sum += admitted[j].amount;
            const bound = b.capacity + rate * (admitted[j].t - admitted[i].t);
            assert.ok(sum <= bound + TOLERANCE, `${sum} in [${admitted[i].t}, ${admitted[j].t}] > ${bound}`);
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('TokenBucket: refuses only when the bucket holds fewer tokens than asked (property, model)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.burst ?? c.limit))),
      ([config, arrivals]) => {
        const b = new TokenBucket(config);
        const capacity = config.burst ?? config.limit;
        // The model in plain units: tokens = min(capacity, tokens + elapsed * limit / period).
        let tokens = capacity;
        let last = 0;
        for (const a of arrivals) {
          tokens = Math.min(capacity, tokens + ((a.t - last) * config.limit) / config.periodMs);
          last = a.t;
          const admit = b.acquire(a.amount, a.t) !== REJECTED;
          if (tokens >= a.amount + 1e-6) assert.equal(admit, true, `t=${a.t} tokens=${tokens}`);
          else if (tokens < a.amount - 1e-6) assert.equal(admit, false, `t=${a.t} tokens=${tokens}`);
          if (admit) tokens -= a.amount;
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('TokenBucket: a stale now (before the last refill) waits from the last refill', () => {
  const b = new TokenBucket({ limit: 1, periodMs: 60 });
  assert.equal(b.acquire(1, 1000), 0);
  assert.equal(b.acquire(1, 990), REJECTED);
  assert.equal(b.waitTime(1, 990), 70);
  assert.equal(b.acquire(1, 1060), 0);
});
