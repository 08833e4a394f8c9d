import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapCi } from './bootstrap.js';
import { cohensDz, pairedTTest } from './paired-t-test.js';
import { studentTCdf, studentTQuantile } from '../gateway-core/student-t.js';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank.js';

const close = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

// R's `sleep` data (Student 1908): extra hours of sleep under two drugs, same 10 patients.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

test('Student t distribution matches tables', () => {
  close(studentTQuantile(0.975, 9), 2.262157, 1e-6);
  close(studentTQuantile(0.975, 1), 12.706205, 1e-5);
  close(studentTCdf(2.0, 5), 0.9490303, 1e-7);
  close(studentTCdf(-1.5, 30), 0.0720329646, 1e-9); // scipy.stats.t.cdf(-1.5, 30)
});

test('paired t-test on the sleep data matches R t.test(paired = TRUE)', () => {
  const r = pairedTTest(drug1, drug2);
  close(r.meanDiff, -1.58, 1e-12);
  close(r.t, -4.062128, 1e-6);
  assert.equal(r.df, 9);
  close(r.p, 0.00283289, 1e-8);
  close(r.ci[0], -2.4598858, 1e-6);
  close(r.ci[1], -0.7001142, 1e-6);
  close(cohensDz(drug1, drug2), -1.284558, 1e-6);
});

test('Wilcoxon signed-rank, exact (R wilcox.test example: V = 40, p = 0.03906)', () => {
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const r = wilcoxonSignedRank(x, y);
  assert.equal(r.v, 40);
  assert.equal(r.n, 9);
  assert.equal(r.exact, true);
  close(r.p, 20 / 512, 1e-12);
});

test('Wilcoxon signed-rank with ties and a zero uses the corrected normal approximation (R: V = 0, p = 0.009091)', () => {
  const r = wilcoxonSignedRank(drug1, drug2);
  assert.equal(r.v, 0);
  assert.equal(r.n, 9);
  assert.equal(r.exact, false);
  close(r.p, 0.009091, 5e-6);
});

test('percentile bootstrap of the mean is seeded and brackets the mean', () => {
  const values = [10, 12, 9, 11, 13, 10, 12, 11];
  const a = bootstrapCi(values, { seed: 7 });
  const b = bootstrapCi(values, { seed: 7 });
  assert.deepEqual(a, b);
  assert.ok(a[0] < 11 && a[1] > 11);
  // Bounds are means of 8 integers, so multiples of 1/8, and inside the data's range.
  assert.equal((a[0] * 8) % 1, 0);
  assert.ok(a[0] >= 10 && a[1] <= 12);
  assert.deepEqual(bootstrapCi([5]), [5, 5]);
});
