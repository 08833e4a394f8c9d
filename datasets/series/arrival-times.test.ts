import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalTimes, rowsToScore } from './arrival-times.js';

test('arrivalTimes: a row stamped before the row above is taken one step after it, and later rows move with it', () => {
  const t = (hm: string) => Date.parse(`2014-01-07T${hm}:00Z`);
  const stamps = ['01:50', '01:55', '02:00', '01:00', '01:05', '02:10', '02:10', '02:20'].map(t);
  const { times, steps } = arrivalTimes(stamps);
  // The step is 5 minutes; 01:00 follows 02:00, so it becomes 02:05 (a shift of 65 minutes).
  assert.deepEqual(
    Array.from(times, (x) => new Date(x).toISOString().slice(11, 16)),
    ['01:50', '01:55', '02:00', '02:05', '02:10', '03:15', '03:15', '03:25'],
  );
  assert.deepEqual(steps, [{ row: 3, backMs: 60 * 60_000 }]);
  // In order (repeated stamps included), nothing moves.
  assert.deepEqual(arrivalTimes(stamps.slice(5)).steps, []);
});

test('rowsToScore: rows with a value, at arrival times read over every row (the step too)', () => {
  const t = (hm: string) => Date.parse(`2014-01-07T${hm}:00Z`);
  // Forward steps over all rows: 10, 10, 10, 2 (median 10); over the rows with a value alone:
  // 20, 12 (median 20). The clock goes back from 01:32 to 01:10.
  const raw = {
    times: ['01:00', '01:10', '01:20', '01:30', '01:32', '01:10'].map(t),
    values: [1, Number.NaN, 3, Number.NaN, 5, 6],
  };
  const { rows, times, values, steps } = rowsToScore(raw);
  assert.deepEqual(rows, [0, 2, 4, 5]);
  assert.deepEqual([...values], [1, 3, 5, 6]);
  assert.deepEqual(
    Array.from(times, (x) => new Date(x).toISOString().slice(11, 16)),
    ['01:00', '01:20', '01:32', '01:42'],
  );
  assert.deepEqual(steps, [{ row: 5, backMs: 22 * 60_000 }]);
});
