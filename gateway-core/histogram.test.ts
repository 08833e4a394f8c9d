import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LatencyHistogram } from './histogram.js';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

test('quantiles are within the stated 1% relative error of the sample quantiles', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.001, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 400 }),
      (values) => {
        const h = new LatencyHistogram(0.01);
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [0, 0.5, 0.9, 0.99, 1]) {
          const exact = exactQuantile(sorted, q);
          const est = h.quantile(q)!;
          assert.ok(Math.abs(est - exact) <= 0.01 * exact + 1e-12, `q=${q}: ${est} vs ${exact}`);
        }
      },
    ),
  );
});

test('known answers: 1..100 ms has p50 50, p99 99 (within 1%), mean 50.5, count 100', () => {
  const h = new LatencyHistogram();
  for (let v = 1; v <= 100; v++) h.record(v);
  assert.equal(h.count, 100);
  assert.equal(h.mean(), 50.5);
  assert.ok(Math.abs(h.quantile(0.5)! - 50) <= 0.5);
  assert.ok(Math.abs(h.quantile(0.99)! - 99) <= 0.99);
  assert.equal(h.quantile(1), 100);
  assert.equal(new LatencyHistogram().quantile(0.5), null);
});

test('memory stays bounded when every value is a new record low', () => {
  const h = new LatencyHistogram();
  for (let i = 0; i < 200_000; i++) h.record(1e6 / (1 + i * 0.01));
  const buckets = h.toJSON().buckets.length;
  // log(1e6 / 2001) / log(1.0202) ~ 310 distinct buckets; the array must not be far larger.
  assert.ok(buckets < 400, `buckets ${buckets}`);
  assert.ok((h as unknown as { counts: Float64Array }).counts.length < 1000);
});

test('merge and JSON round trip give the same quantiles', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i);
  const both = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) both.record(i);
  a.merge(b);
  const back = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  for (const q of [0.1, 0.5, 0.9, 0.999]) {
    assert.equal(a.quantile(q), both.quantile(q));
    assert.equal(back.quantile(q), both.quantile(q));
  }
});
