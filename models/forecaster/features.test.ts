import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarFeatures } from '../../datasets/series/calendar-features.js';
import { dayNumber } from '../../datasets/series/holiday-calendar.js';
import { LogRobustScaler } from '../../datasets/series/log-robust-scaler.js';
import { buildFeatures, type FeatureConfig, inputSize, scaleValues, seasonLagInputs } from './features.js';

const HOUR = 3_600_000;
// Hourly points from Monday 2024-01-01 00:00 UTC for four weeks; each value says where it is
// from: day of the run * 100 + hour.
const start = Date.UTC(2024, 0, 1);
const z = Float32Array.from({ length: 28 * 24 }, (_, i) => Math.floor(i / 24) * 100 + (i % 24));
const week = { period: 168, count: 1 };
const base: FeatureConfig = { lookback: 4, horizon: 30, seasons: [week], level: 4 };
// Friday 26 January 2024 (day 25 of the run) is a holiday.
const holiday = dayNumber(Date.UTC(2024, 0, 26));

/** Season 0's lag input for each horizon, with the level added back (the source values). */
function lags(cfg: FeatureConfig, origin: number): number[] {
  const b = buildFeatures(cfg, z, start, HOUR, [origin], false);
  return seasonLagInputs(cfg, 0).map((k) => Math.round(b.inputs[k] + b.levels[0]));
}

test('without a holiday in view, a holiday list changes no input', () => {
  const origins = [200, 300, 400, 500];
  const plain = buildFeatures(base, z, start, HOUR, origins, false);
  for (const holidays of [[], [dayNumber(Date.UTC(2024, 1, 20))]]) {
    const cal = buildFeatures({ ...base, holidays }, z, start, HOUR, origins, false);
    assert.deepEqual(cal.inputs, plain.inputs);
  }
});

test('a holiday reads the last day that behaves like it a week back, and the days around it their own kind', () => {
  const cfg = { ...base, holidays: [holiday] };
  // Origin Thursday 25 January 22:00 (day 24): targets run from 23:00 into the holiday and on to
  // Saturday 04:00. Without the calendar every target reads the same hour 7 days back.
  const origin = 24 * 24 + 22;
  assert.deepEqual(lags(base, origin).slice(0, 3), [1723, 1800, 1801]);
  const withHoliday = lags(cfg, origin);
  // Thursday 23:00 behaves like a Friday (the last working day before days off): last Friday,
  // day 18. The holiday (like a Saturday) reads last Saturday, day 19; Saturday itself (like a
  // Saturday) reads its latest Saturday at or before the origin, again day 19.
  assert.deepEqual(withHoliday.slice(0, 3), [1823, 1900, 1901]);
  assert.deepEqual(withHoliday.slice(24, 30), [1923, 1900, 1901, 1902, 1903, 1904]);
  // Calendar features of the next point are those of the weekday it behaves like (Friday 23:00).
  const b = buildFeatures(cfg, z, start, HOUR, [origin], false);
  const at = inputSize(cfg) - 4;
  const friday = calendarFeatures(Date.UTC(2024, 0, 26, 23, 0));
  assert.deepEqual([...b.inputs.subarray(at, at + 4)], [...friday]);
});

test('daily data: the week-back inputs of a holiday average the latest days that behave like it', () => {
  // Daily points from Monday 2024-01-01; value = day of the run. Eight weeks averaged, as the
  // forecaster does for daily data; Wednesday 7 February (day 37) is a holiday.
  const days = Float32Array.from({ length: 70 }, (_, d) => d);
  const cfg: FeatureConfig = { lookback: 7, horizon: 3, seasons: [{ period: 7, count: 2 }], level: 7 };
  const lagsOf = (c: FeatureConfig) => {
    const b = buildFeatures(c, days, start, 86_400_000, [35], false); // origin Monday 5 February
    return seasonLagInputs(c, 0).map((k) => Math.round((b.inputs[k] + b.levels[0]) * 10) / 10);
  };
  // Targets Tue 6, Wed 7 (holiday), Thu 8: plainly the same weekday one and two weeks back.
  assert.deepEqual(lagsOf(cfg), [25.5, 26.5, 27.5]);
  // With the holiday: Tuesday 6 (working, off) behaves like a Friday and reads the Fridays before
  // the origin (days 32 and 25), the holiday (off, working) like a Sunday (days 34 and 27), and
  // Thursday is itself (days 31 and 24).
  assert.deepEqual(lagsOf({ ...cfg, holidays: [dayNumber(Date.UTC(2024, 1, 7))] }), [28.5, 30.5, 27.5]);
});

test('in log units the mean over past days is of the values, not of their logs: one near-empty day pulls it down by a seventh, not by half', () => {
  // Hourly values: 1,000 every hour, except 8 on day 3 (a blizzard night), for nine days.
  const values = Float64Array.from({ length: 9 * 24 }, (_, i) => (Math.floor(i / 24) === 3 ? 8 : 1_000));
  values[5] = 2_000; // so that the scaler has a spread to scale by
  const scaler = LogRobustScaler.fit(values.subarray(0, 24 * 8));
  const logs = scaleValues(values, scaler);
  const cfg: FeatureConfig = { lookback: 4, horizon: 2, seasons: [{ period: 24, count: 7 }], level: 4 };
  const origin = 8 * 24 + 10; // the 7 days back hold day 3 once, at every hour
  const seasonInputs = (c: FeatureConfig) => {
    const b = buildFeatures(c, logs, start, HOUR, [origin], false);
    return [...seasonLagInputs(c, 0)].map((k) => scaler.inverse(b.inputs[k] + b.levels[0]));
  };
  // The mean of six 1,000s and one 8: 858.3; the geometric mean (of v + the offset 0.08): 502.4.
  for (const v of seasonInputs({ ...cfg, logUnits: { scale: scaler.scale } }))
    assert.ok(Math.abs(v - 858.29) < 0.5, `${v}`);
  for (const v of seasonInputs(cfg)) assert.ok(Math.abs(v - 502.37) < 0.5, `${v}`);
});
