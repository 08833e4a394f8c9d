import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalCdf, normalQuantile, normalSf } from './normal.js';

// Reference values: standard normal tables (Abramowitz & Stegun 26.2), to the precision of the
// erfc fit (1.2e-7 fractional).
test('normalCdf matches table values', () => {
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 1e-7);
  assert.ok(Math.abs(normalCdf(-1) - 0.15865525393145707) < 1e-7);
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  // Far tail keeps relative precision: P(Z > 5) = 2.8665157e-7.
  assert.ok(Math.abs(normalSf(5) / 2.866515718791933e-7 - 1) < 1e-6);
});

test('normalQuantile inverts normalCdf', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.01) - -2.3263478740408408) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-6);
  assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
  assert.throws(() => normalQuantile(1.5), RangeError);
});
