import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Guardrails } from './guardrails.js';

const bounds = {
  'tenant.*.rpm': { min: 60, max: 6000, integer: true },
  'pool.gpu.instances': { min: 1, max: 20, integer: true, maxStep: 1, cooldownMs: 120_000 },
};

test('step cap, bounds and rounding', () => {
  const g = new Guardrails({ bounds, maxStep: 0.5 });
  const r = g.review(0, [
    { param: 'tenant.acme.rpm', from: 1000, to: 3000 }, // step cap: 1500
    { param: 'tenant.beta.rpm', from: 100, to: 40 }, // step: 50 -> min 60
    { param: 'tenant.gamma.rpm', from: 5000, to: 7000.4 }, // 7000.4 in step, max 6000
    { param: 'pool.gpu.instances', from: 4, to: 12 }, // maxStep 1: 8
    { param: 'tenant.delta.rpm', from: 1000, to: 1010 }, // 1%: dead band
    { param: 'mystery', from: 1, to: 2 },
    { param: 'tenant.eu.acme.rpm', from: 1000, to: 1100 }, // a dotted tenant name still matches
  ]);
  assert.deepEqual(
    r.apply.map((c) => [c.param, c.to, c.clampedBy]),
    [
      ['tenant.acme.rpm', 1500, ['step']],
      ['tenant.beta.rpm', 60, ['step', 'min']],
      ['tenant.gamma.rpm', 6000, ['max']],
      ['pool.gpu.instances', 8, ['step']],
      ['tenant.eu.acme.rpm', 1100, []],
    ],
  );
  assert.deepEqual(
    r.held.map((h) => [h.change.param, h.reason]),
    [
      ['tenant.delta.rpm', 'below the 0.02 dead band'],
      ['mystery', 'no bounds for this parameter'],
    ],
  );
  assert.equal(r.apply[0].proposed, 3000);
});

test('cool-down per parameter, kill switch, dry run', () => {
  const g = new Guardrails({ bounds, cooldownMs: 60_000 });
  const change = { param: 'tenant.acme.rpm', from: 1000, to: 1200 };
  g.record(10_000, [change]);
  assert.equal(g.review(69_999, [change]).held[0].reason, 'cool-down: changed 59999 ms ago (< 60000 ms)');
  assert.equal(g.review(70_000, [change]).apply.length, 1);
  assert.equal(g.lastChangedAt('tenant.acme.rpm'), 10_000);
  g.setKillSwitch(true);
  assert.deepEqual(g.review(1e9, [change]).held[0].reason, 'kill switch on');
  const dry = new Guardrails({ bounds, dryRun: true });
  const r = dry.review(0, [change]);
  assert.equal(r.dryRun, true);
  assert.equal(r.apply[0].to, 1200);
  assert.throws(() => new Guardrails({ bounds: { x: { min: 2, max: 1 } } }), RangeError);
});
