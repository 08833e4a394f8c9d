import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../../gateway-core/rng.js';
import { selectBackend } from '../backend.js';
import {
  buildQuantileMlp,
  effectiveBatchSize,
  HostQuantileMlp,
  trainQuantileMlp,
  trainQuantileMlpAsync,
} from './quantile-mlp.js';

before(async () => {
  await selectBackend('wasm', () => {});
});

function rows(count: number, width: number, seed: number): Float32Array {
  const rng = new SeededRng(seed);
  return Float32Array.from({ length: count * width }, () => rng.next() * 2 - 1);
}

test('the host forward pass gives what tf.js predicts, for a trained network', async () => {
  const inputSize = 17;
  const horizon = 5;
  const model = buildQuantileMlp({ inputSize, horizon, hidden: 24, seed: 3 });
  const count = 400;
  const x = rows(count, inputSize, 1);
  // Targets from a fixed linear map, so training moves every layer (skip included) off its start.
  const y = new Float32Array(count * horizon);
  for (let r = 0; r < count; r++)
    for (let h = 0; h < horizon; h++)
      y[r * horizon + h] = x[r * inputSize + h] * 2 - x[r * inputSize + h + 5];
  const result = await trainQuantileMlp(model, x, y, count, horizon, {
    epochs: 5,
    batchSize: 64,
    learningRate: 1e-2,
    seed: 1,
    validation: 0,
    patience: 1,
  });
  assert.equal(result.epochs, 5);
  assert.ok(Number.isFinite(result.trainLoss));
  const host = await HostQuantileMlp.read(model);
  const probe = rows(30, inputSize, 2);
  const want = tf.tidy(() => (model.predict(tf.tensor2d(probe, [30, inputSize])) as tf.Tensor).dataSync());
  const got = host.predict(probe, 30);
  assert.equal(got.length, 30 * 2 * horizon);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  // Not trivially equal: the network's outputs vary across rows.
  assert.ok(Math.abs(got[0] - got[2 * horizon]) > 1e-3);
  model.dispose();
});

test('training reports the mean batch loss, and it falls on a learnable map', async () => {
  const inputSize = 6;
  const horizon = 2;
  const count = 512;
  const x = rows(count, inputSize, 5);
  const y = new Float32Array(count * horizon);
  for (let r = 0; r < count; r++) y[r * horizon] = y[r * horizon + 1] = 3 * x[r * inputSize];
  const opts = { batchSize: 64, learningRate: 1e-2, seed: 2, validation: 0, patience: 1 };
  const m1 = buildQuantileMlp({ inputSize, horizon, hidden: 16, seed: 1 });
  const one = await trainQuantileMlp(m1, x, y, count, horizon, { ...opts, epochs: 1 });
  const m2 = buildQuantileMlp({ inputSize, horizon, hidden: 16, seed: 1 });
  const many = await trainQuantileMlp(m2, x, y, count, horizon, { ...opts, epochs: 20 });
  assert.ok(many.trainLoss < one.trainLoss / 3, `after 1 epoch ${one.trainLoss}, after 20 ${many.trainLoss}`);
  m1.dispose();
  m2.dispose();
});

test('the synchronous and the awaiting drivers train the same network to the same weights', async () => {
  const inputSize = 8;
  const horizon = 3;
  const count = 300;
  const x = rows(count, inputSize, 7);
  const y = new Float32Array(count * horizon);
  for (let r = 0; r < count; r++) for (let h = 0; h < horizon; h++) y[r * horizon + h] = x[r * inputSize + h];
  const opts = { epochs: 30, batchSize: 32, learningRate: 5e-3, seed: 4, validation: 0.2, patience: 2 };
  const a = buildQuantileMlp({ inputSize, horizon, hidden: 8, seed: 9, zeroInit: true });
  const b = buildQuantileMlp({ inputSize, horizon, hidden: 8, seed: 9, zeroInit: true });
  const ra = trainQuantileMlp(a, x, y, count, horizon, opts);
  const rb = await trainQuantileMlpAsync(b, x, y, count, horizon, opts);
  assert.deepEqual(rb, ra);
  assert.ok(ra.epochs > 1 && ra.validationLoss !== null);
  const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
  const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(wb, wa);
  a.dispose();
  b.dispose();
});

test('a short span trains in smaller batches, so that an epoch holds at least the steps asked for', () => {
  const opts = { epochs: 1, batchSize: 256, learningRate: 1e-3, seed: 1, validation: 0, patience: 1 };
  // Without the option the batch is as given.
  assert.equal(effectiveBatchSize(opts, 1_215), 256);
  // Nine weeks of hourly data (1,215 training windows): 10 steps an epoch need batches of 122.
  assert.equal(effectiveBatchSize({ ...opts, minBatchesPerEpoch: 10 }, 1_215), 122);
  // A long span keeps the largest batch; a tiny one stops at 32; a smaller maximum is kept.
  assert.equal(effectiveBatchSize({ ...opts, minBatchesPerEpoch: 10 }, 3_600), 256);
  assert.equal(effectiveBatchSize({ ...opts, minBatchesPerEpoch: 10 }, 100), 32);
  assert.equal(effectiveBatchSize({ ...opts, batchSize: 16, minBatchesPerEpoch: 10 }, 100), 16);
});
