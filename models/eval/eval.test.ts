import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAnomalyCorpus, writeAnomalyCorpus } from '../../datasets/series/anomaly-corpus.js';
import { regularSeries } from '../../datasets/series/regular-series.js';
import { NaiveForecaster } from '../baselines/naive.js';
import { SeasonalNaiveForecaster } from '../baselines/seasonal-naive.js';
import { backtestCsv, rollingOrigin } from './backtest.js';
import { combine, detectionCounts, detectionScore, nabRaw, nabScore } from './detection-metrics.js';
import { evaluateDetectorLeaveOneOut, type ScoredCase } from './detector-evaluation.js';
import { runEvaluation } from './evaluate.js';
import { evaluateScenario } from './forecast-evaluation.js';
import { KnownRateReference } from './known-rate-reference.js';
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
  // A wave the seasonal naive repeats exactly has no scale (rounding error is not one): MASE is
  // undefined there, not 1e14.
  const wave = Array.from({ length: 240 }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 24));
  assert.ok(Number.isNaN(seasonalNaiveScale(wave, 240, 24)));
  assert.ok(Number.isNaN(seasonalNaiveScale([5, 5, 5, 5], 4, 1)));
  assert.ok(seasonalNaiveScale(wave, 240, 1) > 1);
});

test('times filled into a gap are neither scored nor part of the MASE scale', async () => {
  // Observed 1, 2, 3, 4, _, _, 7, 8, 9, 10 (two points missing, filled on the line between).
  const s = regularSeries(Date.UTC(2024, 0, 1), 60_000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  s.filled[4] = 1;
  s.filled[5] = 1;
  // Naive scale over the first 8 points: pairs (3,4), (4,5), (5,6) and (6,7) hold a filled point,
  // so 4 pairs of |step| 1 remain: scale 1.
  assert.equal(seasonalNaiveScale(s.values, 8, 1, s.filled), 1);
  const rows = await rollingOrigin(new NaiveForecaster(), s, { trainEnd: 4, horizon: 3, step: 3 });
  // Origin 3 forecasts 4, 5, 6 (4 and 5 filled: actual NaN); origin 6 forecasts 7, 8, 9.
  assert.deepEqual(
    rows.map((r) => r.actual),
    [Number.NaN, Number.NaN, 7, 8, 9, 10],
  );
  const m = forecastMetrics(rows, 1);
  // Scored: 7 vs 4 (3), 8 vs 7 (1), 9 vs 7 (2), 10 vs 7 (3): MAE 9 / 4.
  assert.equal(m.points, 4);
  assert.equal(m.mae, 9 / 4);
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
  // One window caught at its first row (sigma(-1)), one missed (-1), one false row 14 rows past
  // the end (row 31) of a window 14 rows wide: NAB's sweeper charges 0.11 sigma(14 / 13).
  const sigma = (y: number) => 2 / (1 + Math.exp(5 * y)) - 1;
  assert.ok(Math.abs(raw.raw - (sigma(-1) - 1 + 0.11 * sigma(14 / 13))) < 1e-12);
  // A false row two rows after that window costs far less; one before any window, the full 0.11.
  scores[45] = 0;
  scores[33] = 0.9;
  assert.ok(Math.abs(nabRaw(scores, labels, 0.5, 2).raw - (sigma(-1) - 1 + 0.11 * sigma(2 / 13))) < 1e-12);
  assert.ok(Math.abs(0.11 * sigma(2 / 13) + 0.0403) < 1e-3);
  scores[33] = 0;
  scores[5] = 0.9;
  assert.ok(Math.abs(nabRaw(scores, labels, 0.5, 2).raw - (sigma(-1) - 1 - 0.11)) < 1e-12);
});

test('leave-one-out thresholds: each series scored at the threshold best on the others', async () => {
  // A detector whose scores are the values, so every count below follows by hand.
  const identity = {
    name: 'identity',
    score: async (_t: Float64Array, v: Float64Array) => Float64Array.from(v),
  };
  const series = (marks: Record<number, number>): ScoredCase => {
    const values = new Float64Array(200);
    for (const [i, v] of Object.entries(marks)) values[Number(i)] = v;
    return {
      name: 'x',
      times: Float64Array.from(values, (_, i) => i * 60_000),
      values,
      labels: [{ start: 100, end: 110, type: 'labelled' }],
    };
  };
  // A: caught at 0.72. B: caught at 0.72, a false 0.42 at row 50. C: a weak 0.42 in the window,
  // a false 0.72 at row 20 (inside a 15% probation span of 30 rows).
  const cases = [series({ 105: 0.72 }), series({ 105: 0.72, 50: 0.42 }), series({ 105: 0.42, 20: 0.72 })];
  // A tuned on B, C: every threshold to 0.40 gives P 2/4, R 1 (F1 0.667), 0.45..0.70 gives 0.5: 0.05.
  // B tuned on A, C: to 0.40, P 2/3, R 1 (0.8): 0.05. C tuned on A, B: 0.45..0.70 gives F1 1: 0.45,
  // where C's only event is the false one. Pooled: 4 events, 2 true, 2 of 3 windows: F1 4/7.
  const r = await evaluateDetectorLeaveOneOut(identity, cases, { tolerance: 0, clock: () => 0 });
  assert.deepEqual(
    r.perSeries?.map((p) => p.threshold),
    [0.05, 0.05, 0.45],
  );
  assert.deepEqual([r.events, r.truePositives, r.windowsHit, r.windows], [4, 2, 2, 3]);
  assert.ok(Math.abs(r.f1 - 4 / 7) < 1e-12);
  assert.ok(Math.abs(r.tuningF1 - (2 / 3 + 0.8 + 1) / 3) < 1e-12);
  // With probation C's false alarm is not scored: A and B still pick 0.05, C still 0.45 (now no
  // events, window missed): 3 events, 2 true, 2 of 3 windows.
  const p = await evaluateDetectorLeaveOneOut(identity, cases, {
    tolerance: 0,
    probation: 0.15,
    clock: () => 0,
  });
  assert.deepEqual(
    p.perSeries?.map((s) => s.threshold),
    [0.05, 0.05, 0.45],
  );
  assert.deepEqual([p.events, p.truePositives, p.windowsHit], [3, 2, 2]);
  assert.ok(Math.abs(p.f1 - 2 / 3) < 1e-12);
});

test('--detector-seeds: the learned detector again at each seed, named by it; a bad seed is a one-line error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-seeds-'));
  writeAnomalyCorpus(dir, generateAnomalyCorpus({ seed: 7, perKind: 1, days: 2, faultsPerSeries: 2 }));
  const args = [
    '--labelled',
    join(dir, 'labels.json'),
    '--series-only',
    '--part',
    'detect',
    '--backend',
    'wasm',
  ];
  const report = await runEvaluation([...args, '--detector-seeds', '7,8', '--json', join(dir, 'r.json')]);
  // Seed 7 is the shipped detector's own: it is not run twice.
  assert.deepEqual(
    report.detection.map((d) => d.detector),
    ['robust-zscore', 'ewma-control', 'neural-residual', 'neural-residual@s8'],
  );
  const [shipped, other] = report.detection.slice(2);
  assert.notDeepEqual(shipped.perSeries, undefined);
  assert.equal(other.perSeries?.length, shipped.perSeries?.length);
  await assert.rejects(
    () => runEvaluation([...args, '--detector-seeds', '8,x']),
    /--detector-seeds: 'x' is not an integer seed/,
  );
  assert.equal(report.units, 'linear');
  await assert.rejects(() => runEvaluation([...args, '--units', 'logs']), /--units: 'logs' is not a unit/);
});

