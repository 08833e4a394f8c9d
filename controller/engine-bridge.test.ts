import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../gateway-core/clock.js';
import { PolicyEngine } from '../gateway-core/engine/policy-engine.js';
import type { Ticket } from '../gateway-core/engine/types.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { SeededRng } from '../gateway-core/rng.js';
import { EngineBridge } from './engine-bridge.js';
import { RolloutJudge } from './judge/rollout-judge.js';
import { AuditLog, MemoryAuditSink } from './rollout/audit-log.js';
import { RolloutManager } from './rollout/rollout-manager.js';
import { TelemetryBuffer } from './telemetry-buffer.js';

// The real policy engine, driven by a small event loop: 40 requests/s from 8 API keys, each
// completing after a log-normal service time; a canary's requests are slower when its policy
// says so (a stand-in for a harmful change). Telemetry flows engine -> buffer -> manager.
const base: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { standard: { sloMs: 5000 } },
  models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['pool'] } },
  backends: { pool: { instances: [{ id: 'p1' }, { id: 'p2' }], maxConcurrencyPerInstance: 1000 } },
  defaults: { deadline: '30s', maxOutputTokens: 100 },
  tenants: {
    acme: {
      tier: 'standard',
      keys: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, { key: `key-acme-${i}` }])),
    },
  },
};
const slower = (doc: PolicyDocument) => doc.description === 'slower';

function run(candidate: PolicyDocument, seed: number, intervals: number) {
  const clock = new ManualClock(0);
  const rng = new SeededRng(seed);
  const engine = new PolicyEngine({
    policy: base,
    clock,
    rng: new SeededRng(seed + 1),
    listener: { dispatch: () => {}, expire: () => {} },
    telemetryIntervalMs: 10_000,
  });
  const bridge = new EngineBridge({ engine, now: () => clock.now() });
  const buffer = new TelemetryBuffer();
  const sink = new MemoryAuditSink();
  const manager = new RolloutManager(bridge, buffer, new RolloutJudge(), new AuditLog(sink.sink), {
    canaryPercent: 25,
    intervalMs: 10_000,
    maxLooks: 30,
  });
  const pending: { at: number; ticket: Ticket }[] = [];
  const completeUntil = (t: number) => {
    pending.sort((a, b) => a.at - b.at);
    while (pending.length > 0 && pending[0].at <= t) {
      const p = pending.shift()!;
      clock.set(Math.max(clock.now(), p.at));
      engine.complete(p.ticket, { ok: true, inputTokens: 100, outputTokens: 50 });
    }
  };
  let seq = 0;
  const actions: string[] = [];
  for (let i = 0; i < intervals; i++) {
    const end = (i + 1) * 10_000;
    for (let k = 0; k < 400; k++) {
      const t = i * 10_000 + k * 25;
      completeUntil(t);
      clock.set(Math.max(clock.now(), t));
      const a = engine.submit({
        id: `r${++seq}`,
        apiKey: `key-acme-${seq % 8}`,
        model: 'm',
        inputTokens: 100,
        maxOutputTokens: 50,
      });
      if (a.kind !== 'dispatch') continue;
      const doc = a.ticket.arm === 'canary' ? candidate : base;
      pending.push({ at: t + rng.logNormal(slower(doc) ? 1040 : 800, 0.5), ticket: a.ticket });
    }
    completeUntil(end);
    clock.set(end);
    buffer.push(engine.drainTelemetry());
    const r = manager.reconcile(
      end,
      i === 0 ? { doc: candidate, description: String(candidate.description) } : null,
    );
    actions.push(r.action);
    if (r.action === 'promoted' || r.action === 'rolled-back') break;
  }
  return { engine, manager, actions, sink };
}

test('through the real engine: a harmless candidate is promoted', () => {
  const { engine, manager, actions } = run({ ...base, description: 'same speed' }, 1, 30);
  assert.equal(actions[0], 'canary-started');
  assert.equal(actions.at(-1), 'promoted');
  assert.equal(engine.version, 2);
  assert.equal(engine.policy.description, 'same speed');
  assert.equal(engine.canaryState, null);
  const rec = manager.rollouts[0];
  // About a quarter of requests went to the canary (split by request id).
  const share = rec.samples.canary / (rec.samples.canary + rec.samples.control);
  assert.ok(share > 0.2 && share < 0.3, String(share));
});

test('through the real engine: a 30% slower candidate is rolled back', () => {
  const { engine, manager, actions, sink } = run({ ...base, description: 'slower' }, 2, 30);
  assert.equal(actions.at(-1), 'rolled-back');
  assert.equal(engine.version, 1);
  assert.equal(engine.canaryState, null);
  assert.equal(manager.rollouts[0].verdict, 'rollback');
  assert.match(manager.rollouts[0].reason, /latency-rank/);
  assert.ok(sink.entries().some((e) => e.kind === 'rollback'));
});
