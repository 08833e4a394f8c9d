import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, type RunRecord } from './stats.js';

// The sleep data again, as two arms' p99 latency by seed (hours become ms; lower is better).
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const run = (arm: string, seed: number, p99: number, cost: number): RunRecord => ({
  arm,
  gridKey: '-',
  grid: {},
  seed,
  summary: { latencyMs: { p99 }, costUsd: cost },
});

const runs: RunRecord[] = [
  ...drug2.map((v, i) => run('static', i + 1, 100 + v, 10 + (i % 2) * 0.01)),
  ...drug1.map((v, i) => run('adaptive', i + 1, 100 + v, 10 + ((i + 1) % 2) * 0.01)),
];
const metrics = [
  { name: 'latencyMs.p99', better: 'lower' as const },
  { name: 'costUsd', better: 'lower' as const },
];

test('paired comparison against the baseline, with a verdict in words', () => {
  const s = analyse(runs, metrics, 'static');
  assert.equal(s.armMetrics.length, 4);
  const p99 = s.comparisons.find((c) => c.metric === 'latencyMs.p99')!;
  assert.equal(p99.n, 10);
  assert.ok(Math.abs(p99.meanDiff - -1.58) < 1e-9);
  assert.ok(Math.abs(p99.tTest.t - -4.062128) < 1e-5);
  assert.ok(Math.abs(p99.tTest.p - 0.00283289) < 1e-7);
  assert.equal(p99.significant, true);
  assert.equal(p99.improved, true);
  assert.ok(Math.abs(p99.relativeChangePct! - (-1.58 / 102.33) * 100) < 1e-9);
  assert.equal(
    p99.verdict,
    'adaptive vs static on latencyMs.p99: -1.58 ms (-1.5%), significantly better (95% CI -2.46 to -0.700 ms; paired t p = 0.003, Wilcoxon p = 0.009, d_z = -1.28, n = 10).',
  );
});

test('a difference that is noise is called not significant', () => {
  const s = analyse(runs, metrics, 'static');
  const cost = s.comparisons.find((c) => c.metric === 'costUsd')!;
  assert.equal(cost.meanDiff, 0);
  assert.equal(cost.significant, false);
  assert.equal(cost.improved, null);
  assert.match(cost.verdict, /NOT significant: no evidence of a difference/);
});

test('arm means carry a bootstrap CI around the mean', () => {
  const s = analyse(runs, metrics, 'static');
  const m = s.armMetrics.find((a) => a.arm === 'static' && a.metric === 'latencyMs.p99')!;
  assert.equal(m.n, 10);
  assert.ok(Math.abs(m.mean! - 102.33) < 1e-9);
  assert.ok(m.ci![0] < 102.33 && m.ci![1] > 102.33);
  assert.equal(m.unit, 'ms');
});
