import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FixedWindow } from './fixed-window.js';
import { REJECTED } from './rate-limiter.js';
import {
  admittedIn,
  arrivalsArb,
  configArb,
  drive,
  maxInAnyWindow,
  runRateLimiterConformance,
} from './rate-limiter.conformance.js';

runRateLimiterConformance('FixedWindow', (c) => new FixedWindow(c));

test('FixedWindow: resets exactly at the boundary, not a millisecond before', () => {
  const w = new FixedWindow({ limit: 5, periodMs: 1000 });
  for (let i = 0; i < 5; i++) assert.equal(w.acquire(1, 100 + i), 0);
  assert.equal(w.acquire(1, 400), REJECTED);
  assert.equal(w.waitTime(1, 400), 600);
  assert.equal(w.acquire(1, 999), REJECTED);
  assert.equal(w.acquire(1, 999.999), REJECTED);
  assert.equal(w.waitTime(1, 999), 1);
  assert.equal(w.available(999), 0);
  assert.equal(w.available(1000), 5);
  assert.equal(w.acquire(5, 1000), 0);
  assert.equal(w.acquire(1, 1999), REJECTED);
  assert.equal(w.acquire(1, 2000), 0);
});

test('FixedWindow: windows align to multiples of the period from t = 0, not to the first request', () => {
  const w = new FixedWindow({ limit: 3, periodMs: 1000 });
  // First request at 1500: its window is [1000, 2000).
  assert.equal(w.acquire(3, 1500), 0);
  assert.equal(w.waitTime(1, 1500), 500);
  assert.equal(w.acquire(1, 1999), REJECTED);
  assert.equal(w.acquire(3, 2000), 0);
  // 2 * limit inside 501 ms across the boundary: the documented worst case.
  assert.equal(
    admittedIn(
      [
        { t: 1500, amount: 3 },
        { t: 2000, amount: 3 },
      ],
      1500,
      2500,
    ),
    6,
  );
  // A jump over several windows starts afresh.
  assert.equal(w.available(7250), 3);
});

test('FixedWindow: adjust stays within the window; reconfigure keeps the count and realigns', () => {
  const w = new FixedWindow({ limit: 10, periodMs: 1000 });
  assert.equal(w.acquire(6, 0), 0);
  w.adjust(-10, 0);
  assert.equal(w.available(0), 10);
  assert.equal(w.acquire(8, 500), 0);
  w.reconfigure({ limit: 12, periodMs: 400 }, 500);
  // 500 lies in [400, 800) of the new period; the 8 units still count there.
  assert.equal(w.available(500), 4);
  assert.equal(w.waitTime(5, 500), 300);
  assert.equal(w.available(800), 12);
});

test('FixedWindow: admits exactly as a per-window sum model would (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit + 1))),
      ([config, arrivals]) => {
        const w = new FixedWindow(config);
        const used = new Map<number, number>();
        for (const a of arrivals) {
          const k = Math.floor(a.t / config.periodMs);
          const u = used.get(k) ?? 0;
          const admit = u + a.amount <= config.limit;
          assert.equal(w.acquire(a.amount, a.t) !== REJECTED, admit, `t=${a.t}`);
          if (admit) used.set(k, u + a.amount);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('FixedWindow: <= limit in every aligned window, <= 2 * limit in any window of one period (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit))),
      ([config, arrivals]) => {
        const admitted = drive(new FixedWindow(config), arrivals);
        const P = config.periodMs;
        const last = admitted.length > 0 ? admitted[admitted.length - 1].t : 0;
        for (let k = 0; k * P <= last; k++)
          assert.ok(admittedIn(admitted, k * P, (k + 1) * P) <= config.limit);
        assert.ok(maxInAnyWindow(admitted, P) <= 2 * config.limit);
      },
    ),
    { numRuns: 200 },
  );
});

test('adjust with chargedAt: a refund goes to the charged window only', () => {
  const w = new FixedWindow({ limit: 10, periodMs: 1000 });
  assert.equal(w.acquire(10, 900), 0);
  assert.equal(w.acquire(10, 1100), 0);
  w.adjust(-10, 1200, 900); // charged in window 0: nothing to give back in window 1
  assert.equal(w.available(1200), 0);
  w.adjust(-4, 1300, 1100); // charged in window 1: given back
  assert.equal(w.available(1300), 4);
});
