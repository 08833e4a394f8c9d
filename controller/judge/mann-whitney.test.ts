import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { mannWhitney, uDistribution } from './mann-whitney.js';
import { exceedances, groupsFromHistograms, groupsFromSamples } from './rank-groups.js';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

// The example of SciPy's mannwhitneyu documentation (ages of male and female faculty):
// U = 17; exact two-sided p = 14/126 = 0.1111; normal approximation with continuity correction
// z = (17 - 10 - 0.5) / sqrt(5*4*10/12) = 1.5922, p = 0.111346886.
const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

test('exact Mann-Whitney on a textbook example', () => {
  const r = mannWhitney(groupsFromSamples(males, females));
  assert.equal(r.u, 17);
  assert.equal(r.exact, true);
  close(r.pTwoSided, 14 / 126, 1e-12);
  close(r.auc, 17 / 20, 1e-12);
});

test('normal approximation with continuity correction', () => {
  const r = mannWhitney(groupsFromSamples(males, females), { exact: false });
  assert.equal(r.exact, false);
  close(r.variance, (5 * 4 * 10) / 12, 1e-12);
  close(r.z, 6.5 / Math.sqrt(200 / 12), 1e-12);
  close(r.pTwoSided, 0.11134688653314041, 1e-6);
});

// Worked by hand: A = [1,2,2,3], B = [2,3,4,4]. Midranks 1 | 3,3,3 | 5.5,5.5 | 7.5,7.5;
// R_A = 1 + 3 + 3 + 5.5 = 12.5, U_A = 2.5; ties (3, 2, 2): sum t^3 - t = 36;
// var = 16/12 * (9 - 36/56) = 11.142857; z = (2.5 - 8 + 0.5) / 3.3380918 = -1.4978617;
// two-sided p = 0.13416918 (SciPy agrees: mannwhitneyu(..., method='asymptotic')).
test('tie correction', () => {
  const r = mannWhitney(groupsFromSamples([1, 2, 2, 3], [2, 3, 4, 4]));
  assert.equal(r.exact, false);
  assert.equal(r.u, 2.5);
  close(r.variance, (16 / 12) * (9 - 36 / 56), 1e-12);
  close(r.z, -1.4978617237881953, 1e-9);
  close(r.pTwoSided, 0.13416918012812584, 1e-6);
  close(r.pGreater, 0.9638666318672099, 1e-6);
});

test('U null distribution sums to C(m+n, m) and is symmetric', () => {
  const d = uDistribution(4, 5);
  assert.equal(d.length, 21);
  assert.equal(
    d.reduce((s, c) => s + c, 0),
    126,
  );
  for (let k = 0; k <= 20; k++) assert.equal(d[k], d[20 - k]);
  assert.deepEqual(uDistribution(2, 2), [1, 1, 2, 1, 1]);
});

test('histogram bins give the same test as samples rounded to the bins', () => {
  const rng = new SeededRng(7);
  const a: number[] = [];
  const b: number[] = [];
  const ha = new LatencyHistogram();
  const hb = new LatencyHistogram();
  for (let i = 0; i < 400; i++) {
    const x = rng.logNormal(100, 0.5);
    const y = rng.logNormal(110, 0.5);
    a.push(x);
    b.push(y);
    ha.record(x);
    hb.record(y);
  }
  // Replace each sample by its bin index: ties then match the histogram's bins exactly.
  const logGamma = Math.log(1.01 / 0.99);
  const bin = (x: number) => Math.ceil(Math.log(x) / logGamma);
  const fromSamples = mannWhitney(groupsFromSamples(a.map(bin), b.map(bin)));
  const fromBins = mannWhitney(groupsFromHistograms(ha, hb.toJSON()));
  assert.equal(fromBins.u, fromSamples.u);
  close(fromBins.variance, fromSamples.variance, 1e-6);
  close(fromBins.pTwoSided, fromSamples.pTwoSided, 1e-12);
  // And binning at 1% barely moves the test from the raw samples.
  const raw = mannWhitney(groupsFromSamples(a, b));
  assert.ok(Math.abs(raw.auc - fromBins.auc) < 0.005);
  assert.ok(fromBins.pLess < 0.05); // A is 10% faster: detected with 400 each
});

test('exceedances above the pooled quantile', () => {
  // Pooled values 1..10 (A = 1..5, B = 6..10); the 0.8 quantile is 8: above it 9, 10, both B.
  const g = groupsFromSamples([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.deepEqual(exceedances(g, 0.8), { a: 0, b: 2 });
  assert.deepEqual(exceedances(g, 0.3), { a: 2, b: 5 });
});
