import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbuseHysteresis } from './abuse-hysteresis.js';
import { burstiness, tuneRateLimits } from './rate-limit-tuner.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

test('burstiness is p95 / mean of per-interval arrivals', () => {
  // 20 intervals: 19 of 10 and one of 50: mean 12, p95 = 19th of 20 sorted = 10 -> 1 (clamped up)
  const flat = [...Array(19).fill(10), 50];
  close(burstiness(flat), 1);
  // 10, 20, ..., 100: mean 55, p95 = ceil(9.5) = 10th = 100 -> 100/55
  close(burstiness([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]), 100 / 55);
  close(burstiness([0, 0, 40, 0], 3), 3); // p95 40, mean 10 -> 4, capped at 3
  assert.equal(burstiness([5]), 1);
});

test('limits from weighted max-min over forecast demand, spare by entitlement', () => {
  const limits = tuneRateLimits(
    [
      { tenant: 'a', forecast: { p50: 8, p90: 10 }, entitlement: 1, recentArrivals: [100, 100] },
      { tenant: 'b', forecast: { p50: 40, p90: 50 }, entitlement: 1, recentArrivals: [400, 600] },
      { tenant: 'c', forecast: { p50: 1, p90: 2.5 }, entitlement: 2, recentArrivals: [] },
    ],
    { capacityRps: 60, headroom: 0.2, burstSeconds: 2 },
  );
  // claims 12, 60, 3; weights 1, 1, 2: level 60/4 = 15 -> a (12) and c (3 <= 30) satisfied;
  // remaining 45 to b alone (level 45) -> b gets 45 < 60; no spare.
  const [a, b, c] = limits;
  close(a.rps, 12);
  close(b.rps, 45);
  close(c.rps, 3);
  assert.equal(a.rpm, 720);
  assert.equal(b.rpm, 2700);
  // b's burstiness: sorted [400, 600], p95 = 600, mean 500 -> 1.2; burst ceil(45 * 2 * 1.2) = 108
  close(b.burstiness, 1.2);
  assert.equal(b.burst, 108);
  assert.equal(a.burst, 24);
});

test('spare capacity goes out by entitlement; an abusive tenant is held to half its share', () => {
  const demands = [
    { tenant: 'a', forecast: { p50: 5, p90: 10 }, entitlement: 1, recentArrivals: [] },
    { tenant: 'b', forecast: { p50: 5, p90: 10 }, entitlement: 3, recentArrivals: [] },
  ];
  const free = tuneRateLimits(demands, { capacityRps: 100, headroom: 0 });
  // claims 10 + 10, spare 80: a 10 + 20 = 30, b 10 + 60 = 70
  close(free[0].rps, 30);
  close(free[1].rps, 70);
  const held = tuneRateLimits(demands, { capacityRps: 100, headroom: 0, abuseFactor: 0.5 }, new Set(['b']));
  // b: min(70, 0.5 * 100 * 3/4 = 37.5)
  close(held[1].rps, 37.5);
  assert.equal(held[1].tightened, true);
  assert.equal(held[0].tightened, false);
});

test('abuse hysteresis: flag at 0.8, release after 3 calm intervals at or below 0.3', () => {
  const h = new AbuseHysteresis();
  const seq = [0.5, 0.85, 0.5, 0.2, 0.2, 0.6, 0.1, 0.3, 0.2, 0.1].map((s) => h.update('k', s));
  assert.deepEqual(seq, [false, true, true, true, true, true, true, true, false, false]);
  assert.deepEqual([...h.flagged()], []);
  h.update('x', 0.9);
  assert.deepEqual([...h.flagged()], ['x']);
});
