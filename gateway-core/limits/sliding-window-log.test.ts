import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { REJECTED } from './rate-limiter.js';
import {
  admittedIn,
  arrivalsArb,
  configArb,
  drive,
  maxInAnyWindow,
  runRateLimiterConformance,
} from './rate-limiter.conformance.js';
import { SlidingWindowLog } from './sliding-window-log.js';

runRateLimiterConformance('SlidingWindowLog', (c) => new SlidingWindowLog(c));

test('SlidingWindowLog: each admission frees its units exactly one period later', () => {
  const l = new SlidingWindowLog({ limit: 5, periodMs: 1000 });
  assert.equal(l.acquire(2, 0), 0);
  assert.equal(l.acquire(2, 300), 0);
  assert.equal(l.acquire(1, 600), 0);
  assert.equal(l.acquire(1, 900), REJECTED);
  // Two units free at 1000 (the entry from t=0): a 2-unit request waits for it, a 3-unit one for 1300.
  assert.equal(l.waitTime(2, 900), 100);
  assert.equal(l.waitTime(3, 900), 400);
  assert.equal(l.waitTime(5, 900), 700);
  assert.equal(l.acquire(2, 999), REJECTED);
  assert.equal(l.acquire(2, 1000), 0);
  assert.equal(l.available(1000), 0);
  assert.equal(l.available(1300), 2);
  assert.equal(l.available(1600), 3);
  assert.equal(l.available(2000), 5);
  assert.equal(l.entries, 0);
});

test('SlidingWindowLog: unlike a fixed window, no double burst across a boundary', () => {
  const l = new SlidingWindowLog({ limit: 3, periodMs: 1000 });
  assert.equal(l.acquire(3, 999), 0);
  assert.equal(l.acquire(1, 1000), REJECTED);
  assert.equal(l.acquire(1, 1998), REJECTED);
  assert.equal(l.acquire(3, 1999), 0);
});

test('SlidingWindowLog: memory is bounded by the limit; refunds undo the newest entries', () => {
  const l = new SlidingWindowLog({ limit: 100, periodMs: 1000 });
  for (let t = 0; t < 5000; t++) l.acquire(1, t);
  assert.ok(l.entries <= 100);
  assert.equal(l.available(4999), 0);
  // Fractional amounts that would overflow ceil(limit) entries fold into the newest one.
  const f = new SlidingWindowLog({ limit: 2, periodMs: 1000 });
  assert.equal(f.acquire(0.5, 0), 0);
  assert.equal(f.acquire(0.5, 10), 0);
  assert.equal(f.acquire(0.5, 20), 0);
  assert.equal(f.entries, 2);
  // The entry from t=10 took the new 0.5 and was re-stamped t=20: 1 unit expires at 1020, 10 ms
  // later than exact for half of it (conservative).
  assert.equal(f.available(1000), 1);
  assert.equal(f.available(1010), 1);
  assert.equal(f.available(1020), 2);
  const r = new SlidingWindowLog({ limit: 10, periodMs: 1000 });
  r.acquire(3, 0);
  r.acquire(4, 500);
  r.adjust(-5, 500);
  // 4 came off the t=500 entry and 1 off the t=0 one: 2 units left, freed at 1000.
  assert.equal(r.available(999), 8);
  assert.equal(r.available(1000), 10);
});

test('SlidingWindowLog: admits exactly as a brute-force log would (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit + 1))),
      ([config, arrivals]) => {
        const l = new SlidingWindowLog(config);
        const log: { t: number; amount: number }[] = [];
        for (const a of arrivals) {
          const used = admittedIn(log, a.t - config.periodMs + 1, a.t + 1);
          const admit = used + a.amount <= config.limit;
          assert.equal(l.acquire(a.amount, a.t) !== REJECTED, admit, `t=${a.t} used=${used}`);
          if (admit) log.push(a);
          assert.ok(l.entries <= Math.ceil(config.limit));
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('SlidingWindowLog: never more than the limit in any window of one period (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit))),
      ([config, arrivals]) => {
        const admitted = drive(new SlidingWindowLog(config), arrivals);
        assert.ok(maxInAnyWindow(admitted, config.periodMs) <= config.limit);
      },
    ),
    { numRuns: 300 },
  );
});

test('SlidingWindowLog: reconfigure to a smaller limit folds the log and keeps every unit', () => {
  const l = new SlidingWindowLog({ limit: 8, periodMs: 1000 });
  for (let t = 0; t < 8; t++) l.acquire(1, t * 100);
  l.reconfigure({ limit: 4, periodMs: 1000 }, 750);
  assert.equal(l.entries, 4);
  // 8 units still count (the limit is now 4): nothing is available until folded entries expire.
  assert.equal(l.available(750), 0);
  // The four oldest folded into the entry at 400 (5 units, expiring at 1400); the rest at 1500..1700.
  assert.equal(l.available(1399), 0);
  assert.equal(l.available(1400), 1);
  assert.equal(l.available(1500), 2);
  assert.equal(l.available(1600), 3);
  assert.equal(l.available(1700), 4);
});
