import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdoutSplit, timeSplit } from './time-split.js';

test('consecutive ranges in time order', () => {
  assert.deepEqual(timeSplit(10, [0.6, 0.2, 0.2]), [
    { start: 0, end: 6 },
    { start: 6, end: 8 },
    { start: 8, end: 10 },
  ]);
  assert.deepEqual(holdoutSplit(361, 0.2), { train: { start: 0, end: 289 }, test: { start: 289, end: 361 } });
  assert.throws(() => timeSplit(10, [0.5, 0.6]), { code: 'SLUICE_CONFIG_INVALID' });
});
