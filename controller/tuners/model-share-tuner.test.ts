import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BudgetRunway } from './budget-runway.js';
import { tuneModelShare } from './model-share-tuner.js';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import type { IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import { quietIntervalRecord } from '../../gateway-core/telemetry/quiet-interval-record.js';
import { ModelShareSteering } from '../model-share-steering.js';

const costDoc: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { premium: { sloMs: 90_000 }, enterprise: { sloMs: 90_000 } },
  models: {
    large: { inputPricePerMTok: 10, outputPricePerMTok: 30, backends: ['provider-large'], cheaper: 'medium' },
    medium: { inputPricePerMTok: 1, outputPricePerMTok: 3, backends: ['provider-medium'] },
  },
  backends: {
    'provider-large': { instances: [{ id: 'large-api' }] },
    'provider-medium': { instances: [{ id: 'medium-api' }], quota: { rpm: 900 } },
  },
  tenants: {
    copyco: {
      tier: 'premium',
      budget: { usd: 90, period: 'hour', action: 'downgrade', downgradeTo: 'medium' },
    },
    megacorp: { tier: 'enterprise' },
  },
  routing: { rules: [{ when: { tenant: ['megacorp'], model: ['large'] }, model: 'medium', share: 0 }] },
};

function record(
  p: Partial<IntervalRecord> & Pick<IntervalRecord, 'start' | 'tenant' | 'model' | 'tier' | 'instance'>,
): IntervalRecord {
  const { tenant, model, tier, instance, start } = p;
  return {
    ...quietIntervalRecord(
      { tenant, model, tier, instance, arm: 'control', policyVersion: 1 },
      start,
      10_000,
    ),
    ...p,
  };
}
import { CapacityCeiling } from '../forecast/capacity-ceiling.js';

const calm = {
  share: 0.2,
  matchingRps: 10,
  otherRps: 10,
  otherSoonRps: 10,
  capacityRps: null,
  cleanRps: 12,
  trouble: false,
  pressure: 0.3,
};

test('tuneModelShare: explores one step past the most served cleanly while the ceiling is unknown', () => {
  // reach = (12 + 0.25 x 10 - 10) / 10 = 0.45; one step from 0.2 is 0.45 too.
  assert.deepEqual(tuneModelShare(calm), { share: 0.45, reason: 'explore', fit: null });
  // Served 11 cleanly: reach 0.35 < 0.45.
  assert.equal(tuneModelShare({ ...calm, cleanRps: 11 }).share, 0.35);
});

test('tuneModelShare: with a learnt ceiling, fills margin x ceiling and no more', () => {
  // fit = (0.9 x 15 - 10) / 10 = 0.35
  const d = tuneModelShare({ ...calm, capacityRps: 15 });
  assert.equal(d.reason, 'fit');
  assert.equal(d.share, 0.35);
  assert.ok(Math.abs((d.fit ?? 0) - 0.35) < 1e-12);
  // Fitting never lowers a share: a forecast is not harm.
  assert.equal(tuneModelShare({ ...calm, share: 0.5, capacityRps: 15 }).reason, 'hold');
});

test('tuneModelShare: trouble backs off at once, to the fit when that is lower', () => {
  assert.equal(tuneModelShare({ ...calm, share: 0.5, trouble: true }).share, 0.35);
  assert.equal(tuneModelShare({ ...calm, share: 0.5, trouble: true, capacityRps: 12 }).share, 0.08);
  assert.equal(tuneModelShare({ ...calm, share: 0.5, pressure: 0.95 }).reason, 'trouble');
});

test('tuneModelShare: a budget downgrade about to land on the target makes room first', () => {
  // 1.0 x 10 + 10 landing > 12 served cleanly: (12 - 10) / 10 = 0.2.
  const d = tuneModelShare({ ...calm, share: 1, otherRps: 0, otherSoonRps: 10, cleanRps: 12 });
  assert.deepEqual([d.share, d.reason], [0.2, 'landing']);
  // And it does not explore into the room the downgrade will take.
  assert.equal(
    tuneModelShare({ ...calm, share: 0, otherRps: 0, otherSoonRps: 10, cleanRps: 0 }).reason,
    'hold',
  );
});

