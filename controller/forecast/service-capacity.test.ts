import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceCapacityEstimator } from './service-capacity.js';

// Service time S(n) = 0.7 s + 0.02 s per sequence in the batch; x = n / S(n) by Little's law.
const S = (n: number) => 0.7 + 0.02 * n;

test('recovers the batching line and the capacity at full concurrency', () => {
  const est = new ServiceCapacityEstimator();
  // Two load levels (Wald's groups are exact on a line): 8 and 24 in service per instance.
  for (let i = 0; i < 20; i++)
    est.observe(i % 2 === 0 ? 8 : 24, (i % 2 === 0 ? 8 : 24) / S(i % 2 === 0 ? 8 : 24), 100);
  const fit = est.fit(32);
  assert.ok(fit?.identified);
  assert.ok(Math.abs((fit?.a ?? 0) - 0.7) < 1e-9);
  assert.ok(Math.abs((fit?.b ?? 0) - 0.02) < 1e-9);
  // 32 / (0.7 + 0.64) = 23.8806 requests/s per instance.
  assert.ok(Math.abs((est.capacity(32) ?? 0) - 32 / 1.34) < 1e-9);
});

test('without spread the slope is taken as 0 (optimistic), and a learnt slope is kept', () => {
  const est = new ServiceCapacityEstimator({ window: 10 });
  assert.equal(est.capacity(32), null);
  for (let i = 0; i < 10; i++) est.observe(6, 6 / S(6), 100);
  // b unidentified: capacity = 32 / S(6) = 32 / 0.82.
  assert.ok(Math.abs((est.capacity(32) ?? 0) - 32 / 0.82) < 1e-9);
  for (let i = 0; i < 10; i++)
    est.observe(i % 2 === 0 ? 4 : 20, (i % 2 === 0 ? 4 : 20) / S(i % 2 === 0 ? 4 : 20), 100);
  assert.ok(Math.abs((est.capacity(32) ?? 0) - 32 / 1.34) < 1e-9);
  // Back to a steady load (the window forgets the spread): the slope learnt stays.
  for (let i = 0; i < 10; i++) est.observe(6, 6 / S(6), 100);
  assert.equal(est.fit(32)?.identified, false);
  assert.ok(Math.abs((est.capacity(32) ?? 0) - 32 / 1.34) < 1e-9);
});

test('intervals with too few completions or nothing in flight are ignored', () => {
  const est = new ServiceCapacityEstimator();
  est.observe(6, 6 / S(6), 5);
  est.observe(0, 0, 100);
  assert.equal(est.capacity(32), null);
});

test('optimistic capacity: every slot busy at the service time observed (slope left out)', () => {
  const est = new ServiceCapacityEstimator();
  // Equal time at 8 and 24 in service: S_obs = (8 + 24) / (8 / 0.86 + 24 / 1.18).
  for (let i = 0; i < 20; i++) {
    const n = i % 2 === 0 ? 8 : 24;
    est.observe(n, n / S(n), 100);
  }
  const sObs = 32 / (8 / 0.86 + 24 / 1.18);
  assert.ok(Math.abs((est.optimisticCapacity(32) ?? 0) - 32 / sObs) < 1e-9);
  // It bounds the capacity the batching line gives from above.
  assert.ok((est.optimisticCapacity(32) ?? 0) > (est.capacity(32) ?? 0));
});
