import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tuneBatchCap } from './batch-cap-tuner.js';

const base = { cap: 32, max: 32, pressure: 0.9, inFlightPerInstance: 10, queueDepth: 0, instances: 4 };

test('batch cap: the tightest tier short of slack and nothing queued -> down by 20%, to the floor', () => {
  assert.equal(tuneBatchCap(base), 25); // floor(32 x 0.8) = 25
  assert.equal(tuneBatchCap({ ...base, cap: 16 }), 13); // floor(12.8)
  // floor = ceil(1.25 x 10) = 13: the cap does not go below the load the pool carries anyway
  assert.equal(tuneBatchCap({ ...base, cap: 14 }), 13);
  assert.equal(tuneBatchCap({ ...base, cap: 13 }), 13);
  // a floor above the cap never raises it on pressure
  assert.equal(tuneBatchCap({ ...base, cap: 10, inFlightPerInstance: 9.5 }), 10);
  assert.equal(tuneBatchCap({ ...base, cap: 8, inFlightPerInstance: 0 }), 6); // min 4 not reached
  assert.equal(tuneBatchCap({ ...base, cap: 5, inFlightPerInstance: 0 }), 4); // floor(4) = min
});

test('batch cap: work queueing beyond 5% of the slots restores the configured cap at once', () => {
  // 0.05 x 16 x 4 = 3.2 queued is the tolerance
  assert.equal(tuneBatchCap({ ...base, cap: 16, queueDepth: 3.2 }), 13);
  assert.equal(tuneBatchCap({ ...base, cap: 16, queueDepth: 3.3 }), 32);
  assert.equal(tuneBatchCap({ ...base, cap: 12, max: 24, pressure: 2, queueDepth: 100 }), 24);
});

test('batch cap: slack below 0.6 raises, the band between holds, no completions holds', () => {
  assert.equal(tuneBatchCap({ ...base, cap: 16, pressure: 0.5 }), 20);
  assert.equal(tuneBatchCap({ ...base, cap: 16, pressure: 0.7 }), 16);
  assert.equal(tuneBatchCap({ ...base, cap: 16, pressure: null }), 16);
  assert.equal(tuneBatchCap({ ...base, cap: 16, pressure: 0.7 }, { high: 0.65, down: 0.5 }), 13); // floor 13
});
