import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CachePrewarmPlanner } from './cache-prewarm-planner.js';
import { tuneQueueWeights } from './queue-weight-tuner.js';
import { horizonSteps, scaleAhead } from './scale-ahead.js';

test('queue weights follow SLO pressure, clamped', () => {
  const w = tuneQueueWeights([
    { tier: 'premium', sloMs: 1000, p99Ms: 1500, baseWeight: 3 }, // 3 * 1.5
    { tier: 'standard', sloMs: 2000, p99Ms: 1000, baseWeight: 2 }, // 2 * 0.5
    { tier: 'free', sloMs: 5000, p99Ms: 500, baseWeight: 1 }, // 0.1 -> clamped 0.5
    { tier: 'batch', sloMs: 5000, p99Ms: null, baseWeight: 1 }, // no data: unchanged
    { tier: 'burning', sloMs: 100, p99Ms: 1000, baseWeight: 1 }, // 10 -> clamped 4
  ]);
  assert.deepEqual(w, { premium: 4.5, standard: 1, free: 0.5, batch: 1, burning: 4 });
  assert.deepEqual(tuneQueueWeights([{ tier: 'p', sloMs: 1000, p99Ms: 1210, baseWeight: 1 }], { gain: 2 }), {
    p: 1.464,
  });
});

test('pre-warm planner: Holt forecast per key, top k not cached', () => {
  const p = new CachePrewarmPlanner({ alpha: 0.5, beta: 0.5 });
  p.observe(
    new Map([
      ['a', 10],
      ['b', 4],
    ]),
  ); // new keys start at level = x, trend 0
  p.observe(
    new Map([
      ['a', 10],
      ['b', 8],
      ['c', 1],
    ]),
  );
  // b: level 0.5*8 + 0.5*(4 + 0) = 6; trend 0.5*(6 - 4) = 1 -> forecast(1) 7, forecast(4) 10
  assert.equal(p.forecast('b'), 7);
  assert.equal(p.forecast('b', 4), 10);
  assert.equal(p.forecast('a'), 10);
  assert.deepEqual(p.plan({ k: 2 }), ['a', 'b']);
  assert.deepEqual(p.plan({ k: 2, horizon: 4 }), ['a', 'b']); // 10 vs 10: tie broken by key
  assert.deepEqual(p.plan({ k: 5, cached: new Set(['a']) }), ['b', 'c']);
  assert.deepEqual(p.plan({ k: 5, minCount: 5 }), ['a', 'b']);
  // c fades: 1 -> 0.5*0 + 0.5*(1 + 0) = 0.5 ... pruned once below 0.05
  for (let i = 0; i < 10; i++) p.observe(new Map([['a', 10]]));
  assert.equal(p.forecast('c'), 0);
  assert.equal(p.tracked, 1);
});

test('scale-ahead sizes on the p90 at the provisioning horizon', () => {
  assert.equal(horizonSteps(45_000, 10_000), 5);
  assert.equal(horizonSteps(0, 10_000), 1);
  // 90 rps / (10 rps * 0.75) = 12
  assert.equal(
    scaleAhead({
      forecastP90Rps: 90,
      perInstanceRps: 10,
      targetUtilization: 0.75,
      minInstances: 1,
      maxInstances: 50,
    }),
    12,
  );
  // plus a 600-request backlog drained over 60 s: (90 + 10) / 7.5 = 13.33 -> 14
  assert.equal(
    scaleAhead({
      forecastP90Rps: 90,
      perInstanceRps: 10,
      targetUtilization: 0.75,
      queueDepth: 600,
      drainSeconds: 60,
      minInstances: 1,
      maxInstances: 50,
    }),
    14,
  );
  assert.equal(
    scaleAhead({
      forecastP90Rps: 0,
      perInstanceRps: 10,
      targetUtilization: 0.75,
      minInstances: 2,
      maxInstances: 50,
    }),
    2,
  );
  assert.equal(
    scaleAhead({
      forecastP90Rps: 1e6,
      perInstanceRps: 10,
      targetUtilization: 0.75,
      minInstances: 2,
      maxInstances: 50,
    }),
    50,
  );
});
