import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neuralOptionsForSeries, SMALL_SPAN_WINDOWS } from './neural-sizing.js';

test('a long span gets three seeds on a fitted level; the lookback is a day, at most 60 points', () => {
  const halfHourly = neuralOptionsForSeries({ stepMs: 1_800_000, horizon: 48, trainPoints: 3_226 });
  assert.equal(halfHourly.lookback, 48);
  assert.equal(halfHourly.ensemble, 3);
  assert.equal(halfHourly.level, 'auto');
  assert.equal(halfHourly.maxWindows, 4_000);
  // Thousands of validation windows choose the Holt-Winters weight themselves.
  assert.equal(halfHourly.fixedWeeklyBlend, undefined);
  assert.equal(neuralOptionsForSeries({ stepMs: 60_000, horizon: 60, trainPoints: 10_080 }).lookback, 60);
  // Hourly data, one-day horizon: the lookback is the day.
  assert.equal(neuralOptionsForSeries({ stepMs: 3_600_000, horizon: 12, trainPoints: 2_000 }).lookback, 24);
});

test('a short span (one hour of 10-second counts) gets the small network and five seeds', () => {
  const short = neuralOptionsForSeries({ stepMs: 10_000, horizon: 30, trainPoints: 290 });
  assert.equal(short.hidden, 16);
  assert.equal(short.ensemble, 5);
  assert.equal(short.lookback, 30);
  assert.equal(short.batchSize, 32);
  assert.equal(short.adaptiveCalibration, 0.03);
  assert.equal(short.holtWintersBlend, true);
  assert.equal(short.fixedWeeklyBlend, 0.5);
  assert.equal(
    neuralOptionsForSeries({ stepMs: 60_000, horizon: 60, trainPoints: 10_080 }).holtWintersBlend,
    true,
  );
  assert.equal(
    neuralOptionsForSeries({ stepMs: 60_000, horizon: 60, trainPoints: 10_080 }).adaptiveCalibration,
    undefined,
  );
});

test('the regime changes where the windows reach SMALL_SPAN_WINDOWS', () => {
  const at = (windows: number) =>
    neuralOptionsForSeries({ stepMs: 60_000, horizon: 60, trainPoints: windows + 60 + 60 }).ensemble;
  assert.equal(at(SMALL_SPAN_WINDOWS - 1), 5);
  assert.equal(at(SMALL_SPAN_WINDOWS), 3);
});
