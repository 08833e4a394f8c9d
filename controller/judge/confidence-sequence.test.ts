import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { confidenceSequence, mixtureHalfWidth, mixturePValue } from './confidence-sequence.js';

test('half-width by hand: V = 0.01, tau = 0.1, alpha = 0.05', () => {
  // sqrt(0.01 * 0.02 / 0.01 * log(0.02 / (0.01 * 0.0025))) = sqrt(0.02 * log 800) = 0.365642
  assert.ok(Math.abs(mixtureHalfWidth(0.01, 0.1, 0.05) - Math.sqrt(0.02 * Math.log(800))) < 1e-12);
  assert.equal(mixtureHalfWidth(0, 0.1, 0.05), Number.POSITIVE_INFINITY);
  const cs = confidenceSequence(1, 0.01, 0.1, 0.05);
  assert.ok(Math.abs(cs.upper - 1 - Math.sqrt(0.02 * Math.log(800))) < 1e-12);
});

test('the p-value is 1/alpha exactly on the boundary', () => {
  const h = mixtureHalfWidth(0.004, 0.05, 0.01);
  assert.ok(Math.abs(mixturePValue(h, 0.004, 0.05) - 0.01) < 1e-9);
  assert.equal(mixturePValue(0, 0.004, 0.05), 1);
});

test('a Gaussian random walk crosses the boundary in at most alpha of 400 paths over 200 looks', () => {
  // Look after every observation (the worst case for repeated testing): a fixed 1.96 boundary
  // would be crossed by most paths; the mixture boundary keeps it under alpha = 5%.
  const rng = new SeededRng(11);
  let crossed = 0;
  let naive = 0;
  for (let path = 0; path < 400; path++) {
    let sum = 0;
    let hitMix = false;
    let hitNaive = false;
    for (let n = 1; n <= 200; n++) {
      sum += rng.normal();
      const mean = sum / n;
      const v = 1 / n;
      if (Math.abs(mean) > mixtureHalfWidth(v, 0.3, 0.05)) hitMix = true;
      if (Math.abs(mean) / Math.sqrt(v) > 1.96) hitNaive = true;
    }
    if (hitMix) crossed++;
    if (hitNaive) naive++;
  }
  assert.ok(crossed <= 20, `mixture crossings ${crossed}/400`);
  assert.ok(naive >= 100, `naive crossings ${naive}/400`);
});
