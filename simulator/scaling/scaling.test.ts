import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { LlmPool } from '../backends/llm-pool.js';
import { Environment } from '../kernel/environment.js';
import { Autoscaler } from './autoscaler.js';
import { HpaRule } from '../../gateway-core/scaling/hpa-rule.js';
import { ScalingActuator } from './scaling-actuator.js';

const poolSpec = {
  prefillMsPerToken: 0,
  decodeMsPerToken: 10,
  batchSlowdown: 0,
  maxSequences: 4,
  pricePerHour: 2,
  coldStartMs: 60_000,
};

test('HPA rule: desired = ceil(current * metric / target), with a 10% dead band', () => {
  const hpa = new HpaRule({ minReplicas: 1, maxReplicas: 100, target: 0.5 });
  assert.equal(hpa.recommend(4, 0.9), 8); // ceil(4 * 1.8) = 8
  assert.equal(hpa.recommend(4, 0.54), 4); // ratio 1.08: inside the band
  assert.equal(hpa.recommend(4, 0.56), 5); // ratio 1.12: ceil(4.48) = 5
  assert.equal(hpa.recommend(10, 0.2), 4); // ceil(4) = 4
});

test('HPA rule: scale-down waits for the stabilisation window, scale-up does not', () => {
  const hpa = new HpaRule({ minReplicas: 1, maxReplicas: 100, target: 0.5 });
  assert.equal(hpa.desired(0, 4, 1.0), 8); // up at once
  assert.equal(hpa.desired(60_000, 8, 0.25), 8); // wants 4, but 8 was recommended within 5 min
  assert.equal(hpa.desired(200_000, 8, 0.25), 8);
  assert.equal(hpa.desired(301_000, 8, 0.25), 4); // the 8 left the window
});

test('actuator: provisioning delay, cooldown, min/max, draining with billing until drained', () => {
  const env = new Environment();
  const pool = new LlmPool('gpu', poolSpec, env, new SeededRng(1), () => {});
  pool.addReady('gpu-1');
  const published: string[][] = [];
  const act = new ScalingActuator(
    env,
    pool,
    { setInstances: (_b, list) => published.push(list.map((i) => i.id)) },
    { min: 1, max: 3, cooldownMs: 120_000 },
  );
  assert.equal(act.setDesired(10), true); // clamped to 3
  assert.equal(act.current, 3);
  assert.equal(act.ready, 1);
  env.run(59_999);
  assert.equal(published.length, 0);
  env.run(60_000);
  assert.deepEqual(published.at(-1), ['gpu-1', 'gpu-2', 'gpu-3']);
  assert.equal(act.setDesired(1), false); // cooldown: 120 s since the last action
  env.run(120_000);
  assert.equal(act.setDesired(0), true); // clamped to min 1; newest drained first
  assert.deepEqual(published.at(-1), ['gpu-1']);
  // Billing: gpu-1 for 120 s, gpu-2 and gpu-3 from 0 (asked for) to 120 s (idle, left at once).
  assert.equal(pool.instanceHours(120_000), (3 * 120_000) / 3_600_000);
  assert.equal(pool.hardwareCostUsd(120_000), 0.2);
  assert.deepEqual(act.actions, { up: 1, down: 1 });
});

test('autoscaler: reactive policy scales on utilisation; the scale-ahead signal sets a floor', () => {
  const env = new Environment();
  const pool = new LlmPool('gpu', { ...poolSpec, coldStartMs: 1000 }, env, new SeededRng(1), () => {});
  pool.addReady('gpu-1');
  pool.addReady('gpu-2');
  const act = new ScalingActuator(env, pool, { setInstances: () => {} }, { min: 1, max: 20, cooldownMs: 0 });
  let busy = 14; // of 2 x 4 slots: utilisation 1.75
  const scaler = new Autoscaler(env, act, () => ({ busy, slotsPerInstance: 4 }), {
    policy: 'reactive',
    intervalMs: 15_000,
    target: 0.7,
    tolerance: 0.1,
    stabilisationMs: 0,
  });
  scaler.evaluate();
  assert.equal(act.current, 5); // ceil(2 * 1.75 / 0.7) = 5
  env.run(2000);
  busy = 0;
  scaler.setScaleAhead(3);
  scaler.evaluate();
  assert.equal(act.current, 3); // HPA says 1 (min), the forecast floor says 3
  scaler.setScaleAhead(null);
  scaler.evaluate();
  assert.equal(act.current, 1);
});

test('autoscaler: a scale-down override releases the stabilisation hold, never below the raw rule', () => {
  const env = new Environment();
  const pool = new LlmPool('gpu', poolSpec, env, new SeededRng(1), () => {});
  pool.addReady('gpu-1');
  pool.addReady('gpu-2');
  const act = new ScalingActuator(env, pool, { setInstances: () => {} }, { min: 1, max: 20, cooldownMs: 0 });
  let busy = 14; // of 2 x 4 slots: utilisation 1.75
  const scaler = new Autoscaler(env, act, () => ({ busy, slotsPerInstance: 4 }), {
    policy: 'reactive',
    intervalMs: 15_000,
    target: 0.7,
    tolerance: 0.1,
    stabilisationMs: 300_000,
  });
  scaler.evaluate();
  assert.equal(act.current, 5); // ceil(2 * 1.75 / 0.7) = 5
  env.run(120_000);
  assert.equal(act.ready, 5);
  busy = 7; // of 5 x 4 slots: utilisation 0.35, raw ceil(5 * 0.5) = 3
  scaler.evaluate();
  assert.equal(act.current, 5); // held by the 5-minute stabilisation window
  scaler.setScaleDownOverride(2);
  scaler.evaluate();
  assert.equal(act.current, 3); // released to max(raw 3, override 2)
  scaler.setScaleDownOverride(4);
  busy = 0;
  scaler.evaluate();
  assert.equal(act.current, 3); // raw is 1, the override 4: an override never scales up
  scaler.setScaleDownOverride(2);
  scaler.evaluate();
  assert.equal(act.current, 2); // raw 1, override 2: the lowest it goes
  scaler.setScaleDownOverride(null);
  scaler.evaluate();
  assert.equal(act.current, 2); // cleared: the window holds, it does not scale back up
});
