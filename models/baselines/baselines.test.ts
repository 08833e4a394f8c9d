import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regularSeries } from '../../datasets/series/regular-series.js';
import { HoltWintersForecaster } from './holt-winters.js';
import { MovingAverageForecaster } from './moving-average.js';
import { NaiveForecaster } from './naive.js';
import { nelderMead } from './nelder-mead.js';
import { SeasonalNaiveForecaster } from './seasonal-naive.js';

const series = (values: number[]) => regularSeries(0, 60_000, values);

test('naive repeats the last value; p90 adds the 90th percentile of its training errors', async () => {
  // y = t: the naive h-step error is exactly h, so p90 = y[t] + h.
  const s = series(Array.from({ length: 400 }, (_, i) => i));
  const f = new NaiveForecaster();
  await f.fit(s, 300);
  const out = f.forecast(s, 350, 3);
  assert.deepEqual(Array.from(out.p50), [350, 350, 350]);
  assert.deepEqual(Array.from(out.p90), [351, 352, 353]);
});

test('seasonal naive takes the value one season back, wrapping for h > m', async () => {
  const s = series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const f = new SeasonalNaiveForecaster(3);
  await f.fit(s, 10);
  assert.deepEqual(Array.from(f.point(s, 5, 5)), [4, 5, 6, 4, 5]);
});

test('moving average picks the window that cancels an alternating wiggle', async () => {
  const s = series(Array.from({ length: 200 }, (_, i) => 10 + (i % 2 ? 1 : -1)));
  const f = new MovingAverageForecaster();
  await f.fit(s, 200);
  assert.equal(f.window, 2);
  assert.deepEqual(Array.from(f.point(s, 150, 2)), [10, 10]);
});

test('Holt-Winters forecasts a perfect seasonal + linear series exactly', async () => {
  const m = 12;
  const shape = [3, 5, 2, -1, -4, -6, -3, 0, 2, 4, 1, -3];
  const y = Array.from({ length: 20 * m }, (_, t) => 50 + 0.25 * t + shape[t % m]);
  const s = series(y);
  const f = new HoltWintersForecaster(m);
  await f.fit(s, 10 * m);
  const origin = 15 * m + 4;
  const out = f.forecast(s, origin, 30);
  for (let h = 1; h <= 30; h++) {
    const t = origin + h;
    assert.ok(Math.abs(out.p50[h - 1] - (50 + 0.25 * t + shape[t % m])) < 1e-9, `h=${h}`);
    assert.ok(Math.abs(out.p90[h - 1] - out.p50[h - 1]) < 1e-9);
  }
});

test('Holt-Winters fits smoothing parameters that beat fixed poor ones on a noisy level shift', async () => {
  const m = 4;
  const y = Array.from(
    { length: 400 },
    (_, t) => (t < 200 ? 10 : 20) + [1, -1, 2, -2][t % m] + ((t * 7919) % 13) / 13,
  );
  const s = series(y);
  const fitted = new HoltWintersForecaster(m);
  await fitted.fit(s, 300);
  const poor = new HoltWintersForecaster(m, { params: { alpha: 0.01, beta: 0.001, gamma: 0.01 } });
  await poor.fit(s, 300);
  const err = (f: HoltWintersForecaster) => Math.abs(f.point(s, 205, 1)[0] - y[206]);
  assert.ok(err(fitted) < 1, `fitted error ${err(fitted)}`);
  assert.ok(err(poor) > 2, `poor error ${err(poor)}`);
  assert.ok(fitted.params.alpha > 0.1);
});

