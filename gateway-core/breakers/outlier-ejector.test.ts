import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutlierEjector } from './outlier-ejector.js';
import { PoolEjection } from './pool-ejection.js';

const cfg = { consecutiveErrors: 3, baseEjectionMs: 1000, maxEjectionMs: 5000, maxEjectedPercent: 50 };

function fail(e: OutlierEjector, times: number, at: number): boolean {
  let ejected = false;
  for (let i = 0; i < times; i++) ejected = e.onFailure(at);
  return ejected;
}

test('OutlierEjector: ejected at the Nth consecutive error, back at exactly now + base', () => {
  const e = new OutlierEjector(cfg);
  assert.equal(e.onFailure(100), false);
  assert.equal(e.onFailure(110), false);
  assert.equal(e.onFailure(120), true);
  assert.equal(e.isEjected(120), true);
  assert.equal(e.isEjected(1119.999), true);
  assert.equal(e.isEjected(1120), false);
  assert.equal(e.ejectedUntil, 1120);
});

test('OutlierEjector: a success resets the streak', () => {
  const e = new OutlierEjector(cfg);
  e.onFailure(0);
  e.onFailure(1);
  e.onSuccess(2);
  assert.equal(e.onFailure(3), false);
  assert.equal(e.onFailure(4), false);
  assert.equal(e.onFailure(5), true);
});

test('OutlierEjector: repeat ejections double, capped at maxEjectionMs', () => {
  const e = new OutlierEjector(cfg);
  // Each time it comes back it fails again at once: 1000, 2000, 4000, then the 5000 cap.
  let t = 0;
  const durations: number[] = [];
  for (let i = 0; i < 5; i++) {
    assert.equal(fail(e, 3, t), true);
    durations.push(e.ejectedUntil - t);
    t = e.ejectedUntil;
  }
  assert.deepEqual(durations, [1000, 2000, 4000, 5000, 5000]);
  assert.equal(e.ejectionCount, 5);
});

test('OutlierEjector: failures while ejected are ignored; the multiplier decays while healthy', () => {
  const e = new OutlierEjector(cfg);
  fail(e, 3, 0); // out 0..1000, k = 1
  assert.equal(fail(e, 10, 500), false);
  assert.equal(e.consecutiveFailures, 0);
  fail(e, 3, 1000); // back at 1000, fails at once: 2000 ms, out until 3000, k = 2
  assert.equal(e.ejectedUntil, 3000);
  // Healthy from 3000 to 5500: 2.5 base periods, k drops by 2 to 0: base duration again.
  fail(e, 3, 5500);
  assert.equal(e.ejectedUntil, 6500);
  // Healthy 6500 to 7000 (half a period): k stays 1, so 2000 ms.
  fail(e, 3, 7000);
  assert.equal(e.ejectedUntil, 9000);
});

test('PoolEjection: maxEjectedPercent caps the pool, but one instance may always go', () => {
  const pool = new PoolEjection(cfg, ['a', 'b', 'c', 'd']);
  // 50% of 4: two may be out.
  for (const id of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) pool.onFailure(id, 10);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((id) => pool.isEjected(id, 10)),
    [true, true, false, false],
  );
  assert.equal(pool.ejectedCount(10), 2);
  assert.equal(pool.capRefusals, 1);
  // c's streak is kept: once a and b return (at 1010), c's next failure ejects it.
  assert.equal(pool.onFailure('c', 1009), false);
  assert.equal(pool.capRefusals, 2);
  assert.equal(pool.onFailure('c', 1010), true);
  assert.equal(pool.ejectedCount(1010), 1);

  const tiny = new PoolEjection({ ...cfg, maxEjectedPercent: 10 }, ['x', 'y']);
  for (let i = 0; i < 3; i++) tiny.onFailure('x', 0);
  for (let i = 0; i < 3; i++) tiny.onFailure('y', 0);
  assert.deepEqual([tiny.isEjected('x', 0), tiny.isEjected('y', 0)], [true, false]);
});

test('PoolEjection: instances join and leave; unknown ids are ignored', () => {
  const pool = new PoolEjection(cfg, ['a']);
  assert.equal(pool.onFailure('zzz', 0), false);
  assert.equal(pool.isEjected('zzz', 0), false);
  pool.add('b');
  pool.add('b');
  assert.equal(pool.size, 2);
  for (let i = 0; i < 3; i++) pool.onFailure('b', 0);
  assert.equal(pool.isEjected('b', 0), true);
  assert.equal(pool.host('b')?.ejectedUntil, 1000);
  pool.remove('b');
  assert.equal(pool.ejectedCount(0), 0);
  assert.throws(() => new PoolEjection({ consecutiveErrors: 0 }), /consecutiveErrors/);
});