test('CapacityCeiling: learns the load at the onset of pushback from window means', () => {
  const c = new CapacityCeiling({ window: 2, minRequests: 10 });
  const clean = (rps: number) => ({
    servedRps: rps,
    ended: rps * 10,
    bad: 0,
    latencyMs: rps * 10 * 1000,
    outputTokens: rps * 10 * 100,
  });
  c.observe(0, clean(10));
  c.observe(10_000, clean(12));
  assert.equal(c.rps, null);
  assert.equal(c.cleanRps, 11);
  assert.equal(c.baseline, 10);
  // Answers slow by 50% (pace 15 ms/token against a baseline of 10): trouble at the window mean 13.
  c.observe(20_000, { servedRps: 14, ended: 140, bad: 0, latencyMs: 140 * 2000, outputTokens: 140 * 100 });
  assert.equal(c.trouble, true);
  assert.equal(c.rps, 13);
  // Later intervals of the same episode do not move it; failures count as pushback too.
  c.observe(30_000, { servedRps: 8, ended: 80, bad: 3, latencyMs: 80 * 1000, outputTokens: 80 * 100 });
  assert.equal(c.trouble, true);
  assert.equal(c.rps, 13);
  // A trickle says nothing (both intervals of the window: 2 ended < 10).
  c.observe(40_000, { servedRps: 0.1, ended: 1, bad: 1, latencyMs: 0, outputTokens: 0 });
  c.observe(50_000, { servedRps: 0.1, ended: 1, bad: 1, latencyMs: 0, outputTokens: 0 });
  assert.equal(c.trouble, false);
  // Forgotten after memoryMs.
  c.observe(1_900_000, clean(9));
  assert.equal(c.rps, null);
});

test('BudgetRunway: time to the budget at the recent spend, 0 once spent, reset by the period', () => {
  const r = new BudgetRunway(10_000, 3);
  const budget = { usd: 100, period: 'hour' as const, action: 'downgrade' as const, downgradeTo: 'medium' };
  const budgets = new Map([['copyco', budget]]);
  for (let i = 0; i < 6; i++) r.observe(i * 10_000, new Map([['copyco', 5]]), budgets);
  // Spent 30; the last 3 intervals spent 15 in 30 s: 70 / 15 x 30 s = 140 s.
  assert.equal(r.runwayMs('copyco', budget, 60_000), 140_000);
  for (let i = 6; i < 20; i++) r.observe(i * 10_000, new Map([['copyco', 5]]), budgets);
  assert.equal(r.runwayMs('copyco', budget, 200_000), 0);
  // A new hour: nothing seen of it yet.
  assert.equal(r.runwayMs('copyco', budget, 3_600_000), Number.POSITIVE_INFINITY);
  assert.equal(r.runwayMs('nobody', budget, 60_000), Number.POSITIVE_INFINITY);
});

test('ModelShareSteering: plans on the declared quota and counts a budget about to downgrade onto it', () => {
  const doc = structuredClone(costDoc);
  const steering = new ModelShareSteering(10_000);
  const rec = (start: number, tenant: string, tier: string, instance: string, n: number, cost: number) =>
    record({
      start,
      tenant,
      model: 'large',
      tier,
      instance,
      arrived: instance === '-' ? n : 0,
      completed: instance === '-' ? 0 : n,
      costUsd: cost,
    });
  // 60 s of history: megacorp 10 req/s (all on large), copyco 10 req/s spending $1/s of $90.
  for (let t = 0; t < 60_000; t += 10_000)
    steering.observe(
      t,
      [
        rec(t, 'megacorp', 'enterprise', '-', 100, 0),
        rec(t, 'megacorp', 'enterprise', 'large-api', 100, 5),
        rec(t, 'copyco', 'premium', '-', 100, 0),
        rec(t, 'copyco', 'premium', 'large-api', 100, 10),
      ],
      doc,
    );
  const demand = (tenant: string) => (tenant === 'copyco' || tenant === 'megacorp' ? 10 : 0);
  // copyco's $60 of $90 leaves a 30 s runway: its 10 req/s count on medium already;
  // fit = (0.9 x 900/60 - 10) / 10 = 0.35, and a rise from 0 is capped at one step.
  const [p] = steering.propose(60_000, doc, [], demand);
  assert.equal(p.rule, 0);
  assert.equal(p.target, 'medium');
  assert.deepEqual(p.tenants, ['megacorp']);
  assert.equal(p.reason, 'fit');
  assert.equal(p.share, 0.25);
  assert.equal(p.evidence.expectedDowngradeRps, 10);
  assert.ok(Math.abs((p.fit ?? 0) - 0.35) < 1e-9);
  // Without the quota nothing is known: explore one step past what medium served (nothing),
  // which the landing downgrade leaves no room for.
  delete doc.backends['provider-medium'].quota;
  assert.equal(steering.propose(60_000, doc, [], demand)[0].reason, 'hold');
});
