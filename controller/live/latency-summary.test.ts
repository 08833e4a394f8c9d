import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramFromSummary } from './latency-summary.js';

test('the count is exact and the stored quantiles come back within the histogram error', () => {
  const h = histogramFromSummary(5000, { p50: 100, p90: 200, p99: 400, mean: 130, max: 800 });
  assert.equal(h.count, 5000);
  for (const [q, want] of [
    [0.5, 100],
    [0.9, 200],
    [0.99, 400],
  ] as const) {
    const got = h.quantile(q) ?? Number.NaN;
    assert.ok(Math.abs(got / want - 1) < 0.02, `q${q}: ${got} vs ${want}`);
  }
  // Below the median the p50..p90 spread is mirrored: Q(0) = 100^2 / 200 = 50.
  assert.ok(Math.abs((h.quantile(0.001) ?? 0) / 50 - 1) < 0.03, String(h.quantile(0.001)));
  // 1000 points for 5000 requests; the top one at q = 0.9995: 400 * 2^0.95 (the max is not reached).
  assert.ok(Math.abs(h.max - 400 * 2 ** 0.95) < 1e-9, String(h.max));
});

test('small counts: one point per request, log-linear between anchors', () => {
  // n = 2 -> points at q = 0.25 (halfway 50 -> 100: 50 * 2^0.5) and q = 0.75 (100 * 2^(0.25/0.4)).
  const h = histogramFromSummary(2, { p50: 100, p90: 200, p99: 200, mean: 100, max: 200 });
  assert.equal(h.count, 2);
  assert.ok(Math.abs(h.sum - (50 * Math.SQRT2 + 100 * 2 ** 0.625)) < 1e-9, String(h.sum));
});

test('no completions, or no latency summary, give an empty histogram', () => {
  assert.equal(histogramFromSummary(0, { p50: 10, p90: 20, p99: 30, mean: 12, max: 40 }).count, 0);
  assert.equal(histogramFromSummary(7, { p50: null, p90: null, p99: null, mean: null, max: null }).count, 0);
  // Only a mean: every request at the mean.
  const h = histogramFromSummary(4, { p50: null, p90: null, p99: null, mean: 25, max: null });
  assert.deepEqual([h.count, h.sum, h.min, h.max], [4, 100, 25, 25]);
});
