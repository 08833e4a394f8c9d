import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { SeededRng } from '../gateway-core/rng.js';
import { AdaptiveController } from './adaptive-controller.js';
import { createControllerMode } from './controller.js';
import { AuditLog, MemoryAuditSink } from './rollout/audit-log.js';
import { ToyFleet } from './toy-fleet.js';

// Two tenants on a 100 rps fleet; latency grows once admitted load passes 80 rps.
const twoTenants: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { standard: { sloMs: 3000 } },
  models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 1, backends: ['gpu'] } },
  backends: { gpu: { instances: [{ id: 'gpu-1' }], maxConcurrencyPerInstance: 8 } },
  tenants: { acme: { tier: 'standard' }, bully: { tier: 'standard' } },
};

function abuseWorld(seed: number) {
  const fleet = new ToyFleet({
    doc: twoTenants,
    rng: new SeededRng(seed),
    intervalMs: 10_000,
    rps: { acme: 30, bully: 30 },
    behaviour: (_d, c) => ({
      medianMs: 500 * (1 + 5 * Math.max(0, c.admittedRps / 100 - 0.8)),
      sigma: 0.5,
      errorRate: 0.002,
      costPerRequest: 0.002,
    }),
  });
  const sink = new MemoryAuditSink();
  const controller = new AdaptiveController({
    intervalMs: 10_000,
    audit: new AuditLog(sink.sink),
    capacityRps: 100,
    queueWeights: false,
  });
  return { fleet, sink, controller };
}

test('an abusive tenant is flagged, tightened on a canary, promoted; released once calm', () => {
  const { fleet, sink, controller } = abuseWorld(1);
  for (let i = 0; i < 60; i++) {
    if (i === 10) fleet.rps.bully = 150; // 5x its usual rate, 3x its entitled share
    if (i === 30) fleet.rps.bully = 30;
    fleet.tick();
    controller.onInterval(fleet.now, fleet, fleet);
  }
  assert.deepEqual(fleet.actions.slice(0, 2), ['canary v2 20%', 'promote v2']);
  const proposals = sink.entries().filter((e) => e.kind === 'proposal');
  // Right after the surge interval (t = 110 s) bully is flagged: 150 rps is far above its Holt
  // p90 (30) and above its entitled share (50). Counting bully only up to what it will be held
  // to (0.5 * 100 * 1/2 = 25 rps), demand is 36 + 25 < 100: no contention, so only bully gets a
  // limit: 25 rps = 1500 rpm, with no burst allowance beyond one minute (burstiness 1 when flagged).
  assert.equal(proposals[0].time, 110_000);
  assert.equal(proposals[0].change, 'tenant bully: 1500 rpm, burst 1500');
  const rollouts = controller.rollouts!.rollouts;
  assert.equal(rollouts[0].promoted, true);
  assert.equal(rollouts[0].change, proposals[0].change);
  assert.ok(rollouts[0].statistic !== null && rollouts[0].statistic < -10); // the canary is much faster
  // Calm from t = 300 s: three calm intervals (310, 320, 330 s) release the flag; the next
  // proposal raises bully's limit by at most the 50% step: 1500 -> 2250 rpm.
  const release = proposals.slice(1).find((p) => String(p.change).includes('tenant bully'))!;
  assert.ok(release.time >= 330_000, String(release.time));
  assert.match(String(release.change), /tenant bully: 2250 rpm/);
  assert.deepEqual((release.evidence as { rateLimits: { flagged: string[] } }).rateLimits.flagged, []);
  // The audit log has a verdict for every interval a canary ran, each with its evidence.
  const verdicts = sink.entries().filter((e) => e.kind === 'verdict');
  assert.ok(verdicts.length >= 5);
  assert.ok(verdicts.every((v) => Array.isArray(v.checks) && typeof v.look === 'number'));
});

test('without contention nothing is proposed; the kill switch stops everything', () => {
  const quiet = abuseWorld(2);
  for (let i = 0; i < 20; i++) {
    quiet.fleet.tick();
    quiet.controller.onInterval(quiet.fleet.now, quiet.fleet, quiet.fleet);
  }
  assert.deepEqual(quiet.fleet.actions, []);
  assert.equal(quiet.sink.lines.length, 0);

  const killed = abuseWorld(3);
  killed.controller.guardrails.setKillSwitch(true);
  for (let i = 0; i < 20; i++) {
    if (i === 10) killed.fleet.rps.bully = 150;
    killed.fleet.tick();
    killed.controller.onInterval(killed.fleet.now, killed.fleet, killed.fleet);
  }
  assert.deepEqual(killed.fleet.actions, []);
});

