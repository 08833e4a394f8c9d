import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zToScore } from '../detector.js';
import { EwmaControlDetector } from './ewma-control.js';
import { RobustZScoreDetector } from './robust-zscore.js';

const times = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 60_000);

test('robust z-score of a known spike: median 10, MAD 1, spike 20', async () => {
  const v = Float64Array.from({ length: 61 }, (_, i) => (i % 2 ? 11 : 9));
  v[60] = 20;
  const scores = await new RobustZScoreDetector(60).score(times(61), v);
  const z = 10 / (1.4826 * 1 + 1e-9 + 1e-5);
  assert.ok(Math.abs(scores[60] - (z * z) / (z * z + 16)) < 1e-9);
  assert.ok(Math.abs(scores[60] - 0.7398) < 1e-3);
  // Row 58 sees rows 0..57: 29 nines and 29 elevens, so median 10 and MAD 1 again.
  assert.ok(Math.abs(scores[58] - zToScore(1 / (1.4826 + 1e-9 + 1e-5))) < 1e-9);
  assert.equal(scores[0], 0);
});

test('EWMA control: flat rows score 0, a step scores near 1', async () => {
  const v = Float64Array.from({ length: 101 }, (_, i) => (i < 100 ? 5 : 6));
  const s = await new EwmaControlDetector().score(times(101), v);
  assert.equal(s[99], 0);
  assert.ok(s[100] > 0.99);
});

test('both baselines are causal: a prefix scores the same as the whole', async () => {
  const v = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i / 7) * 10 + ((i * 7919) % 17));
  for (const d of [new RobustZScoreDetector(30), new EwmaControlDetector()]) {
    const full = await d.score(times(300), v);
    const prefix = await d.score(times(200), v.subarray(0, 200));
    assert.deepEqual(prefix, full.subarray(0, 200));
    assert.ok(full.every((x) => x >= 0 && x <= 1));
  }
});
