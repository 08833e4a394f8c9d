import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { selectBackend } from './backend.js';
import {
  backtestSeriesFile,
  compareSeriesFile,
  detectSeriesFile,
  predictSeriesFile,
  readRegular,
  trainSeriesFile,
  updateSeriesFile,
} from './series-jobs.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-jobs-'));
const input = join(dir, 'series.csv');

before(async () => {
  await selectBackend('wasm', () => {});
  // Three days at 30 minutes: a daily wave, an extra column, timestamps with a space.
  const lines = ['timestamp,value,host'];
  for (let i = 0; i < 144; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 1_800_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${t},${(100 + 20 * Math.sin((2 * Math.PI * i) / 48)).toFixed(3)},a`);
  }
  writeFileSync(input, `${lines.join('\n')}\n`);
});

test('detect writes one row per input row, in order, echoing timestamps, scores in [0, 1]', async () => {
  const output = join(dir, 'scores.csv');
  const r = await detectSeriesFile({ input, output, detector: 'robust-zscore' });
  assert.equal(r.rows, 144);
  const rows = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'timestamp,value,anomaly_score');
  assert.equal(rows.length, 145);
  assert.match(rows[1], /^2024-01-01 00:00:00,100,0$/);
  assert.ok(rows.slice(1).every((l) => Number(l.split(',')[2]) >= 0 && Number(l.split(',')[2]) <= 1));
  await assert.rejects(detectSeriesFile({ input, output, detector: 'magic' }), {
    code: 'SLUICE_CONFIG_INVALID',
  });
});

test('backtest with the naive model: origins from the holdout, forecasts equal the origin value', async () => {
  const output = join(dir, 'preds.csv');
  const seen: string[] = [];
  const r = await backtestSeriesFile({
    input,
    output,
    model: 'naive',
    horizon: 4,
    step: 4,
    holdout: 0.25,
    progress: (e) => seen.push(`${e.phase} ${e.done}/${e.total}`),
  });
  assert.deepEqual(
    seen,
    Array.from({ length: 9 }, (_, k) => `forecast ${k + 1}/9`),
  );
  const rows = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'origin,timestamp,p50,p90');
  // Train on 108 points; origins 107, 111, ..., 139: 9 origins x 4 steps.
  assert.equal(r.origins, 9);
  assert.equal(rows.length, 1 + 36);
  const first = rows[1].split(',');
  assert.equal(first[0], '2024-01-03 05:30:00');
  assert.equal(first[1], '2024-01-03 06:00:00');
  assert.equal(Number(first[2]), Number((100 + 20 * Math.sin((2 * Math.PI * 107) / 48)).toFixed(3)));
});

test('train saves a model directory, predict forecasts the horizon after the last point', async () => {
  const modelDir = join(dir, 'model');
  const fits: string[] = [];
  const r = await trainSeriesFile({
    input,
    modelDir,
    horizon: 6,
    epochs: 3,
    progress: (e) => {
      if (e.phase === 'fit') fits.push(`${e.done}/${e.total}`);
    },
  });
  // A holdout fit, then the full one: five networks each (144 points: the short-span rule).
  assert.deepEqual(
    fits,
    [1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((k) => `${k}/5`),
  );
  assert.ok(r.windows > 0);
  assert.equal(r.epochs, 3);
  const meta = JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8'));
  assert.equal(meta.dataSpan.points, 144);
  assert.equal(meta.backend, 'wasm');
  // What train reports of the p50 is what it saved.
  assert.deepEqual(r.blend, meta.state.holtWintersBlend ?? null);
  const output = join(dir, 'next.csv');
  const p = await predictSeriesFile({ input, modelDir, output });
  assert.equal(p.rows, 6);
  const rows = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(rows[1].split(',')[0], '2024-01-03 23:30:00');
  assert.equal(rows[6].split(',')[1], '2024-01-04 02:30:00');
});

test('train without --epochs uses the sizing rule (an unset flag blanked the epochs once: 0 were run)', async () => {
  const modelDir = join(dir, 'model-default');
  const r = await trainSeriesFile({ input, modelDir, horizon: 6 });
  assert.ok(r.epochs > 0, `${r.epochs} epochs`);
  const meta = JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8'));
  assert.equal(meta.networks, 5); // 144 points: the short-span rule, five seeds
  assert.equal(meta.state.options.seed, 1);
});

test('--holidays names a public calendar: its dates for the years of the series and the next are saved with the model', async () => {
  const modelDir = join(dir, 'model-holidays');
  await trainSeriesFile({ input, modelDir, horizon: 6, epochs: 1, holidays: ['england', '2024-01-02'] });
  const meta = JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8'));
  const saved: string[] = meta.state.options.holidays;
  // 2024 and 2025: eight bank holidays each, and the date given.
  assert.equal(saved.length, 17);
  assert.deepEqual(saved.slice(0, 3), ['2024-01-01', '2024-01-02', '2024-03-29']);
  assert.equal(saved.at(-1), '2025-12-26');
  // predict adds a calendar's dates to the saved ones.
  const p = await predictSeriesFile({ input, modelDir, output: join(dir, 'next-h.csv'), holidays: ['us'] });
  assert.equal(p.rows, 6);
});

test('--units: log saves a log scaler, auto falls back to linear on a span holding a 0, log there is refused naming the fix', async () => {
  const logged = await trainSeriesFile({
    input,
    modelDir: join(dir, 'model-log'),
    horizon: 6,
    epochs: 1,
    units: 'log',
  });
  assert.equal(logged.units, 'log');
  const meta = JSON.parse(readFileSync(join(dir, 'model-log', 'metadata.json'), 'utf8'));
  assert.equal(meta.state.scaler.kind, 'log');
  const zero = join(dir, 'with-zero.csv');
  const lines = readFileSync(input, 'utf8').trim().split('\n');
  lines[11] = lines[11].replace(/,[^,]+,a$/, ',0,a'); // the 11th point is 0
  writeFileSync(zero, `${lines.join('\n')}\n`);
  const auto = await trainSeriesFile({
    input: zero,
    modelDir: join(dir, 'model-auto'),
    horizon: 6,
    epochs: 1,
    units: 'auto',
  });
  assert.equal(auto.units, 'linear');
  await assert.rejects(
    trainSeriesFile({ input: zero, modelDir: join(dir, 'model-log0'), horizon: 6, epochs: 1, units: 'log' }),
    {
      code: 'SLUICE_CONFIG_INVALID',
      message: /holds 0 at point 10; use --units auto \(logs only where they fit\) or --units linear/,
    },
  );
});

test('update trains a saved model on the points after its span, saves it back, and refuses a file with nothing new', async () => {
  const modelDir = join(dir, 'model-update');
  const lines = readFileSync(input, 'utf8').trim().split('\n');
  const early = join(dir, 'early.csv');
  writeFileSync(early, `${lines.slice(0, 1 + 120).join('\n')}\n`); // the first 120 points
  await trainSeriesFile({ input: early, modelDir, horizon: 6, epochs: 2 });
  const before = JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8'));
  assert.equal(before.dataSpan.points, 120);
  const weightsBefore = readFileSync(join(modelDir, 'weights.bin'));
  const r = await updateSeriesFile({ input, modelDir, epochs: 2 });
  assert.equal(r.newPoints, 24);
  assert.equal(r.epochs, 2);
  assert.equal(r.end, '2024-01-03 23:30:00');
  const after = JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8'));
  assert.equal(after.dataSpan.points, 144);
  assert.equal(after.metrics.updates, 1);
  assert.notDeepEqual(readFileSync(join(modelDir, 'weights.bin')), weightsBefore, 'the saved weights moved');
  await assert.rejects(updateSeriesFile({ input, modelDir }), {
    code: 'SLUICE_CONFIG_INVALID',
    message: /nothing after the model's last point 2024-01-03 23:30:00/,
  });
});

test('missing values: detect writes their rows back empty with score 0; forecast sees their times as filled gaps', async () => {
  const lines = readFileSync(input, 'utf8').trim().split('\n');
  const gappy = join(dir, 'gappy.csv');
  // Rows 50..59 lose their value (the timestamp stays).
  writeFileSync(
    gappy,
    `${lines.map((l, k) => (k >= 51 && k <= 60 ? l.replace(/,[^,]*,a$/, ',,a') : l)).join('\n')}\n`,
  );
  const output = join(dir, 'gappy-scores.csv');
  const r = await detectSeriesFile({ input: gappy, output, detector: 'robust-zscore' });
  assert.equal(r.rows, 144);
  const rows = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(rows[51], '2024-01-02 01:00:00,,0');
  assert.equal(Number(rows[50].split(',')[1]), Number(lines[50].split(',')[1])); // the row before, as read
  const series = await readRegular(gappy);
  assert.equal(series.values.length, 144);
  assert.deepEqual(
    Array.from(series.filled).flatMap((f, i) => (f ? [i] : [])),
    Array.from({ length: 10 }, (_, k) => 50 + k),
  );
});

test('detect scores a file whose timestamps go back (an hour written twice), one row per input row', async () => {
  const back = join(dir, 'back.csv');
  const rows = ['timestamp,value'];
  for (let i = 0; i < 600; i++) {
    // Rows 300-311 repeat the hour before them, as a clock set back would write them.
    const k = i >= 300 ? i - 12 : i;
    rows.push(`${new Date(Date.UTC(2014, 0, 1) + k * 300_000).toISOString()},${50 + 10 * Math.sin(i / 20)}`);
  }
  // A blank line before the step back: the notice still names the file's own line.
  rows.splice(200, 0, '');
  writeFileSync(back, `${rows.join('\n')}\n`);
  const output = join(dir, 'back-scores.csv');
  const r = await detectSeriesFile({ input: back, output, detector: 'neural-residual' });
  assert.equal(r.rows, 600);
  assert.deepEqual(r.clockSteps, [{ line: 303, backMs: 55 * 60_000 }]);
  const lines = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(lines.length, 601);
  // Timestamps are echoed as given, the repeated hour included.
  assert.equal(lines[301].split(',')[0], rows[302].split(',')[0]);
  assert.ok(lines.slice(1).every((l) => Number(l.split(',')[2]) >= 0 && Number(l.split(',')[2]) <= 1));
});

test('forecasting refuses rows a calendar month apart by name, where one fixed step would merge two of them', async () => {
  // The 1st of each month for three years (gaps of 28 to 31 days).
  const lines = ['timestamp,value'];
  for (let m = 0; m < 36; m++) lines.push(`${new Date(Date.UTC(2020, m, 1)).toISOString()},${100 + m}`);
  const monthly = join(dir, 'monthly.csv');
  writeFileSync(monthly, `${lines.join('\n')}\n`);
  await assert.rejects(readRegular(monthly), {
    code: 'SLUICE_TRACE_INVALID',
    message: /rows are calendar months apart.*fixed step.*sluice detect/s,
  });
  await assert.rejects(
    backtestSeriesFile({
      input: monthly,
      output: join(dir, 'm.csv'),
      model: 'naive',
      horizon: 3,
      step: 1,
      holdout: 0.2,
    }),
    /calendar months apart/,
  );
  // Detection scores the rows as they are, one score per row.
  const r = await detectSeriesFile({
    input: monthly,
    output: join(dir, 'm-scores.csv'),
    detector: 'robust-zscore',
  });
  assert.equal(r.rows, 36);
  // A daily series with one missing day is not calendar-spaced (gaps of 1 and 2 days): it is
  // gridded, the missing day filled.
  const daily = ['timestamp,value'];
  for (let d = 0; d < 30; d++)
    if (d !== 10) daily.push(`${new Date(Date.UTC(2020, 0, 1 + d)).toISOString()},${d}`);
  writeFileSync(join(dir, 'daily.csv'), `${daily.join('\n')}\n`);
  const s = await readRegular(join(dir, 'daily.csv'));
  assert.equal(s.values.length, 30);
  assert.equal(s.filled[10], 1);
});

test('compare backtests the neural forecaster beside the baselines the span allows, and compares it with the best', async () => {
  // The three-day wave with a deterministic wiggle, so the day-back seasonal naive is not exact.
  const lines = ['timestamp,value'];
  for (let i = 0; i < 144; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 1_800_000).toISOString();
    lines.push(`${t},${(100 + 20 * Math.sin((2 * Math.PI * i) / 48) + ((i * 7919) % 7) - 3).toFixed(3)}`);
  }
  const noisy = join(dir, 'noisy.csv');
  writeFileSync(noisy, `${lines.join('\n')}\n`);
  const r = await compareSeriesFile({ input: noisy, horizon: 4, step: 2, holdout: 0.25, clock: () => 0 });
  assert.equal(r.scenario, 'noisy');
  // 108 training points at 30 minutes hold the day (48) twice but not the week.
  assert.deepEqual(
    r.models.map((m) => `${m.role} ${m.model}`),
    [
      'baseline naive',
      'baseline seasonal-naive-daily',
      'baseline holt-winters-daily',
      'candidate neural-mlp',
    ],
  );
  const best = r.models.filter((m) => m.role === 'baseline').reduce((a, b) => (b.mase < a.mase ? b : a));
  const neural = r.models.at(-1)!;
  assert.equal(r.bestBaseline, best.model);
  assert.ok(Math.abs(neural.ratioToBestBaseline! - neural.mase / best.mase) < 1e-12);
  // Origins 107, 109, ..., 139 (17), each 4-step horizon overlapping the next one: lags of 2.
  assert.equal(r.comparison.against, best.model);
  assert.equal(r.comparison.origins, 17);
  assert.equal(r.comparison.overlap, 2);
  assert.ok(r.comparison.ratioInterval95 !== null);
  const [lo, hi] = r.comparison.ratioInterval95;
  assert.ok(lo <= hi && lo > 0, `${lo}, ${hi}`);
  // The wave alone repeats exactly a day later (rounded to 3 decimals): the MASE scale is
  // undefined, and the baselines are ranked by MAE (the MASE order wherever MASE exists).
  const exact = await compareSeriesFile({ input, horizon: 4, step: 2, holdout: 0.25, clock: () => 0 });
  assert.ok(Number.isNaN(exact.scale) && Number.isNaN(exact.models[0].mase));
  assert.equal(exact.bestBaseline, 'seasonal-naive-daily');
});
