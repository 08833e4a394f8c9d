import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fisherExact, twoProportionZ, wilsonInterval } from './two-proportion.js';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

// Worked by hand: 30/200 vs 15/200. pooled p = 45/400 = 0.1125,
// se = sqrt(0.1125 * 0.8875 * 0.01) = 0.0315984, z = 0.075 / 0.0315984 = 2.3735633, P(Z > z) = 0.0088087.
test('pooled two-proportion z-test', () => {
  const r = twoProportionZ(30, 200, 15, 200);
  close(r.z, 2.3735633163877066, 1e-9);
  close(r.pGreater, 0.008808686117259422, 1e-7);
  close(r.pTwoSided, 2 * 0.008808686117259422, 1e-7);
  close(r.diff, 0.075, 1e-12);
  close(r.variance, (0.15 * 0.85) / 200 + (0.075 * 0.925) / 200, 1e-12);
  assert.equal(twoProportionZ(0, 100, 0, 100).z, 0);
});

// Fisher's lady tasting tea (Fisher 1935): 8 cups, 4 of each kind, 3 guessed right.
// P(X >= 3) = (C(4,3)C(4,1) + C(4,4)C(4,0)) / C(8,4) = 17/70; two-sided 34/70.
test('Fisher exact on the tea-tasting table', () => {
  const r = fisherExact(3, 4, 1, 4);
  close(r.pGreater, 17 / 70, 1e-12);
  close(r.pTwoSided, 34 / 70, 1e-12);
  close(r.pLess, 1 - 1 / 70, 1e-12);
});

// Sparse errors, 7/100 vs 1/100: SciPy fisher_exact(alternative='greater') = 0.0324297.
test('Fisher exact on sparse error counts', () => {
  const r = fisherExact(7, 100, 1, 100);
  close(r.pGreater, 0.03242970105213253, 1e-9);
  close(r.pTwoSided, 0.06485940210426507, 1e-9);
});

// Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 -> Wilson 0.2553 to 0.3662.
test('Wilson score interval', () => {
  const r = wilsonInterval(81, 263);
  close(r.lower, 0.2552885198782742, 1e-6);
  close(r.upper, 0.36620957698280004, 1e-6);
  const zero = wilsonInterval(0, 10);
  assert.equal(zero.lower, 0);
  close(zero.upper, 0.2775327998628892, 1e-6); // 3.8415/13.8415
});
