import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InstanceStats } from './instance-stats.js';

test('InstanceStats: the first sample sets the EWMA, later ones move it by alpha', () => {
  const s = new InstanceStats('i1', 2, 0.5);
  assert.equal(s.ewmaLatencyMs, 0);
  s.observe(100);
  assert.equal(s.ewmaLatencyMs, 100);
  s.observe(200);
  assert.equal(s.ewmaLatencyMs, 150);
  s.observe(50);
  assert.equal(s.ewmaLatencyMs, 100);
  assert.equal(s.samples, 3);
  assert.equal(s.weight, 2);
});

test('InstanceStats: default alpha 0.3', () => {
  const s = new InstanceStats('i1');
  s.observe(100);
  s.observe(200);
  assert.equal(s.ewmaLatencyMs, 130);
});

test('InstanceStats: in-flight counting and its guards', () => {
  const s = new InstanceStats('i1');
  s.begin();
  s.begin();
  s.end();
  assert.equal(s.inFlight, 1);
  s.end();
  assert.throws(() => s.end(), /without a matching begin/);
  assert.throws(() => s.observe(-1), RangeError);
  assert.throws(() => new InstanceStats('x', 0), RangeError);
  s.setWeight(5);
  assert.equal(s.weight, 5);
});
