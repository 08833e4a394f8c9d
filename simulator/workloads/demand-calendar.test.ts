import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { calendarFactor, calendarProblems, isOffDay, largestCalendarFactor } from './demand-calendar.js';
import { diurnalArrivals } from './diurnal-arrivals.js';

const DAY = 86_400_000;

test('calendarFactor: weekend, holiday, linear growth and compounding shifts (known values)', () => {
  const f = calendarFactor({
    weekend: 0.5,
    holidays: [2],
    trendPerDay: 0.01,
    levelShifts: [
      { atMs: 3 * DAY, factor: 2 },
      { atMs: 4 * DAY, factor: 1.5 },
    ],
  });
  const noon = (d: number) => d * DAY + DAY / 2;
  assert.ok(Math.abs(f(noon(0)) - 1.005) < 1e-12); // Monday, half a day of growth
  assert.ok(Math.abs(f(noon(2)) - 0.5 * 1.025) < 1e-12); // a holiday
  assert.ok(Math.abs(f(noon(3)) - 2 * 1.035) < 1e-12);
  assert.ok(Math.abs(f(noon(5)) - 0.5 * 1.055 * 3) < 1e-12); // Saturday, both shifts
  assert.deepEqual(
    [0, 4, 5, 6, 7, 12, 13, 14].map((d) => isOffDay(d)),
    [false, false, true, true, false, true, true, false],
  );
});

test('largestCalendarFactor: the end of the run or just before a downward shift', () => {
  const up = { trendPerDay: 0.01, levelShifts: [{ atMs: 3 * DAY, factor: 2 }] };
  assert.ok(Math.abs(largestCalendarFactor(up, 10 * DAY) - 2 * 1.1) < 1e-12);
  const upThenDown = { ...up, levelShifts: [...up.levelShifts, { atMs: 5 * DAY, factor: 0.5 }] };
  assert.ok(Math.abs(largestCalendarFactor(upThenDown, 10 * DAY) - 2 * 1.05) < 1e-6);
  // A busier weekend raises the bound too.
  assert.ok(Math.abs(largestCalendarFactor({ weekend: 1.3 }, 10 * DAY) - 1.3) < 1e-12);
});

test('diurnal arrivals with a calendar: weekday and weekend counts follow the rate; bad calendars are named', () => {
  const spec = { mean: 2, amplitude: 0.5, calendar: { weekend: 0.4, trendPerDay: 0.02 } };
  const p = diurnalArrivals(spec, new SeededRng(9), 14 * DAY);
  const perDay = new Array(14).fill(0);
  for (let t = p.next(0); t < 14 * DAY; t = p.next(t)) perDay[Math.floor(t / DAY)]++;
  // Expected: 2 req/s x 86,400 s x (1 + 0.02 (d + 1/2)) x (0.4 on days 5, 6, 12, 13).
  perDay.forEach((n, d) => {
    const want = 2 * 86_400 * (1 + 0.02 * (d + 0.5)) * (isOffDay(d) ? 0.4 : 1);
    assert.ok(Math.abs(n - want) < 4 * Math.sqrt(want), `day ${d}: ${n} vs ${want}`);
  });
  assert.throws(() => diurnalArrivals(spec, new SeededRng(9)), /calendar needs the run to end/);
  assert.deepEqual(
    calendarProblems({ weekend: 0, holidays: [1.5], levelShifts: [{ atMs: 0, factor: -1 }] }),
    [
      'weekend must be > 0 (a multiplier of the weekday rate), got 0',
      'holidays[0] must be a day of the run (an integer >= 0), got 1.5',
      'levelShifts[0].factor must be > 0, got -1',
    ],
  );
});
