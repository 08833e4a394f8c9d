import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CaseRuns,
  costOverrunTarget,
  flashSaleTarget,
  multiTenantTarget,
  type RunMetrics,
} from './controller-targets.js';
import { estimate, metricsOf } from './eval-results.js';

const run = (slo: number, cost: number, extra: Partial<RunMetrics> = {}): RunMetrics => ({
  sloViolationMinutes: slo,
  costUsd: cost,
  goodputRps: 1,
  jainFairness: null,
  premiumSloAttainment: null,
  victimP99Ms: {},
  ...extra,
});

test('flash-sale: 30% under the best baseline (fewest minutes) at no more of its cost', () => {
  const runs: CaseRuns = {
    static: [run(9, 26), run(9, 26)],
    reactive: [run(8, 27), run(6, 27)], // best: 7 minutes, $27
    gradient2: [run(25, 30)],
    adaptive: [run(4, 27), run(5, 27)], // 4.5 <= 0.7 x 7 = 4.9, $27 <= $27
  };
  const pass = flashSaleTarget(runs);
  assert.equal(pass.pass, true);
  assert.match(pass.detail, /best baseline reactive 7.00 min, \$27.00; reduction 35.7%/);
  runs.adaptive = [run(4, 27.5), run(5, 27.5)];
  assert.equal(flashSaleTarget(runs).pass, false);
  runs.adaptive = [run(5, 26), run(5, 26)]; // 5 > 4.9
  assert.equal(flashSaleTarget(runs).pass, false);
});

test('cost-overrun: 25% cheaper than static with premium attainment no worse', () => {
  const runs: CaseRuns = {
    static: [run(0, 1000, { premiumSloAttainment: 0.99 })],
    adaptive: [run(0, 750, { premiumSloAttainment: 0.99 })],
  };
  assert.equal(costOverrunTarget(runs).pass, true);
  runs.adaptive = [run(0, 751, { premiumSloAttainment: 0.99 })];
  assert.equal(costOverrunTarget(runs).pass, false);
  runs.adaptive = [run(0, 700, { premiumSloAttainment: 0.98 })];
  assert.equal(costOverrunTarget(runs).pass, false);
});

test("multi-tenant: every victim's p99 within 10% of the run without the neighbour", () => {
  const noisy: CaseRuns = { adaptive: [run(0, 24, { victimP99Ms: { search: 11_000, support: 12_000 } })] };
  const quiet: CaseRuns = { adaptive: [run(0, 24, { victimP99Ms: { search: 10_000, support: 12_000 } })] };
  const r = multiTenantTarget(noisy, quiet);
  assert.equal(r.pass, true);
  assert.equal(
    r.detail,
    'adaptive: search p99 11.00 s vs 10.00 s (10.0%); support p99 12.00 s vs 12.00 s (0.0%)',
  );
  noisy.adaptive = [run(0, 24, { victimP99Ms: { search: 11_100, support: 12_000 } })];
  assert.equal(multiTenantTarget(noisy, quiet).pass, false);
});

test('metrics from a run summary: premium attainment = goodput x seconds / requests', () => {
  const m = metricsOf(
    {
      simulatedSeconds: 100,
      sloViolationMinutes: 2,
      costUsd: 5,
      goodputRps: 3,
      jainFairness: 0.9,
      byTier: { premium: { requests: 400, goodputRps: 3.6 } },
      byTenant: { search: { latencyMs: { p99: 1234 } } },
    },
    ['search', 'support'],
  );
  assert.deepEqual(m, {
    sloViolationMinutes: 2,
    costUsd: 5,
    goodputRps: 3,
    jainFairness: 0.9,
    premiumSloAttainment: 0.9,
    victimP99Ms: { search: 1234 },
  });
  const e = estimate([1, 1, 1]);
  assert.deepEqual(e, { mean: 1, ci95: [1, 1], values: [1, 1, 1] });
});
