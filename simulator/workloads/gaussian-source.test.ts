import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { GaussianSource } from './gaussian-source.js';

test('polar-method normals have mean 0, variance 1 and normal tail shares', () => {
  const g = new GaussianSource(new SeededRng(11));
  const n = 400_000;
  let sum = 0;
  let sq = 0;
  let beyond2 = 0;
  for (let i = 0; i < n; i++) {
    const z = g.normal();
    sum += z;
    sq += z * z;
    if (Math.abs(z) > 1.959964) beyond2++;
  }
  assert.ok(Math.abs(sum / n) < 0.006);
  assert.ok(Math.abs(sq / n - 1) < 0.01);
  assert.ok(Math.abs(beyond2 / n - 0.05) < 0.002);
});

test('log-normal median is the given median', () => {
  const g = new GaussianSource(new SeededRng(12));
  const xs = Array.from({ length: 20_001 }, () => g.logNormal(300, 0.8)).sort((a, b) => a - b);
  assert.ok(Math.abs(xs[10_000] / 300 - 1) < 0.03);
});
