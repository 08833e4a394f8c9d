import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpAvgMeasurement } from './exp-avg-measurement.js';
import { Gradient2Limit } from './gradient2-limit.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
const opts = { initialLimit: 50, minLimit: 1, maxConcurrency: 200 };

test('flat latency probes upward by queueSize * smoothing', () => {
  const g = new Gradient2Limit(opts);
  // rtt 10, longRtt 10: gradient min(1, 1.5) = 1; new = 50 + 4 = 54; smoothed 50*0.8 + 54*0.2 = 50.8
  assert.equal(g.onSample(10, 50), 50);
  close(g.estimate, 50.8);
  // longRtt (10+30)/2 = 20; gradient min(1, 1.5*20/30) = 1; 50.8*0.8 + 54.8*0.2 = 51.6
  assert.equal(g.onSample(30, 50), 51);
  close(g.estimate, 51.6);
});

test('a latency spike shrinks the limit by the gradient', () => {
  const g = new Gradient2Limit(opts);
  g.onSample(10, 50);
  g.onSample(30, 50);
  // longRtt (10+30+100)/3 = 46.667; gradient 1.5*46.667/100 = 0.7;
  // new = 51.6*0.7 + 4 = 40.12; smoothed 51.6*0.8 + 40.12*0.2 = 49.304
  assert.equal(g.onSample(100, 50), 49);
  close(g.estimate, 49.304);
  close(g.longRttValue, 140 / 3);
});

test('the gradient never falls below 0.5', () => {
  // A huge long window keeps longRtt at the first sample (10) after a one-sample warm-up.
  const g = new Gradient2Limit({ ...opts, longWindow: 1e9, warmupWindow: 1 });
  g.onSample(10, 50); // estimate 50.8
  // 1.5 * 10 / 100 = 0.15 -> floored at 0.5: new = 50.8*0.5 + 4 = 29.4; 50.8*0.8 + 29.4*0.2 = 46.52
  assert.equal(g.onSample(100, 50), 46);
  assert.ok(Math.abs(g.estimate - 46.52) < 1e-6, String(g.estimate));
});

test('app-limited: low in-flight leaves the limit alone', () => {
  const g = new Gradient2Limit(opts);
  assert.equal(g.onSample(10, 24), 50); // 24 < 50/2
  close(g.estimate, 50);
  assert.equal(g.onSample(10, 25), 50); // 25 is not below 25: updates (to 50.8)
  close(g.estimate, 50.8);
});

test('drift correction: long RTT far above short decays by 5%', () => {
  const g = new Gradient2Limit({ ...opts, warmupWindow: 2 });
  g.onSample(100, 50);
  g.onSample(100, 50); // longRtt 100 after warm-up
  // third sample 20: EWMA factor 2/601; longRtt = 100*(599/601) + 20*(2/601) = 99.73378;
  // 99.73/20 > 2 -> stored longRtt becomes 0.95 * 99.73378 = 94.74709 (the gradient used 99.73378)
  g.onSample(20, 50);
  const expectedLong = (100 * (599 / 601) + 20 * (2 / 601)) * 0.95;
  close(g.longRttValue, expectedLong);
});

test('bounds: clamped to [minLimit, maxConcurrency]', () => {
  const g = new Gradient2Limit({ initialLimit: 20, minLimit: 20, maxConcurrency: 21 });
  for (let i = 0; i < 20; i++) g.onSample(10, 100);
  assert.equal(g.limit, 21);
  for (let i = 0; i < 20; i++) g.onSample(10_000, 100);
  assert.equal(g.limit, 20);
  assert.throws(() => new Gradient2Limit({ minLimit: 0 }), RangeError);
});

test('ExpAvgMeasurement: plain mean in warm-up, then EMA with factor 2/(N+1)', () => {
  const m = new ExpAvgMeasurement(3, 2);
  assert.equal(m.add(4), 4);
  assert.equal(m.add(8), 6);
  assert.equal(m.add(10), 8); // 6*0.5 + 10*0.5
  m.update((v) => v / 2);
  assert.equal(m.value, 4);
});
