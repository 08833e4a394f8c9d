import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { selectBackend } from '../backend.js';
import { OnlineRegressor } from './online-regressor.js';

before(async () => {
  await selectBackend('wasm', () => {});
});

test('untrained, the regressor forecasts 0 (the baseline its targets are centred on), at any seed', () => {
  const x = Float32Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i) * 5);
  for (const seed of [1, 7, 11]) {
    const r = new OnlineRegressor(4, 8, seed);
    assert.deepEqual(Array.from(r.predict(x, 3)), [0, 0, 0]);
    r.dispose();
  }
});

test('it learns a linear target from the window, and training moves it off 0', () => {
  // y = x0 - x2: what a detector's fast model must learn from a periodic pattern.
  const rows = 512;
  const x = new Float32Array(rows * 3);
  const y = new Float32Array(rows);
  let state = 3;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < 3; j++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      x[r * 3 + j] = state / 2147483648 - 0.5;
    }
    y[r] = x[r * 3] - x[r * 3 + 2];
  }
  const model = new OnlineRegressor(3, 16, 7);
  const mae = () => {
    const p = model.predict(x, rows);
    let e = 0;
    for (let r = 0; r < rows; r++) e += Math.abs(p[r] - y[r]);
    return e / rows;
  };
  const before0 = mae();
  for (let k = 0; k < 10; k++) model.train(x, y, rows, 3);
  const after = mae();
  model.dispose();
  // Measured: 0.316 untrained (the mean |y|), 0.014 after 10 rounds.
  assert.ok(before0 > 0.3, `untrained MAE ${before0}`);
  assert.ok(after < before0 / 10, `trained MAE ${after}, untrained ${before0}`);
});
