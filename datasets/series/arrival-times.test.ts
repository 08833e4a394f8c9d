import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalTimes } from './arrival-times.js';

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
