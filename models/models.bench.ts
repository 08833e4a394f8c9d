/**
 * Model benchmarks for `npm run bench`: the neural forecaster's training time on 7 days of
 * 1-minute data (10,080 points, the options `sluice forecast` gives such a series: three seeds,
 * up to 40 epochs each with early stopping, neural-sizing.ts) and its
 * inference latency per series step (one forecast of 60 steps from one origin, features
 * included), per TF.js backend that starts here; plus the learned detector's rows per second.
 * Benchmarks may read the wall clock; the models themselves never do.
 */
import * as tf from '@tensorflow/tfjs';
import { generateSyntheticSeries } from '../datasets/series/synthetic-series.js';
import { type BackendName, selectBackend } from './backend.js';
import { ResidualDetector } from './detector/residual-detector.js';
import { NeuralForecaster } from './forecaster/neural-forecaster.js';
import { neuralOptionsForSeries } from './forecaster/neural-sizing.js';

export interface ModelBenchRow {
  name: string;
  backend: string;
  value: number;
  unit: string;
  target?: string;
  meetsTarget?: boolean;
}

const TRAIN_POINTS = 10_080;

export async function benchForecaster(backend: BackendName): Promise<ModelBenchRow[]> {
  await selectBackend(backend, () => {});
  const { series } = generateSyntheticSeries({ stepMs: 60_000, days: 8, seed: 11 });
  const f = new NeuralForecaster(
    neuralOptionsForSeries({ stepMs: series.stepMs, horizon: 60, trainPoints: TRAIN_POINTS }),
  );
  let t0 = performance.now();
  await f.fit(series, TRAIN_POINTS);
  const trainS = (performance.now() - t0) / 1000;
  const origins = Array.from({ length: 300 }, (_, i) => TRAIN_POINTS + i * 3);
  f.forecast(series, origins[0], 60); // warm-up
  t0 = performance.now();
  for (const o of origins) f.forecast(series, o, 60);
  const perStepMs = (performance.now() - t0) / origins.length;
  t0 = performance.now();
  f.forecastBatch(series, origins, 60);
  const batchedMs = (performance.now() - t0) / origins.length;
  const epochs = f.state?.training.epochs ?? 0;
  f.dispose();
  const onWasm = backend === 'wasm';
  return [
    {
      name: `forecaster train 10,080 pts (${f.options.ensemble} networks, ${epochs} epochs the last)`,
      backend,
      value: trainS,
      unit: 's',
      ...(onWasm ? { target: '<= 20 s on wasm', meetsTarget: trainS <= 20 } : {}),
    },
    {
      name: 'forecaster inference per step (1 origin, H=60)',
      backend,
      value: perStepMs * 1000,
      unit: 'us',
      ...(onWasm ? { target: '<= 2000 us on wasm', meetsTarget: perStepMs <= 2 } : {}),
    },
    { name: 'forecaster inference per origin, batched 300', backend, value: batchedMs * 1000, unit: 'us' },
  ];
}

export async function benchDetector(backend: BackendName): Promise<ModelBenchRow> {
  await selectBackend(backend, () => {});
  const { series } = generateSyntheticSeries({ stepMs: 60_000, days: 14, seed: 12 });
  const n = 20_000;
  const times = Float64Array.from({ length: n }, (_, i) => series.start + i * series.stepMs);
  const t0 = performance.now();
  await new ResidualDetector().score(times, series.values.subarray(0, n));
  const s = (performance.now() - t0) / 1000;
  return { name: 'learned detector, 20,000 rows', backend, value: s, unit: 's' };
}

/** Every backend that starts here: wasm and cpu always, tensorflow and webgpu where installed. */
export async function benchModels(): Promise<ModelBenchRow[]> {
  const rows: ModelBenchRow[] = [];
  for (const backend of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as BackendName[]) {
    try {
      await selectBackend(backend, () => {});
    } catch {
      continue; // not installed or no device here: no row rather than a made-up one
    }
    rows.push(...(await benchForecaster(backend)));
    rows.push(await benchDetector(backend));
  }
  await selectBackend('wasm', () => {});
  tf.disposeVariables();
  return rows;
}
