import assert from 'node:assert/strict';
import { test } from 'node:test';
import { weightedMaxMin } from './weighted-max-min.js';

const close = (a: number | undefined, b: number) =>
  assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

// Bertsekas & Gallager, Data Networks, section 6.5.2 style example (equal weights):
// capacity 10, demands 2, 2.6, 4, 5 -> 2, 2.6, 2.7, 2.7.
test('max-min with equal weights', () => {
  const r = weightedMaxMin(10, [
    { id: 'a', demand: 2, weight: 1 },
    { id: 'b', demand: 2.6, weight: 1 },
    { id: 'c', demand: 4, weight: 1 },
    { id: 'd', demand: 5, weight: 1 },
  ]);
  close(r.allocations.get('a'), 2);
  close(r.allocations.get('b'), 2.6);
  close(r.allocations.get('c'), 2.7);
  close(r.allocations.get('d'), 2.7);
  assert.equal(r.spare, 0);
  close(r.level, 2.7);
});

// Keshav, An Engineering Approach to Computer Networking (1997), weighted max-min example:
// capacity 16, demands 4, 2, 10, 4 with weights 2.5, 4, 0.5, 1 -> 4, 2, 6, 4.
test('weighted max-min (Keshav)', () => {
  const r = weightedMaxMin(16, [
    { id: 'a', demand: 4, weight: 2.5 },
    { id: 'b', demand: 2, weight: 4 },
    { id: 'c', demand: 10, weight: 0.5 },
    { id: 'd', demand: 4, weight: 1 },
  ]);
  assert.deepEqual([...r.allocations.values()], [4, 2, 6, 4]);
  close(r.level, 12);
});

test('demand below capacity: everyone is satisfied and the rest is spare', () => {
  const r = weightedMaxMin(100, [
    { id: 'a', demand: 10, weight: 1 },
    { id: 'b', demand: 0, weight: 3 },
    { id: 'c', demand: 30, weight: 2 },
  ]);
  assert.deepEqual(
    [...r.allocations.entries()],
    [
      ['a', 10],
      ['b', 0],
      ['c', 30],
    ],
  );
  assert.equal(r.spare, 60);
  assert.equal(r.level, Number.POSITIVE_INFINITY);
});

test('all oversubscribed: split by weight', () => {
  const r = weightedMaxMin(12, [
    { id: 'gold', demand: 100, weight: 3 },
    { id: 'free', demand: 100, weight: 1 },
  ]);
  close(r.allocations.get('gold'), 9);
  close(r.allocations.get('free'), 3);
  assert.throws(() => weightedMaxMin(1, [{ id: 'x', demand: 1, weight: 0 }]), RangeError);
});
