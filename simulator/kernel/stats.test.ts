import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutcomeStats, OutcomeStatsMap } from './outcome-stats.js';
import { SloMinutes } from './slo-minutes.js';
import { TimeAverage } from './time-average.js';

test('TimeAverage integrates a step function', () => {
  const a = new TimeAverage(0);
  a.add(10, 1); // 1 from 10
  a.add(20, 2); // 3 from 20
  a.add(30, -3); // 0 from 30
  // area = 1*10 + 3*10 = 40 over 40 ms
  assert.equal(a.average(40), 1);
  assert.equal(a.max, 3);
  assert.equal(a.average(0), null);
});

test('OutcomeStats reports counters, goodput and percentiles within 1%', () => {
  const s = new OutcomeStats();
  for (let i = 1; i <= 1000; i++) s.recordCompleted(i, i / 10, i <= 900);
  s.requests = 1000;
  const j = s.toJSON(100);
  assert.equal(j.completed, 1000);
  assert.equal(j.goodputRps, 9);
  assert.equal(j.latencyMs.mean, 500.5);
  assert.ok(Math.abs((j.latencyMs.p50 ?? 0) - 500) <= 5);
  assert.ok(Math.abs((j.latencyMs.p99 ?? 0) - 990) <= 9.9);
  assert.ok(Math.abs((j.ttftMs.p90 ?? 0) - 90) <= 0.9);
  const m = new OutcomeStatsMap();
  m.get('b').rejected++;
  m.get('a').failed++;
  assert.deepEqual(Object.keys(m.toJSON(1)), ['a', 'b']);
});

test('SloMinutes counts minutes with a slow p99 or more than 1% errors', () => {
  const slo = new SloMinutes(new Map([['free', 1000]]));
  // minute 0: fine
  for (let i = 0; i < 100; i++) slo.completed('free', i * 100, 500);
  // minute 1: p99 too slow
  for (let i = 0; i < 100; i++) slo.completed('free', 60_000 + i * 100, i >= 98 ? 5000 : 500);
  // minute 2: 2 errors in 100 answers
  for (let i = 0; i < 98; i++) slo.completed('free', 120_000 + i * 100, 500);
  slo.error('free', 130_000);
  slo.error('free', 130_001);
  // minute 3: 1 error in 100 answers (exactly 1%: not a violation)
  for (let i = 0; i < 99; i++) slo.completed('free', 180_000 + i * 100, 500);
  slo.error('free', 190_000);
  slo.finish(240_000);
  assert.equal(slo.minutes, 4);
  assert.equal(slo.violations, 2);
});
