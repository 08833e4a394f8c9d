import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarFeatures, dayOfWeek, minuteOfDay } from './calendar-features.js';

test('Monday midnight, Thursday noon, in sin/cos', () => {
  const monday = Date.UTC(2024, 0, 1);
  assert.equal(dayOfWeek(monday), 0);
  assert.equal(minuteOfDay(monday + 61 * 60_000), 61);
  assert.deepEqual(Array.from(calendarFeatures(monday)), [0, 1, 0, 1]);
  const thursdayNoon = Date.UTC(2024, 0, 4, 12);
  assert.equal(dayOfWeek(thursdayNoon), 3);
  const f = calendarFeatures(thursdayNoon);
  assert.ok(Math.abs(f[0]) < 1e-6 && Math.abs(f[1] + 1) < 1e-6);
  assert.ok(Math.abs(f[2] - Math.fround(Math.sin((2 * Math.PI * 3.5) / 7))) < 1e-6);
});
