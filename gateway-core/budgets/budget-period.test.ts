import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodEnd, periodStart } from './budget-period.js';

const utc = Date.UTC;

test('periodStart/periodEnd: UTC hours and days', () => {
  const t = utc(2026, 10, 27, 9, 41, 7, 250);
  assert.equal(periodStart('hour', t), utc(2026, 10, 27, 9));
  assert.equal(periodEnd('hour', utc(2026, 10, 27, 9)), utc(2026, 10, 27, 10));
  assert.equal(periodStart('day', t), utc(2026, 10, 27));
  assert.equal(periodEnd('day', utc(2026, 10, 27)), utc(2026, 10, 28));
  assert.equal(periodStart('hour', utc(2026, 10, 27, 10) - 1), utc(2026, 10, 27, 9));
  assert.equal(periodStart('hour', utc(2026, 10, 27, 10)), utc(2026, 10, 27, 10));
});

test('periodStart/periodEnd: ISO weeks run Monday 00:00 UTC to the next Monday', () => {
  // Friday 27 Nov 2026 lies in the week of Monday 23 Nov.
  assert.equal(periodStart('week', utc(2026, 10, 27, 12)), utc(2026, 10, 23));
  assert.equal(periodStart('week', utc(2026, 10, 23)), utc(2026, 10, 23));
  assert.equal(periodStart('week', utc(2026, 10, 23) - 1), utc(2026, 10, 16));
  assert.equal(periodStart('week', utc(2026, 10, 29, 23, 59, 59, 999)), utc(2026, 10, 23));
  assert.equal(periodEnd('week', utc(2026, 10, 23)), utc(2026, 10, 30));
  // The epoch (a Thursday) belongs to the week of Monday 29 Dec 1969.
  assert.equal(periodStart('week', 0), utc(1969, 11, 29));
});

test('periodStart/periodEnd: calendar months, across year ends and leap Februaries', () => {
  assert.equal(periodStart('month', utc(2026, 0, 31, 23, 59, 59, 999)), utc(2026, 0, 1));
  assert.equal(periodEnd('month', utc(2026, 0, 1)), utc(2026, 1, 1));
  assert.equal(periodStart('month', utc(2026, 1, 1)), utc(2026, 1, 1));
  assert.equal(periodEnd('month', utc(2026, 1, 1)) - utc(2026, 1, 1), 28 * 86_400_000);
  assert.equal(periodEnd('month', utc(2028, 1, 1)) - utc(2028, 1, 1), 29 * 86_400_000);
  assert.equal(periodEnd('month', utc(2026, 11, 1)), utc(2027, 0, 1));
  assert.equal(periodStart('month', utc(2027, 0, 1) - 1), utc(2026, 11, 1));
});
