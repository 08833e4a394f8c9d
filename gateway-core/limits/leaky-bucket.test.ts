import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LeakyBucket } from './leaky-bucket.js';
import { REJECTED } from './rate-limiter.js';
import {
  arrivalsArb,
  configArb,
  drive,
  runRateLimiterConformance,
  TOLERANCE,
} from './rate-limiter.conformance.js';

runRateLimiterConformance('LeakyBucket', (c) => new LeakyBucket(c));

test('LeakyBucket: unit requests arriving together leave 1/rate apart: delays 0, T, 2T, ...', () => {
  // 10/s: T = 100 ms; the queue holds 5 units.
  const b = new LeakyBucket({ limit: 10, periodMs: 1000, burst: 5 });
  const delays = [0, 0, 0, 0, 0, 0, 0].map(() => b.acquire(1, 0));
  assert.deepEqual(delays, [0, 100, 200, 300, 400, REJECTED, REJECTED]);
  assert.equal(b.queued(0), 5);
  assert.equal(b.available(0), 0);
  // At 150 ms 3.5 units wait (the queue empties at 500): one more fits, leaving at 500.
  assert.equal(b.queued(150), 3.5);
  assert.equal(b.acquire(1, 150), 350);
  assert.equal(b.acquire(1, 150), REJECTED);
  // The next fits once the queue is down to 4 units: at 200 ms; it leaves at 600.
  assert.equal(b.waitTime(1, 150), 50);
  assert.equal(b.acquire(1, 199), REJECTED);
  assert.equal(b.acquire(1, 200), 400);
  // That last unit is served from 600 to 700 ms: the queue is empty at 700, and a request then goes at once.
  assert.equal(b.queued(600), 1);
  assert.equal(b.queued(700), 0);
  assert.equal(b.acquire(1, 700), 0);
});

test('LeakyBucket: a request of a units occupies a * T of the schedule', () => {
  const b = new LeakyBucket({ limit: 10, periodMs: 1000, burst: 6 });
  assert.deepEqual(
    [b.acquire(2, 0), b.acquire(2, 0), b.acquire(2, 0), b.acquire(1, 0)],
    [0, 200, 400, REJECTED],
  );
  assert.equal(b.waitTime(2, 0), 200);
  assert.equal(b.waitTime(7, 0), Number.POSITIVE_INFINITY);
});

test('LeakyBucket: with T = 1000/3 ms, the k-th delay is exactly k * 1000 / 3', () => {
  const b = new LeakyBucket({ limit: 3, periodMs: 1000 });
  assert.deepEqual([b.acquire(1, 0), b.acquire(1, 0), b.acquire(1, 0)], [0, 1000 / 3, 2000 / 3]);
  assert.equal(b.acquire(1, 0), REJECTED);
  assert.equal(b.waitTime(1, 0), 1000 / 3);
  assert.equal(b.acquire(1, 1000 / 3), 2000 / 3);
});

test('LeakyBucket: adjust moves the schedule; reconfigure keeps the queue and drains it at the new rate', () => {
  const b = new LeakyBucket({ limit: 10, periodMs: 1000, burst: 5 });
  assert.equal(b.acquire(3, 0), 0);
  b.adjust(-1, 0);
  assert.equal(b.queued(0), 2);
  assert.equal(b.acquire(1, 0), 200);
  b.adjust(4, 0);
  // 7 units queued: over the 5-unit queue, so nothing fits until it drains to 4 (at 300 ms).
  assert.equal(b.queued(0), 7);
  assert.equal(b.waitTime(1, 0), 300);
  b.reconfigure({ limit: 20, periodMs: 1000, burst: 10 }, 0);
  assert.equal(b.capacity, 10);
  assert.equal(b.queued(0), 7);
  // At 20/s the 7 units leave by 350 ms.
  assert.equal(b.acquire(1, 0), 350);
  assert.equal(b.queued(400), 0);
});

test('LeakyBucket: shaped departures are spaced by at least amount * T, and the queue never exceeds burst (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.burst ?? c.limit))),
      ([config, arrivals]) => {
        const b = new LeakyBucket(config);
        const T = config.periodMs / config.limit;
        const burst = config.burst ?? config.limit;
        const admitted = drive(b, arrivals);
        for (let i = 0; i < admitted.length; i++) {
          const a = admitted[i];
          const departs = a.t + a.delay;
          // After this admission the queue holds everything up to its end of service.
          const queue = (departs + a.amount * T - a.t) / T;
          assert.ok(queue <= burst + TOLERANCE, `queue ${queue} > ${burst} at ${a.t}`);
          if (i > 0) {
            const p = admitted[i - 1];
            const gap = departs - (p.t + p.delay);
            assert.ok(gap >= p.amount * T - TOLERANCE, `departures ${gap} ms apart, < ${p.amount} * ${T}`);
          }
          // Work-conserving: a request waits only behind earlier ones.
          if (i === 0) assert.equal(a.delay, 0);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('LeakyBucket: refuses only when the queue would overflow (property, model)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, (c.burst ?? c.limit) + 1))),
      ([config, arrivals]) => {
        const b = new LeakyBucket(config);
        const T = config.periodMs / config.limit;
        const burst = config.burst ?? config.limit;
        let empties = 0; // when the modelled queue is empty
        for (const a of arrivals) {
          const start = Math.max(a.t, empties);
          const queueAfter = (start + a.amount * T - a.t) / T;
          const got = b.acquire(a.amount, a.t);
          if (queueAfter <= burst - 1e-6) {
            assert.ok(Math.abs(got - (start - a.t)) < 1e-6, `t=${a.t}: delay ${got}, model ${start - a.t}`);
            empties = start + a.amount * T;
          } else if (queueAfter > burst + 1e-6) {
            assert.equal(got, REJECTED);
          } else if (got !== REJECTED) {
            empties = start + a.amount * T;
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('LeakyBucket: delays stay exact on an epoch-ms clock with a large token limit', () => {
  // 1,000,000 tokens per minute: T = 0.06 ms per token, so 1000 tokens take 60 ms.
  const b = new LeakyBucket({ limit: 1_000_000, periodMs: 60_000 });
  const now = 1_764_000_000_000.25;
  assert.deepEqual([b.acquire(1000, now), b.acquire(1000, now), b.acquire(1000, now)], [0, 60, 120]);
  assert.equal(b.queued(now + 30), 2500);
  assert.equal(b.acquire(1000, now + 30), 150);
  // Drained by now + 240: the next request goes at once.
  assert.equal(b.acquire(1000, now + 240), 0);
});
