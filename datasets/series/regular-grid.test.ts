import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarSpacing, inferStep, toRegularGrid } from './regular-grid.js';

test('gaps are filled on the straight line and flagged; duplicates are averaged', () => {
  const times = [0, 60_000, 240_000, 240_000, 300_000];
  const values = [1, 2, 5, 7, 4];
  assert.equal(inferStep(times), 60_000);
  const g = toRegularGrid(times, values);
  assert.equal(g.stepMs, 60_000);
  assert.deepEqual(Array.from(g.values), [1, 2, 3.333333333333333, 4.666666666666666, 6, 4]);
  assert.deepEqual(Array.from(g.filled), [0, 0, 1, 1, 0, 0]);
});

test('irregular times snap to the nearest slot of a given step', () => {
  const g = toRegularGrid([1000, 9000, 21_000], [1, 2, 3], 10_000);
  assert.equal(g.start, 1000);
  assert.deepEqual(Array.from(g.values), [1, 2, 3]);
});

test("fill 'previous': a gap holds the last value before it (nothing from after it)", () => {
  const g = toRegularGrid([0, 60_000, 240_000, 240_000, 300_000], [1, 2, 5, 7, 4], undefined, 'previous');
  assert.deepEqual(Array.from(g.values), [1, 2, 2, 2, 6, 4]);
  assert.deepEqual(Array.from(g.filled), [0, 0, 1, 1, 0, 0]);
});

test('calendarSpacing names month, quarter and year spacings, and nothing with a fixed step', () => {
  const at = (y: number, m: number, d = 1) => Date.UTC(y, m, d);
  assert.equal(calendarSpacing([at(2021, 0), at(2021, 1), at(2021, 2), at(2021, 3)]), 'months');
  assert.equal(
    calendarSpacing([at(2021, 0), at(2021, 3), at(2021, 6), at(2021, 9), at(2022, 0)]),
    'quarters',
  );
  assert.equal(calendarSpacing([at(2019, 0), at(2020, 0), at(2021, 0), at(2022, 0)]), 'years');
  // Local midnights across a daylight-saving change: an hour off a whole day.
  assert.equal(calendarSpacing([at(2021, 2), at(2021, 3) - 3_600_000, at(2021, 4) - 3_600_000]), 'months');
  // Fixed steps (one length only), and mixed lengths that are no calendar unit's.
  assert.equal(calendarSpacing([at(2021, 0, 1), at(2021, 0, 31), at(2021, 2, 2)]), null);
  assert.equal(calendarSpacing([0, 60_000, 120_000, 240_000]), null);
  assert.equal(calendarSpacing([at(2021, 0, 1), at(2021, 0, 29), at(2021, 1, 5)]), null);
  // Months with one missing (a gap of two months), on the 15th or on each month's last day.
  assert.equal(
    calendarSpacing([at(2021, 0, 15), at(2021, 1, 15), at(2021, 3, 15), at(2021, 4, 15)]),
    'months',
  );
  assert.equal(
    calendarSpacing([at(2021, 0, 31), at(2021, 1, 28), at(2021, 3, 30), at(2021, 4, 31)]),
    'months',
  );
  // Every 30 days drifts across days of the month: a fixed step fits it.
  assert.equal(calendarSpacing([at(2021, 0, 1), at(2021, 0, 31), at(2021, 2, 2), at(2021, 3, 1)]), null);
});
