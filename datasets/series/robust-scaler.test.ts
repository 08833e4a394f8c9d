import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, quantileSorted, RobustScaler } from './robust-scaler.js';

test('median and IQR ignore a spike', () => {
  const s = RobustScaler.fit([1, 2, 3, 4, 5, 6, 7, 8, 1000]);
  assert.equal(s.center, 5);
  assert.equal(s.scale, 4);
  assert.equal(s.transform(13), 2);
  assert.equal(s.inverse(2), 13);
  assert.equal(median([3, 1, 2, 10]), 2.5);
  assert.equal(quantileSorted([0, 10], 0.25), 2.5);
});

test('a flat span falls back to MAD, then 1', () => {
  assert.equal(RobustScaler.fit([5, 5, 5, 5, 5, 5, 5, 9]).scale, 0.5);
  assert.equal(RobustScaler.fit([5, 5, 5]).scale, 1);
});
