import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRequest } from './arm-runner.js';
import type { ControllerMode } from './spec.js';
import { SimulatorRunner } from './simulator-runner.js';

const request = (mode: ControllerMode, seed: number): RunRequest => ({
  experiment: 'sim-test',
  scenario: 'flash-sale',
  trace: null,
  durationSeconds: 10 * 60,
  intervalSeconds: 10,
  seed,
  arm: { name: mode, mode, policy: null, params: {} },
  grid: {},
});

test('the simulator runner: deterministic by seed, series consistent with the summary', async () => {
  const runner = new SimulatorRunner();
  const a = await runner.run(request('static', 3));
  const b = await runner.run(request('static', 3));
  // Everything but the process's peak memory, which is the machine's, not the model's.
  assert.deepEqual({ ...a.summary, peakRssMb: 0 }, { ...b.summary, peakRssMb: 0 });
  assert.deepEqual(a.series, b.series);
  // One point per 10 s interval of the 10 simulated minutes, and every arrival counted once.
  assert.equal(a.series.points.length, 60);
  assert.equal(
    a.series.points.reduce((s, p) => s + p.arrived, 0),
    a.summary.requests,
  );
  assert.deepEqual(Object.keys(a.series.points[0].latencyByTier).sort(), ['batch', 'browse', 'checkout']);
  // Static runs no controller: no forecasts, no rollouts.
  assert.equal(a.series.forecast.length, 0);
  assert.equal(a.series.rollouts.length, 0);
});

test('controller modes steer the run: reactive scales, adaptive forecasts and canaries', async () => {
  const runner = new SimulatorRunner();
  // The sale starts at minute 15: give reactive a look at it.
  const reactive = await runner.run({ ...request('reactive', 3), durationSeconds: 20 * 60 });
  assert.ok(reactive.series.scaleAhead.length > 0, 'reactive asked for instances');
  // Multi-tenant: a tenant floods from minute 10, and the adaptive controller canaries limits.
  const adaptive = await runner.run({
    ...request('adaptive', 1),
    scenario: 'multi-tenant',
    durationSeconds: 15 * 60,
  });
  // One summed forecast per closed interval.
  assert.equal(adaptive.series.forecast.length, 90);
  assert.ok(adaptive.series.rollouts.some((m) => m.kind === 'canary-start'));
  // Every promotion or rollback the judge logged is a marker on the charts, at the same time.
  assert.deepEqual(
    adaptive.summary.rollouts.map((r) => r.time),
    adaptive.series.rollouts.filter((m) => m.kind !== 'canary-start').map((m) => m.t),
  );
});

test('set.* parameters override the scenario (here the pool starts with 8 instances, not 4)', async () => {
  const runner = new SimulatorRunner();
  const four = await runner.run(request('static', 1));
  const eight = await runner.run({
    ...request('static', 1),
    grid: { 'set.policy.backends.gpu.instances': 8 },
  });
  assert.equal(four.series.points[0].instances, 4);
  assert.equal(eight.series.points[0].instances, 8);
  assert.ok((eight.summary.instanceHours ?? 0) > (four.summary.instanceHours ?? 0));
});
