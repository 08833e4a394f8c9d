import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dailyShape, generateSyntheticSeries, SYNTHETIC_START } from './synthetic-series.js';

test('noise-free series follows the formula: weekday peak, weekend and holiday scaled', () => {
  const opts = {
    stepMs: 1_800_000,
    days: 14,
    seed: 1,
    poisson: 0,
    relNoise: 0,
    trendPerDay: 0,
    holidays: [2],
  };
  const { series } = generateSyntheticSeries(opts);
  assert.equal(series.start, SYNTHETIC_START);
  assert.equal(series.values.length, 14 * 48);
  const at2pm = 28; // 14:00 is slot 28 of 48
  assert.ok(Math.abs(series.values[at2pm] - 200 * dailyShape(840, 0.6)) < 1e-9);
  assert.ok(Math.abs(series.values[5 * 48 + at2pm] - 0.55 * series.values[at2pm]) < 1e-9);
  assert.ok(Math.abs(series.values[2 * 48 + at2pm] - 0.55 * series.values[at2pm]) < 1e-9);
});

test('same seed, same series; level shifts land after the first week', () => {
  const a = generateSyntheticSeries({ stepMs: 1_800_000, days: 21, seed: 7, levelShifts: 2 });
  const b = generateSyntheticSeries({ stepMs: 1_800_000, days: 21, seed: 7, levelShifts: 2 });
  assert.deepEqual(a.series.values, b.series.values);
  assert.equal(a.shifts.length, 2);
  assert.ok(a.shifts.every((s) => s >= 7 * 48));
});