test('a reference row (the known rate) is scored beside the others but is never the best baseline', async () => {
  // A period-4 pattern; the reference knows it exactly, so its MASE is 0 and the baselines' are not.
  const pattern = [10, 30, 20, 40];
  const values = Array.from({ length: 80 }, (_, i) => pattern[i % 4] + (i % 3) - 1);
  const expected = Float64Array.from(values);
  const result = await evaluateScenario(
    {
      name: 'known',
      series: regularSeries(0, 60_000, values),
      trainEnd: 64,
      horizon: 4,
      step: 1,
      scalePeriod: 4,
      baselines: [new NaiveForecaster(), new SeasonalNaiveForecaster(4)],
      candidate: new SeasonalNaiveForecaster(4, 'candidate'),
      reference: new KnownRateReference(expected),
    },
    () => 0,
  );
  const reference = result.models.find((m) => m.role === 'reference')!;
  assert.equal(reference.mase, 0);
  assert.equal(reference.ratioToBestBaseline, null);
  assert.notEqual(result.bestBaseline, reference.model);
  // The candidate repeats the best baseline: ratio 1.
  assert.equal(result.models.find((m) => m.role === 'candidate')!.ratioToBestBaseline, 1);
  // Compared with that baseline: identical losses leave nothing to test (and say so), and 13 origins whose
  // 4-step horizons overlap hold under 5 blocks, too few for an interval.
  assert.deepEqual(result.comparison, {
    against: result.bestBaseline,
    origins: 13,
    overlap: 4,
    dieboldMariano: { none: 'the loss differential has zero variance (identical losses)' },
    ratioInterval95: null,
  });
  // p90 = mean + 1.2816 sqrt(mean) (Poisson, normal approximation).
  const f = new KnownRateReference(Float64Array.from([0, 100, 25])).forecast(
    regularSeries(0, 1, [0, 0, 0]),
    0,
    2,
  );
  assert.deepEqual([...f.p50], [100, 25]);
  assert.ok(
    Math.abs(f.p90[0] - (100 + 12.8155156554)) < 1e-8 && Math.abs(f.p90[1] - (25 + 6.4077578277)) < 1e-8,
  );
});