test('Holt-Winters damps the trend h steps ahead by phi + ... + phi^h (known answer)', async () => {
  const m = 12;
  const shape = [3, 5, 2, -1, -4, -6, -3, 0, 2, 4, 1, -3];
  const y = Array.from({ length: 20 * m }, (_, t) => 50 + 0.25 * t + shape[t % m]);
  const s = series(y);
  // alpha = beta = 1, gamma = 0: the level is y - s exactly and the trend its last step (0.25).
  const f = new HoltWintersForecaster(m, { params: { alpha: 1, beta: 1, gamma: 0, phi: 0.5 } });
  await f.fit(s, 10 * m);
  const origin = 15 * m + 4;
  const out = f.point(s, origin, 6);
  for (let h = 1; h <= 6; h++) {
    const expected = 50 + 0.25 * origin + 0.25 * (1 - 0.5 ** h) + shape[(origin + h) % m];
    assert.ok(Math.abs(out[h - 1] - expected) < 1e-9, `h=${h}: ${out[h - 1]} vs ${expected}`);
  }
});

/** A daily sine of 24 points, weekends at half the level, a little noise. */
function weekendSine(weeks: number): number[] {
  const m = 24;
  return Array.from({ length: m * 7 * weeks }, (_, t) => {
    const weekend = Math.floor(t / m) % 7 >= 5 ? 0.5 : 1;
    const base = 100 * (1 + Math.sin(2 * Math.PI * ((t % m) / m - 0.25)));
    return weekend * base + (((t * 7919) % 17) - 8) / 2;
  });
}

/** MAE of 24-step forecasts every 6 points from `end` on. */
function dayAheadMae(f: HoltWintersForecaster, y: number[], end: number): number {
  const s = series(y);
  let sum = 0;
  let n = 0;
  for (let t = end; t + 24 < y.length; t += 6) {
    const p = f.point(s, t, 24);
    for (let h = 1; h <= 24; h++, n++) sum += Math.abs(y[t + h] - p[h - 1]);
  }
  return sum / n;
}

test('Holt-Winters fitted for the horizon beats the one-step fit at that horizon when weekends break the daily season', async () => {
  // The one-step fit chases each weekend edge with the trend (beta about 0.5) and carries it a day
  // ahead, as it did on the simulated half-hourly demand; the fit for 24 steps keeps the trend still.
  const y = weekendSine(8);
  const end = 24 * 7 * 6;
  const oneStep = new HoltWintersForecaster(24);
  const dayAhead = new HoltWintersForecaster(24, { horizon: 24 });
  await oneStep.fit(series(y), end);
  await dayAhead.fit(series(y), end);
  const [a, b] = [dayAheadMae(oneStep, y, end), dayAheadMae(dayAhead, y, end)];
  // Measured 16.0 against 21.2.
  assert.ok(b < 0.85 * a, `24-step fit MAE ${b.toFixed(2)} vs one-step fit ${a.toFixed(2)}`);
});

test('Holt-Winters on a long series scores strided origins and fits as well as on every origin', async () => {
  // 200 weeks of hourly points: past 20,000 origins the fit scores every second one.
  const y = weekendSine(200);
  const end = 24 * 7 * 190;
  const strided = new HoltWintersForecaster(24, { horizon: 24 });
  await strided.fit(series(y), end);
  // The same fit over a span short enough to score every origin, forecasting the same days.
  const short = y.slice(24 * 7 * 100);
  const full = new HoltWintersForecaster(24, { horizon: 24 });
  await full.fit(series(short), end - 24 * 7 * 100);
  const a = dayAheadMae(strided, y, end);
  const b = dayAheadMae(full, short, end - 24 * 7 * 100);
  assert.ok(a < 1.05 * b, `strided fit MAE ${a.toFixed(2)} vs every-origin fit ${b.toFixed(2)}`);
  assert.ok(strided.params.beta < 0.05, `beta ${strided.params.beta}`);
});

test('Nelder-Mead finds the minimum of a shifted quadratic', () => {
  const r = nelderMead((x) => (x[0] - 1) ** 2 + 2 * (x[1] + 2) ** 2, [0, 0], { maxEvaluations: 400 });
  assert.ok(Math.abs(r.x[0] - 1) < 1e-3 && Math.abs(r.x[1] + 2) < 1e-3);
});
