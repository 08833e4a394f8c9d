import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { regularSeries } from '../../datasets/series/regular-series.js';
import { selectBackend } from '../../models/backend.js';
import { NeuralForecaster } from '../../models/forecaster/neural-forecaster.js';
import { HoltForecaster } from './holt-forecaster.js';
import { NeuralDemandForecaster } from './neural-demand-forecaster.js';

const STEP = 10_000;
// A period-12 wave (2 minutes at 10 s) with a small deterministic wiggle.
const wave = (t: number) => 100 + 30 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7919) % 5) - 2;
const neural = { lookback: 24, horizon: 6, hidden: 8, epochs: 8, batchSize: 16, seed: 5 };

before(async () => {
  await selectBackend('wasm', () => {});
});

function feed(f: NeuralDemandForecaster, from: number, to: number): void {
  for (let t = from; t < to; t++) f.update(t * STEP, wave(t));
}

test('Holt answers during warm-up; the fitted network answers from the next interval, on schedule', async () => {
  const lines: string[] = [];
  const f = new NeuralDemandForecaster({
    stepMs: STEP,
    neural,
    updateEvery: 5,
    retrainEvery: 20,
    log: (l) => lines.push(l),
  });
  assert.equal(f.options.minHistory, 48); // max(2 x 24, 24 + 6 + 10)
  const holt = new HoltForecaster();
  for (let t = 0; t < 48; t++) {
    f.update(t * STEP, wave(t));
    holt.update(t * STEP, wave(t));
    assert.deepEqual(f.forecast(3), holt.forecast(3));
  }
  // The 48th value started the fit; the network is swapped in at the next interval.
  assert.equal(f.neuralActive, false);
  await f.settle();
  assert.equal(f.neuralActive, false, 'settle() does not swap: only an interval boundary does');
  f.update(48 * STEP, wave(48));
  holt.update(48 * STEP, wave(48));
  assert.equal(f.neuralActive, true);
  assert.equal(f.stats.fits, 1);

  // Its forecasts are the network's: a NeuralForecaster fitted on the same 48 points, from the
  // latest point (49 values), gives the same numbers.
  const reference = new NeuralForecaster({ ...neural, seasons: [], learningRate: 5e-3, patience: 5 });
  const values = Array.from({ length: 49 }, (_, t) => wave(t));
  await reference.fit(regularSeries(0, STEP, values.slice(0, 48)), 48);
  const r = reference.forecast(regularSeries(0, STEP, values), 48, 6);
  const got = f.forecast(3);
  assert.deepEqual(got, { p50: Math.max(0, r.p50[2]), p90: Math.max(r.p50[2], r.p90[2]) });
  assert.notDeepEqual(got, holt.forecast(3));
  assert.equal(f.forecast(60).p50, Math.max(0, r.p50[5]), 'beyond the horizon: the horizon value');

  // 48 + 20 = 68: the retrain starts at observation 68, swaps in at 69; online updates at the
  // multiples of 5 in between (50, 55, 60, 65) and after (70, 75), none on a fit interval.
  feed(f, 49, 76);
  await f.settle();
  assert.deepEqual(
    { fits: f.stats.fits, updates: f.stats.updates, failures: f.stats.failures },
    { fits: 2, updates: 6, failures: 0 },
  );
  assert.deepEqual(
    lines.filter((l) => l.includes('active at')).map((l) => l.replace(/ \(\d+ epochs\)/, '')),
    [
      'neural-demand: network fitted on 48 points active at observation 49',
      'neural-demand: network fitted on 68 points active at observation 69',
    ],
  );
  f.dispose();
});

test('a failed fit is logged, Holt keeps answering, and the next scheduled retrain recovers', async () => {
  const lines: string[] = [];
  // 30 points give no training window (lookback 24 + horizon 6): the first fit must fail.
  const f = new NeuralDemandForecaster({
    stepMs: STEP,
    neural,
    minHistory: 30,
    retrainEvery: 20,
    log: (l) => lines.push(l),
  });
  const holt = new HoltForecaster();
  for (let t = 0; t < 40; t++) {
    f.update(t * STEP, wave(t));
    holt.update(t * STEP, wave(t));
  }
  await f.settle();
  assert.equal(f.neuralActive, false);
  assert.equal(f.stats.failures, 1);
  assert.deepEqual(f.forecast(2), holt.forecast(2));
  assert.ok(
    lines.some((l) =>
      l.startsWith('neural-demand: fit failed, Holt answers meanwhile: network started at observation 30'),
    ),
  );
  assert.ok(lines.some((l) => l.includes('fit rejected') && l.includes('need at least 10')));
  // The retrain at observation 50 has 50 points (21 windows) and succeeds; active at 51.
  feed(f, 40, 51);
  assert.equal(f.neuralActive, true);
  assert.equal(f.stats.fits, 1);
  assert.notDeepEqual(f.forecast(2), holt.forecast(2));
  await f.settle();
  f.dispose();
});
