import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitsLogScale, LogRobustScaler, restoreScaler } from './log-robust-scaler.js';
import { RobustScaler } from './robust-scaler.js';

test('log scaling: robust centre and scale of the logs, offset a hundredth of the least value, exact inverse', () => {
  const values = [200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200];
  const s = LogRobustScaler.fit(values);
  assert.equal(s.offset, 2);
  // The median of log(v + 2) is log(3202); the quartiles log(802) and log(12802).
  assert.ok(Math.abs(s.center - Math.log(3202)) < 1e-12);
  assert.ok(Math.abs(s.scale - (Math.log(12802) - Math.log(802))) < 1e-12);
  for (const v of [0.5, 3, 100, 1e6]) assert.ok(Math.abs(s.inverse(s.transform(v)) - v) < 1e-9 * v);
  // A level that doubles moves every point by the same amount in scaled units.
  const d1 = s.transform(2000) - s.transform(1000);
  const d2 = s.transform(40000) - s.transform(20000);
  assert.ok(Math.abs(d1 - d2) < 0.01 * d1);
});

test('log scaling: a later 0 maps below everything seen, finite; the span must be positive', () => {
  const s = LogRobustScaler.fit([10, 20, 30]);
  assert.ok(Number.isFinite(s.transform(0)));
  assert.ok(s.transform(0) < s.transform(10));
  assert.equal(s.transform(-5), s.transform(0));
  assert.equal(fitsLogScale([1, 2, 3]), true);
  for (const bad of [[], [0, 1, 2], [1, -2], [1, Number.NaN], [1, Number.POSITIVE_INFINITY]])
    assert.equal(fitsLogScale(bad), false, JSON.stringify(bad));
  assert.throws(() => LogRobustScaler.fit([3, 0, 4]), /finite values > 0/);
});

test('restoreScaler: a saved state without a kind is linear (models saved before logs), with one log', () => {
  const linear = restoreScaler({ center: 5, scale: 2 });
  assert.ok(linear instanceof RobustScaler);
  assert.equal(linear.transform(9), 2);
  const log = LogRobustScaler.fit([1, 10, 100]);
  const back = restoreScaler(JSON.parse(JSON.stringify(log.toJSON())));
  assert.ok(back instanceof LogRobustScaler);
  assert.equal(back.transform(42), log.transform(42));
});
