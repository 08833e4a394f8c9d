import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeWindows } from './windowing.js';

test('lookback 3, horizon 2 over 0..9, never crossing the end of the span', () => {
  const v = Array.from({ length: 10 }, (_, i) => i);
  const w = makeWindows(v, 3, 2, { end: 8, stride: 2 });
  assert.deepEqual(Array.from(w.origins), [2, 4]);
  assert.deepEqual(Array.from(w.inputs), [0, 1, 2, 2, 3, 4]);
  assert.deepEqual(Array.from(w.targets), [3, 4, 5, 6]);
  assert.equal(makeWindows(v, 3, 2).count, 6);
});
