import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { REJECTED } from './rate-limiter.js';
import {
  type Admission,
  admittedIn,
  arrivalsArb,
  configArb,
  drive,
  runRateLimiterConformance,
  TOLERANCE,
} from './rate-limiter.conformance.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

runRateLimiterConformance('SlidingWindowCounter', (c) => new SlidingWindowCounter(c));

function admitMany(c: SlidingWindowCounter, t: number, tries: number): number {
  let n = 0;
  for (let i = 0; i < tries; i++) if (c.acquire(1, t) !== REJECTED) n++;
  return n;
}

test('SlidingWindowCounter: follows estimate = prev * (1 - f) + curr on a hand-computed case', () => {
  const c = new SlidingWindowCounter({ limit: 10, periodMs: 1000 });
  assert.equal(admitMany(c, 100, 8), 8);
  assert.equal(c.available(100), 2);
  // t=1250: prev = 8, curr = 0, f = 0.25: estimate 8 * 0.75 = 6, so 4 fit.
  assert.equal(c.estimate(1250), 6);
  assert.equal(admitMany(c, 1250, 10), 4);
  assert.equal(c.estimate(1250), 10);
  // t=1500: 8 * 0.5 + 4 = 8: 2 fit. t=1750: 8 * 0.25 + 6 = 8: 2 fit.
  assert.equal(c.estimate(1500), 8);
  assert.equal(admitMany(c, 1500, 10), 2);
  assert.equal(c.estimate(1750), 8);
  assert.equal(admitMany(c, 1750, 10), 2);
  // One more needs 8 * (1 - f) + 8 + 1 <= 10: f >= 0.875, at 1875.
  assert.equal(c.waitTime(1, 1750), 125);
  assert.equal(c.acquire(1, 1874), REJECTED);
  assert.equal(c.acquire(1, 1875), 0);
  // Two more cannot fit this window (curr 9); next window prev = 9: 9 * (1 - f) + 2 <= 10 at f = 1/9.
  assert.ok(Math.abs(c.waitTime(2, 1875) - (125 + 1000 / 9)) < 1e-9);
  assert.equal(c.acquire(2, 2111), REJECTED);
  assert.equal(c.acquire(2, 2112), 0);
  // t=4500: two windows later, the previous count no longer applies.
  assert.equal(c.estimate(4500), 0);
  assert.equal(c.available(4500), 10);
});

test('SlidingWindowCounter: adjust changes the current count; reconfigure keeps both counts', () => {
  const c = new SlidingWindowCounter({ limit: 10, periodMs: 1000 });
  assert.equal(c.acquire(6, 0), 0);
  c.adjust(-2, 0);
  assert.equal(c.available(0), 6);
  // At 1500: prev = 4, f = 0.5.
  assert.equal(c.estimate(1500), 2);
  c.reconfigure({ limit: 20, periodMs: 1000 }, 1500);
  assert.equal(c.available(1500), 18);
  c.adjust(-100, 1500);
  assert.equal(c.estimate(1500), 2);
});

test('SlidingWindowCounter: admits exactly as the formula over brute-force window counts (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit + 1))),
      ([config, arrivals]) => {
        const c = new SlidingWindowCounter(config);
        const P = config.periodMs;
        const log: Admission[] = [];
        for (const a of arrivals) {
          const k = Math.floor(a.t / P);
          const prev = admittedIn(log, (k - 1) * P, k * P);
          const curr = admittedIn(log, k * P, (k + 1) * P);
          const estimate = prev * (1 - (a.t - k * P) / P) + curr;
          const got = c.acquire(a.amount, a.t);
          if (estimate + a.amount <= config.limit - 1e-6) assert.equal(got, 0, `t=${a.t}`);
          else if (estimate + a.amount > config.limit + 1e-6) assert.equal(got, REJECTED, `t=${a.t}`);
          if (got !== REJECTED) log.push({ ...a, delay: got });
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('SlidingWindowCounter: <= limit per aligned window, <= limit * (1 + g) in [s, s + P) with g = frac(s / P) (property)', () => {
  fc.assert(
    fc.property(
      configArb.chain((c) => fc.tuple(fc.constant(c), arrivalsArb(c.periodMs, c.limit))),
      ([config, arrivals]) => {
        const admitted = drive(new SlidingWindowCounter(config), arrivals);
        if (admitted.length === 0) return;
        const L = config.limit;
        const P = config.periodMs;
        // Integer times: [s, s + P) holds the same admissions for every s in (n - 1, n], so the
        // bound must hold at its infimum there: g -> frac((n - 1) / P), or 0 where n is aligned.
        let sum = 0;
        let i = 0;
        let j = 0;
        const first = admitted[0].t - P + 1;
        const last = admitted[admitted.length - 1].t;
        for (let n = first; n <= last; n++) {
          while (j < admitted.length && admitted[j].t < n + P) sum += admitted[j++].amount;
          while (i < admitted.length && admitted[i].t < n) sum -= admitted[i++].amount;
          const g = n % P === 0 ? 0 : ((((n - 1) % P) + P) % P) / P;
          assert.ok(sum <= L * (1 + g) + TOLERANCE, `${sum} in [${n}, ${n + P}) > ${L} * (1 + ${g})`);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('SlidingWindowCounter: the (1 + g) bound is reached: limit before a boundary, then a steady stream', () => {
  const c = new SlidingWindowCounter({ limit: 10, periodMs: 1000 });
  assert.equal(c.acquire(10, 999), 0);
  const after: Admission[] = [];
  for (let t = 1000; t < 2000; t += 10) if (c.acquire(1, t) === 0) after.push({ t, amount: 1, delay: 0 });
  // In [999, 1999): 10 + the stream up to 1990, where 10 * (1 - 0.99) + 9 + 1 = 10.1 > 10: 9 admitted.
  assert.equal(after.length, 9);
  assert.equal(after[8].t, 1900);
  assert.equal(10 + admittedIn(after, 999, 1999), 19);
});

test('SlidingWindowCounter: under steady demand every 10 ms it admits 9 of 10 per window (181 in 20 s)', () => {
  const c = new SlidingWindowCounter({ limit: 10, periodMs: 1000 });
  let admitted = 0;
  for (let t = 0; t < 20_000; t += 10) if (c.acquire(1, t) !== REJECTED) admitted++;
  // Window 0 admits 10; afterwards the last arrival, at f = 0.99, still pays prev * 0.01 > 0, so
  // curr stops at 9: 10 + 19 * 9.
  assert.equal(admitted, 181);
});

test('adjust with chargedAt: refunds go back to the window charged, or nowhere once it is gone', () => {
  const c = new SlidingWindowCounter({ limit: 10, periodMs: 1000 });
  assert.equal(c.acquire(10, 500), 0); // window 0
  // at 1500: estimate = prev 10 * (1 - 0.5) = 5
  assert.equal(c.available(1500), 5);
  c.adjust(-4, 1500, 500); // refund into the previous window: prev 6, estimate 3
  assert.equal(c.available(1500), 7);
  c.adjust(-6, 2500, 500); // window 0 no longer counts at all: nothing happens
  assert.equal(c.available(2500), 10 - 0);
});
