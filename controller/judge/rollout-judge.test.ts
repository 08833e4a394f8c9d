import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { type ArmModel, runTrials, type TrialPlan } from './judge-simulation.js';
import { RolloutJudge } from './rollout-judge.js';

// Operating characteristics by simulation. Latencies log-normal (median 800 ms, sigma 0.5: a
// p99/p50 ratio of 3.2, typical of LLM completions), 1% errors and 0.5% timeouts; per 10 s
// control interval the canary gets 100 requests and the control 400 (a 20% canary at 50 rps).
// Interval budget: 40 looks (6.7 minutes). Measured with these seeds: A/A 197 promote, 1
// rollback, 2 inconclusive (median 21 looks); p99 +10% 200/200 rolled back (median 5 looks,
// 90% by look 9, all by look 19).
const base: ArmModel = {
  medianMs: 800,
  sigma: 0.5,
  errorRate: 0.01,
  timeoutRate: 0.005,
  costPerRequest: 0.002,
};
const plan = (canary: ArmModel, maxLooks = 40): TrialPlan => ({
  canary,
  control: base,
  canaryPerInterval: 100,
  controlPerInterval: 400,
  maxLooks,
});
const judge = new RolloutJudge();

test('A/A: false rollback at most 5% over 200 comparisons, and most promote', () => {
  const r = runTrials(new SeededRng(1), judge, plan(base), 200);
  assert.equal(r.promote + r.rollback + r.inconclusive, 200);
  assert.ok(r.rollback <= 10, `false rollbacks ${r.rollback}/200`);
  assert.ok(r.promote >= 180, `promotions ${r.promote}/200`);
});

test('p99 10% worse (all latencies x1.1): rolled back with >= 90% power within 10 intervals, never promoted', () => {
  const r = runTrials(new SeededRng(2), judge, plan({ ...base, medianMs: 880 }), 200);
  assert.ok(r.promote <= 10, `false promotions of harm ${r.promote}/200`);
  const caughtBy10 = r.looks.filter((l) => l <= 10).length;
  assert.ok(r.rollback >= 180, `rollbacks ${r.rollback}/200`);
  assert.ok(caughtBy10 >= 180, `caught within 10 looks ${caughtBy10}/200`);
});

test('at the margins (mean +5%, errors +1 point) promotion stays under 5%', () => {
  // The intersection-union guarantee: a change exactly as bad as a non-inferiority margin is
  // promoted with probability <= alpha. Measured: mean x1.05 3/200 promoted (194 rolled back);
  // errors 1% -> 2%: 2/200 promoted.
  const mean = runTrials(new SeededRng(42), judge, plan({ ...base, medianMs: 840 }), 200);
  assert.ok(mean.promote <= 10, JSON.stringify(mean.promote));
  const errors = runTrials(new SeededRng(42), judge, plan({ ...base, errorRate: 0.02 }), 200);
  assert.ok(errors.promote <= 10, JSON.stringify(errors.promote));
});

test('a tail-only regression (3% of requests 3x slower, median unchanged) is caught, never promoted', () => {
  // Measured: 99/100 rolled back, median 16 looks; the rank test barely moves, the p99 share does.
  const r = runTrials(new SeededRng(7), judge, plan({ ...base, tailShare: 0.03, tailFactor: 3 }), 100);
  assert.equal(r.promote, 0);
  assert.ok(r.rollback >= 90, JSON.stringify(r.rollback));
});

test('error rate 1% -> 3%: rolled back; timeouts 0.5% -> 2.5%: rolled back', () => {
  const e = runTrials(new SeededRng(3), judge, plan({ ...base, errorRate: 0.03 }), 50);
  assert.ok(e.rollback >= 45 && e.promote === 0, JSON.stringify(e));
  const t = runTrials(new SeededRng(4), judge, plan({ ...base, timeoutRate: 0.025 }), 50);
  assert.ok(t.rollback >= 45 && t.promote === 0, JSON.stringify(t));
});

test('a costlier canary is never promoted: the budget ends inconclusive', () => {
  const r = runTrials(new SeededRng(5), judge, plan({ ...base, costPerRequest: 0.0024 }, 25), 20);
  assert.equal(r.promote, 0);
  assert.ok(r.inconclusive >= 19);
});

test('below the minimum sample size the verdict is inconclusive, never promote', () => {
  const j = new RolloutJudge({ minSamples: 200 });
  const same = Array.from({ length: 150 }, (_, i) => 100 + i);
  const r = j.judge(
    { latency: same, requests: 150, errors: 0, timeouts: 0, costUsd: 0.3 },
    { latency: same, requests: 150, errors: 0, timeouts: 0, costUsd: 0.3 },
  );
  assert.equal(r.verdict, 'inconclusive');
  assert.deepEqual(r.samples, { canary: 150, control: 150 });
  assert.equal(r.checks.length, 0);
});

test('raw samples and histograms reach the same verdict, with evidence', () => {
  const rng = new SeededRng(9);
  const c: number[] = [];
  const k: number[] = [];
  for (let i = 0; i < 3000; i++) c.push(rng.logNormal(1000, 0.4));
  for (let i = 0; i < 3000; i++) k.push(rng.logNormal(800, 0.4));
  const hc = new LatencyHistogram();
  for (const x of c) hc.record(x);
  const arm = (latency: number[] | LatencyHistogram) => ({
    latency,
    requests: 3000,
    errors: 0,
    timeouts: 0,
    costUsd: 3,
  });
  const raw = judge.judge(arm(c), arm(k));
  const mixed = judge.judge(arm(hc), arm(k));
  assert.equal(raw.verdict, 'rollback');
  assert.equal(mixed.verdict, 'rollback');
  assert.match(raw.reason, /latency-rank/);
  assert.ok(raw.statistic !== null && raw.statistic > 10);
  assert.ok(raw.pValue !== null && raw.pValue < 1e-6);
  const rank = raw.checks.find((x) => x.name === 'latency-rank')!;
  const rankMixed = mixed.checks.find((x) => x.name === 'latency-rank')!;
  assert.ok(Math.abs(rank.estimate - rankMixed.estimate) < 0.005);
  // Zero errors in both arms: the Agresti-Caffo estimate is exactly 0 and non-inferior.
  const errors = raw.checks.find((x) => x.name === 'errors')!;
  assert.equal(errors.estimate, 0);
  assert.equal(errors.nonInferior, true);
});

test('sparse errors need Fisher too: 3 vs 0 in 300 is not harm', () => {
  const lat = Array.from({ length: 300 }, (_, i) => 500 + (i % 50));
  const r = judge.judge(
    { latency: lat, requests: 303, errors: 3, timeouts: 0, costUsd: 0.6 },
    { latency: lat, requests: 300, errors: 0, timeouts: 0, costUsd: 0.6 },
  );
  const errors = r.checks.find((x) => x.name === 'errors')!;
  assert.equal(errors.harm, false);
  assert.notEqual(r.verdict, 'rollback');
});

test('a canary that refuses traffic is rolled back on rejections', () => {
  const rng = new SeededRng(21);
  const lat = (n: number) => Array.from({ length: n }, () => rng.logNormal(800, 0.5));
  const r = judge.judge(
    { latency: lat(950), requests: 950, errors: 0, timeouts: 0, costUsd: 1.9, rejected: 50, arrived: 1000 },
    { latency: lat(4000), requests: 4000, errors: 0, timeouts: 0, costUsd: 8, rejected: 0, arrived: 4000 },
  );
  assert.equal(r.verdict, 'rollback');
  assert.match(r.reason, /^harm: rejections 0\.0506 /);
  assert.equal(r.checks.length, 7);
});
