import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import { SeededRng } from '../../gateway-core/rng.js';
import { controllerModeNames, createControllerMode } from '../controller.js';
import { ToyFleet } from '../toy-fleet.js';
import { Gradient2Mode } from './gradient2-mode.js';
import { ReactiveMode } from './reactive-mode.js';

const doc: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { premium: { sloMs: 1000, weight: 3 }, free: { sloMs: 5000 } },
  models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 1, backends: ['gpu'] } },
  backends: { gpu: { instances: [{ id: 'gpu-1' }], maxConcurrencyPerInstance: 8 } },
  tenants: { gold: { tier: 'premium' }, cheap: { tier: 'free' } },
};
const world = (seed: number) =>
  new ToyFleet({
    doc,
    rng: new SeededRng(seed),
    intervalMs: 10_000,
    rps: { gold: 20, cheap: 30 },
    behaviour: (_d, c) => ({
      medianMs: c.tenant === 'gold' ? 1500 : 500,
      sigma: 0.5,
      errorRate: 0.002,
      costPerRequest: 0.002,
    }),
  });

test('static does nothing', () => {
  const fleet = world(1);
  const mode = createControllerMode({ mode: 'static' });
  for (let i = 0; i < 5; i++) {
    fleet.tick();
    mode.onInterval(fleet.now, fleet, fleet);
  }
  assert.deepEqual(fleet.actions, []);
  assert.deepEqual(controllerModeNames, ['static', 'reactive', 'gradient2', 'adaptive']);
});

test('reactive: the HPA rule on in-flight per replica', () => {
  // In flight by Little's law ~ 20 * 1.7 s + 30 * 0.57 s = 51; target 0.7 * 8 = 5.6 per replica.
  // 1 replica: raw ceil(51 / 5.6) = 10, capped at max(2, 1 + 4) = 5; then ceil(5 * 10.2 / 5.6) = 10;
  // then 5.1 / 5.6 = 0.91 is inside the tolerance. Demand drops 5x at t = 150 s: after the
  // 60 s window, ceil(10 * ~1 / 5.6) = 2.
  const fleet = world(2);
  const mode = new ReactiveMode({
    intervalMs: 10_000,
    backends: { gpu: { minInstances: 1, maxInstances: 20, scaleDownWindowMs: 60_000 } },
  });
  for (let i = 0; i < 30; i++) {
    if (i === 15) fleet.rps = { gold: 4, cheap: 6 };
    fleet.tick();
    mode.onInterval(fleet.now, fleet, fleet);
  }
  assert.deepEqual(fleet.actions, ['scale gpu 5', 'scale gpu 10', 'scale gpu 2']);
});

test('gradient2: flat latency lets the limit probe up by queueSize * smoothing per interval', () => {
  // gradient = min(1, 1.5 * long / short) = 1; limit 8 -> 8.8 -> 9.6 -> ... (+0.8 each interval)
  const fleet = world(3);
  const mode = new Gradient2Mode({ intervalMs: 10_000, backends: ['gpu'] });
  const limits: (number | null)[] = [];
  for (let i = 0; i < 8; i++) {
    fleet.tick();
    mode.onInterval(fleet.now, fleet, fleet);
    limits.push(mode.limitOf('gpu'));
  }
  assert.deepEqual(limits, [8, 9, 10, 11, 12, 12, 13, 14]);
  assert.equal(fleet.actions.length, 6); // a new policy each time the per-instance limit changed
  assert.equal(fleet.currentVersion().control.doc.backends.gpu.maxConcurrencyPerInstance, 14);
});