test('dry-run: proposals are audited, nothing is applied', () => {
  const fleet = new ToyFleet({
    doc: twoTenants,
    rng: new SeededRng(4),
    intervalMs: 10_000,
    rps: { acme: 30, bully: 30 },
    behaviour: () => ({ medianMs: 500, sigma: 0.5, errorRate: 0, costPerRequest: 0.002 }),
  });
  const sink = new MemoryAuditSink();
  const controller = createControllerMode({
    mode: 'adaptive',
    intervalMs: 10_000,
    audit: new AuditLog(sink.sink),
    capacityRps: 100,
    guardrails: { dryRun: true },
  });
  for (let i = 0; i < 15; i++) {
    if (i === 10) fleet.rps.bully = 150;
    fleet.tick();
    controller.onInterval(fleet.now, fleet, fleet);
  }
  assert.deepEqual(fleet.actions, []);
  const kinds = sink.entries().map((e) => e.kind);
  assert.ok(kinds.length >= 1 && kinds.every((k) => k === 'dry-run'), kinds.join(','));
});

const tiered: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { premium: { sloMs: 1000, weight: 3 }, free: { sloMs: 5000 } },
  models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 1, backends: ['gpu'] } },
  backends: {
    gpu: {
      instances: [{ id: 'gpu-1' }],
      maxConcurrencyPerInstance: 8,
      queue: { discipline: 'wfq', classBy: 'tier' },
    },
  },
  tenants: { gold: { tier: 'premium' }, cheap: { tier: 'free' } },
};

test('queue weights follow SLO pressure through canaries; scale-ahead sizes on the p90', () => {
  // Premium's latency falls as its WFQ weight rises: 1500 ms at weight 3 (over its 1 s SLO).
  const fleet = new ToyFleet({
    doc: tiered,
    rng: new SeededRng(1),
    intervalMs: 10_000,
    rps: { gold: 20, cheap: 30 },
    behaviour: (d, c) => ({
      medianMs: c.tenant === 'gold' ? 1500 * (3 / (d.backends.gpu.queue?.weights?.premium ?? 3)) : 500,
      sigma: 0.5,
      errorRate: 0.002,
      costPerRequest: 0.002,
    }),
  });
  const sink = new MemoryAuditSink();
  const controller = new AdaptiveController({
    intervalMs: 10_000,
    audit: new AuditLog(sink.sink),
    rateLimits: false,
    // The configured capacity, not one learnt from the toy fleet's gauges (service-capacity.test.ts).
    learnCapacity: false,
    backends: { gpu: { perInstanceRps: 10, provisioningDelayMs: 30_000, minInstances: 1, maxInstances: 20 } },
  });
  for (let i = 0; i < 40; i++) {
    if (i === 20) fleet.rps = { gold: 4, cheap: 6 };
    fleet.tick();
    controller.onInterval(fleet.now, fleet, fleet);
  }
  // 50 rps / (10 rps * 0.75) = 6.67 -> 7 instances, reached by doubling steps (max step 100%).
  assert.deepEqual(fleet.actions.slice(0, 3), ['scale gpu 2', 'scale gpu 4', 'scale gpu 7']);
  // Premium p99 ~ 4.8 s over a 1 s SLO: target weight 3 * 4 (clamped); the guardrails allow +50%
  // per change, so 3 -> 4.5; free (p99 ~ 1.6 s of 5 s) drops to its floor 0.5.
  const proposals = sink.entries().filter((e) => e.kind === 'proposal');
  assert.equal(proposals[0].change, 'backend gpu: queue weights premium=4.5 free=0.5');
  assert.equal(proposals[1].change, 'backend gpu: queue weights premium=6.75 free=0.5');
  assert.equal(controller.rollouts!.rollouts[0].promoted, true);
  // Demand drops 5x at t = 200 s: the forecaster sees demand averaged over the 60 s demand
  // window, so it follows the drop over six intervals as a falling trend; the scale-down waits
  // out the 6-interval window, then steps 7 -> 6 -> 4 -> 3 -> 2 as the averaged forecast and its
  // spread settle; it never scaled up on the drop.
  const scales = sink.entries().filter((e) => e.kind === 'action' && e.action === 'scale');
  assert.deepEqual(
    scales.map((e) => [e.time, e.to]),
    [
      [10_000, 2],
      [20_000, 4],
      [30_000, 7],
      [270_000, 6],
      [280_000, 4],
      [290_000, 3],
      [300_000, 2],
    ],
  );
});
