import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HpaRule } from './hpa-rule.js';

test('desired = ceil(current * metric / target)', () => {
  const h = new HpaRule({ minReplicas: 1, maxReplicas: 100, target: 60 });
  assert.equal(h.desired(0, 4, 90), 6); // ceil(4 * 1.5)
  assert.equal(h.recommend(3, 70), 4); // ceil(3 * 1.1667) = ceil(3.5)
});

test('within the 10% tolerance nothing changes; small scale-downs round up', () => {
  const h = new HpaRule({ minReplicas: 1, maxReplicas: 100, target: 60 });
  assert.equal(h.desired(0, 4, 63), 4); // ratio 1.05
  assert.equal(h.recommend(4, 54), 4); // ratio 0.9: |0.9 - 1| <= 0.1
  assert.equal(h.recommend(4, 53.9), 4); // ceil(4 * 0.8983) = ceil(3.593)
  assert.equal(h.recommend(10, 50), 9); // ceil(8.333)
});

test('scale-down waits for the stabilisation window (max of recommendations)', () => {
  const h = new HpaRule({ minReplicas: 1, maxReplicas: 100, target: 60 });
  assert.equal(h.desired(0, 10, 60), 10);
  assert.equal(h.desired(60_000, 10, 30), 10); // raw 5, window max(10, 5)
  assert.equal(h.desired(200_000, 10, 30), 10);
  assert.equal(h.desired(300_000, 10, 30), 10); // t=0 is still inside [0, 300 000]
  assert.equal(h.desired(300_001, 10, 30), 5); // only the 5s remain
});

test('scale-up acts at once, capped at max(2x, +4) per step', () => {
  const h = new HpaRule({ minReplicas: 1, maxReplicas: 100, target: 60 });
  assert.equal(h.desired(0, 2, 600), 6); // raw 20, cap max(4, 6)
  assert.equal(h.desired(1000, 10, 300), 20); // raw 50, cap max(20, 14)
  assert.equal(h.desired(2000, 10, 90), 15); // raw 15 under the cap
});

test('min and max replicas bound the result', () => {
  const h = new HpaRule({ minReplicas: 2, maxReplicas: 8, target: 60, scaleDownWindowMs: 0 });
  assert.equal(h.desired(0, 3, 1), 2); // raw 1
  assert.equal(h.desired(1, 7, 120), 8); // raw 14
  assert.throws(() => new HpaRule({ minReplicas: 3, maxReplicas: 2, target: 1 }), RangeError);
});
