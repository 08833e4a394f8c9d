import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulatedDemandSeries } from './demand-series.js';

test('simulated demand: arrivals per step of the diurnal workload, its calendar on the timestamps; the same for a seed', () => {
  const opts = {
    stepMs: 3_600_000,
    days: 21,
    seed: 5,
    perStep: 400,
    holidays: [9],
    trendPerDay: 0,
    levelShifts: 1,
  };
  const a = simulatedDemandSeries(opts);
  assert.deepEqual(a.series.values, simulatedDemandSeries(opts).series.values);
  assert.equal(a.series.values.length, 21 * 24);
  assert.equal(new Date(a.series.start).getUTCDay(), 1, 'starts on a Monday');
  // One shift, after the first week, on the grid.
  assert.equal(a.shifts.length, 1);
  assert.ok(a.shifts[0] >= 7 * 24 && Number.isInteger(a.shifts[0]));
  const dayMean = (d: number) => a.series.values.slice(d * 24, d * 24 + 24).reduce((x, y) => x + y) / 24;
  // In the first week (before any shift): weekdays carry perStep on average (the cosine averages
  // out over a day), Saturday and Sunday 0.55 of it.
  const sd = Math.sqrt(400 / 24);
  for (const d of [0, 1, 2, 3, 4]) assert.ok(Math.abs(dayMean(d) - 400) < 4 * sd, `day ${d}: ${dayMean(d)}`);
  for (const d of [5, 6]) assert.ok(Math.abs(dayMean(d) - 220) < 4 * sd, `day ${d}: ${dayMean(d)}`);
  // The peak hour (14:00) against the trough (02:00) on Monday: (1 + 0.6) / (1 - 0.6) = 4.
  const peak = a.series.values[14];
  const trough = a.series.values[2];
  assert.ok(peak / trough > 2.8 && peak / trough < 5.7, `${peak} / ${trough}`);
});
