import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regularSeries } from '../../datasets/series/regular-series.js';
import { NaiveForecaster } from '../baselines/naive.js';
import { SeasonalNaiveForecaster } from '../baselines/seasonal-naive.js';
import { backtestCsv, rollingOrigin } from './backtest.js';
import { combine, detectionCounts, detectionScore, nabRaw, nabScore } from './detection-metrics.js';
import { forecastMetrics, seasonalNaiveScale } from './forecast-metrics.js';

test('forecast metrics on hand-computed points', () => {
  const m = forecastMetrics(
    [
      { actual: 10, p50: 8, p90: 12 },
      { actual: 10, p50: 11, p90: 9 },
    ],
    2,
  );
  assert.equal(m.mae, 1.5);
  assert.equal(m.mase, 0.75);
  assert.ok(Math.abs(m.smape - 100 * ((4 / 18 + 2 / 21) / 2)) < 1e-12);
  // pinball: point 1: rho.5(2)=1, rho.9(-2)=0.2; point 2: rho.5(-1)=0.5, rho.9(1)=0.9.
  assert.ok(Math.abs(m.pinball - (1.2 / 2 + 1.4 / 2) / 2) < 1e-12);
  assert.equal(m.coverage90, 0.5);
  assert.equal(seasonalNaiveScale([1, 2, 4, 7], 4, 1), 2);
});

test('rolling origin: each forecast sees only points up to its origin; CSV rows', async () => {
  const s = regularSeries(Date.UTC(2024, 0, 1), 60_000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const rows = await rollingOrigin(new NaiveForecaster(), s, { trainEnd: 6, horizon: 2, step: 2 });
  assert.deepEqual(
    rows.map((r) => [r.origin, r.index, r.p50, r.actual]),
    [
      [5, 6, 6, 7],
      [5, 7, 6, 8],
      [7, 8, 8, 9],
      [7, 9, 8, 10],
    ],
  );
  const csv = backtestCsv(s, rows).split('\n');
  assert.equal(csv[0], 'origin,timestamp,p50,p90');
  assert.match(csv[1], /^2024-01-01 00:05:00,2024-01-01 00:06:00,6,/);
  // A seasonal naive past the series end would read a future point; the view forbids it.
  const sn = await rollingOrigin(new SeasonalNaiveForecaster(3), s, { trainEnd: 6, horizon: 4, step: 4 });
  assert.deepEqual(
    sn.slice(0, 4).map((r) => r.p50),
    [4, 5, 6, 4],
  );
});

test('window F1 with tolerance, and the NAB-style score of perfect, null and noisy detectors', () => {
  const labels = [
    { start: 20, end: 30 },
    { start: 60, end: 70 },
  ];
  const scores = new Float64Array(100);
  scores[18] = 0.9; // inside window 1 widened by 2
  scores[45] = 0.9; // false positive
  const s = detectionScore(scores, labels, 0.5, 2);
  assert.deepEqual([s.events, s.truePositives, s.windowsHit, s.precision, s.recall], [2, 1, 1, 0.5, 0.5]);
  assert.equal(s.f1, 0.5);
  const pooled = combine([detectionCounts(scores, labels, 0.5, 2), detectionCounts(scores, labels, 0.5, 2)]);
  assert.equal(pooled.windows, 4);
  const perfect = new Float64Array(100);
  perfect[18] = 1;
  perfect[58] = 1;
  assert.equal(nabScore([nabRaw(perfect, labels, 0.5, 2)]), 100);
  assert.equal(nabScore([nabRaw(new Float64Array(100), labels, 0.5, 2)]), 0);
  const raw = nabRaw(scores, labels, 0.5, 2);
  // One window caught at its first row (sigma(-1)), one missed (-1), one false row (-0.11).
  const sig = 2 / (1 + Math.exp(-5)) - 1;
  assert.ok(Math.abs(raw.raw - (sig - 1 - 0.11)) < 1e-12);
});
