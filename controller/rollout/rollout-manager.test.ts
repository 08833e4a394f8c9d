import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { RolloutJudge } from '../judge/rollout-judge.js';
import { type ArmBehaviour, ToyFleet } from '../toy-fleet.js';
import { AuditLog, MemoryAuditSink } from './audit-log.js';
import { RolloutManager } from './rollout-manager.js';

const base: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { standard: { sloMs: 3000 } },
  models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 1, backends: ['gpu'] } },
  backends: { gpu: { instances: [{ id: 'g1' }], maxConcurrencyPerInstance: 8 } },
  tenants: { acme: { tier: 'standard' } },
};
const withConcurrency = (n: number): PolicyDocument => ({
  ...base,
  backends: { gpu: { ...base.backends.gpu, maxConcurrencyPerInstance: n } },
});
// Concurrency 8 and 10 behave alike; 16 overloads the backend (30% slower); 12 costs 20% more.
const behaviour = (doc: PolicyDocument): ArmBehaviour => {
  const c = doc.backends.gpu.maxConcurrencyPerInstance;
  return {
    medianMs: c === 16 ? 1040 : 800,
    sigma: 0.5,
    errorRate: 0.005,
    costPerRequest: c === 12 ? 0.0024 : 0.002,
  };
};

function setup(seed: number, options: { dryRun?: boolean; maxLooks?: number } = {}) {
  const fleet = new ToyFleet({
    doc: base,
    rng: new SeededRng(seed),
    intervalMs: 10_000,
    rps: { acme: 50 },
    behaviour,
  });
  const sink = new MemoryAuditSink();
  const manager = new RolloutManager(fleet, fleet, new RolloutJudge(), new AuditLog(sink.sink), {
    canaryPercent: 20,
    intervalMs: 10_000,
    maxLooks: options.maxLooks ?? 40,
    dryRun: options.dryRun ?? false,
  });
  return { fleet, sink, manager };
}

test('a harmless candidate is canaried, judged each interval, and promoted', () => {
  const { fleet, sink, manager } = setup(1);
  const r = manager.reconcile(fleet.now, {
    doc: withConcurrency(10),
    description: 'gpu concurrency 8 -> 10',
  });
  assert.equal(r.action, 'canary-started');
  assert.equal(manager.busy(), true);
  let action = '';
  let looks = 0;
  while (looks < 40) {
    fleet.tick();
    looks++;
    action = manager.reconcile(fleet.now, null).action;
    if (action !== 'waiting') break;
  }
  assert.equal(action, 'promoted');
  assert.deepEqual(fleet.actions, ['canary v2 20%', 'promote v2']);
  assert.equal(fleet.currentVersion().control.version, 2);
  const [rec] = manager.rollouts;
  assert.equal(manager.rollouts.length, 1);
  assert.equal(rec.change, 'gpu concurrency 8 -> 10');
  assert.equal(rec.promoted, true);
  assert.equal(rec.rolledBack, false);
  assert.equal(rec.verdict, 'promote');
  assert.ok(rec.pValue !== null && rec.pValue < 0.05);
  assert.equal(rec.samples.canary + rec.samples.control > 0, true);
  const kinds = sink.entries().map((e) => e.kind);
  assert.deepEqual(kinds.slice(0, 2), ['proposal', 'canary']);
  assert.equal(kinds.at(-1), 'promote');
  assert.equal(kinds.filter((k) => k === 'verdict').length, looks);
  assert.equal(manager.conditions.get('Promoted')?.status, 'True');
  assert.equal(manager.conditions.get('Progressing')?.reason, 'Promoted');
  // Idempotent: proposing what is now control does nothing.
  assert.equal(
    manager.reconcile(fleet.now, { doc: withConcurrency(10), description: 'again' }).action,
    'unchanged',
  );
});

test('a harmful candidate is rolled back, then quarantined', () => {
  const { fleet, sink, manager } = setup(2);
  manager.reconcile(fleet.now, { doc: withConcurrency(16), description: 'gpu concurrency 8 -> 16' });
  let action = '';
  for (let i = 0; i < 40 && action !== 'rolled-back'; i++) {
    fleet.tick();
    action = manager.reconcile(fleet.now, null).action;
  }
  assert.equal(action, 'rolled-back');
  assert.deepEqual(fleet.actions, ['canary v2 20%', 'rollback v2']);
  assert.equal(fleet.currentVersion().control.version, 1);
  const rec = manager.rollouts[0];
  assert.equal(rec.verdict, 'rollback');
  assert.equal(rec.rolledBack, true);
  assert.match(rec.reason, /^harm: /);
  const rolledBack = manager.conditions.get('RolledBack');
  assert.equal(rolledBack?.status, 'True');
  assert.equal(rolledBack?.reason, 'Harm');
  assert.equal(rolledBack?.lastTransitionTime, fleet.now);
  assert.equal(manager.conditions.get('CanaryHealthy')?.status, 'False');
  const verdicts = sink.entries().filter((e) => e.kind === 'verdict');
  assert.equal(verdicts.at(-1)?.verdict, 'rollback');
  // The same candidate again is held for the quarantine period.
  assert.equal(
    manager.reconcile(fleet.now, { doc: withConcurrency(16), description: 'again' }).action,
    'held',
  );
  assert.equal(fleet.actions.length, 2);
});

test('a costlier candidate runs out of budget and control is kept', () => {
  const { fleet, manager } = setup(3, { maxLooks: 12 });
  manager.reconcile(fleet.now, { doc: withConcurrency(12), description: 'gpu concurrency 8 -> 12' });
  const actions: string[] = [];
  for (let i = 0; i < 12; i++) {
    fleet.tick();
    actions.push(manager.reconcile(fleet.now, null).action);
  }
  assert.deepEqual(actions, [...Array(11).fill('waiting'), 'rolled-back']);
  assert.equal(manager.rollouts[0].verdict, 'inconclusive');
  assert.match(manager.rollouts[0].reason, /^budget spent undecided: .*cost upper 0.2000 vs margin 0.0500$/);
  assert.equal(manager.conditions.get('RolledBack')?.reason, 'BudgetSpent');
});

test('dry-run only audits; a fresh manager judges a canary it finds running', () => {
  const dry = setup(4, { dryRun: true });
  assert.equal(dry.manager.reconcile(0, { doc: withConcurrency(10), description: 'x' }).action, 'dry-run');
  assert.deepEqual(dry.fleet.actions, []);
  assert.deepEqual(
    dry.sink.entries().map((e) => e.kind),
    ['dry-run'],
  );

  const { fleet, manager } = setup(5);
  fleet.applyCanary(withConcurrency(16), 20); // started by a controller that then died
  let action = '';
  for (let i = 0; i < 40 && action !== 'rolled-back'; i++) {
    fleet.tick();
    action = manager.reconcile(fleet.now, null).action;
  }
  assert.equal(action, 'rolled-back');
  assert.equal(manager.rollouts[0].change, 'unknown change (found running)');
});
