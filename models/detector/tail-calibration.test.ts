import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TailCalibration } from './tail-calibration.js';

test('tail calibration: a heavy tail scales z down to the normal quantile; a light one is left alone', () => {
  const heavy = new TailCalibration(0.01, 2.5758, 1000, 200);
  // 95% of rows at z 1, 5% at z 50: the 99th percentile is 50, so z 50 maps to 2.5758.
  for (let i = 0; i < 1000; i++) heavy.push(i % 20 === 0 ? 50 : 1);
  assert.equal(heavy.apply(10), 10, 'nothing changes before refresh()');
  heavy.refresh();
  assert.ok(Math.abs(heavy.apply(50) - 2.5758) < 1e-12);
  assert.ok(Math.abs(heavy.shrink - 2.5758 / 50) < 1e-12);

  const light = new TailCalibration(0.01, 2.5758, 1000, 200);
  for (let i = 0; i < 1000; i++) light.push((i % 100) / 50); // uniform on [0, 2): q99 1.98
  light.refresh();
  assert.equal(light.shrink, 1);
  assert.equal(light.apply(-3), 3);
});

test('tail calibration: too few values leave z as it is; infinite z are capped, NaN ignored', () => {
  const t = new TailCalibration(0.01, 2.5758, 1000, 200);
  for (let i = 0; i < 199; i++) t.push(100);
  t.refresh();
  assert.equal(t.shrink, 1, 'under minCount');
  const inf = new TailCalibration(0.01, 2.5758, 100, 10);
  for (let i = 0; i < 100; i++) inf.push(i < 50 ? Number.POSITIVE_INFINITY : Number.NaN);
  inf.refresh();
  // All 50 values are the cap (1e6): a departure from a zero scale is routine here.
  assert.ok(Math.abs(inf.apply(Number.POSITIVE_INFINITY) - 2.5758) < 1e-9);
});
