import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { runSimulation, type SimulationOptions } from '../simulator/run-simulation.js';
import { loadScenario } from '../simulator/scenario/scenario-loader.js';
import { hookController } from './controller-hookup.js';

test('static attaches nothing; the others chain the sink and set the control interval', () => {
  const scenario = loadScenario('steady', []);
  const plain: SimulationOptions = { seed: 1 };
  const none = hookController('static', scenario, plain);
  assert.equal(plain.onInterval, undefined);
  assert.equal(plain.telemetrySink, undefined);
  assert.deepEqual(none.rollouts(), []);

  const seen: IntervalRecord[][] = [];
  const options: SimulationOptions = { seed: 1, telemetrySink: (r) => seen.push(r) };
  hookController('reactive', scenario, options);
  assert.equal(options.controlIntervalMs, 10_000);
  assert.equal(typeof options.onInterval, 'function');
  options.telemetrySink?.([]);
  assert.equal(seen.length, 1);
});

test('a gradient2 run through the hookup is steered and keeps its own sink (same seed, same summary)', async () => {
  const scenario = loadScenario('steady', []);
  const run = async () => {
    let records = 0;
    const options: SimulationOptions = {
      seed: 3,
      durationMs: 60_000,
      telemetrySink: (r) => {
        records += r.length;
      },
    };
    hookController('gradient2', scenario, options);
    const s = await runSimulation(scenario, options);
    return { requests: s.requests, completed: s.completed, records };
  };
  const a = await run();
  assert.ok(a.records > 0);
  assert.deepEqual(await run(), a);
});

test('adaptive on flash-sale: the batch cap comes down at quiet times and is restored in the ramp; the scale-down override follows the plateau', async () => {
  const scenario = loadScenario('flash-sale', []);
  const options: SimulationOptions = { seed: 1, durationMs: 25 * 60_000 };
  const hookup = hookController('adaptive', scenario, options);
  await runSimulation(scenario, options);
  const actions = hookup.audit.entries().filter((e) => e.kind === 'action');
  const caps = actions.filter((e) => e.action === 'batch-cap').map((e) => [e.time, e.change]);
  // After warm-up (6 intervals) checkout's p99 is over 85% of its 4 s SLO with nothing queued:
  // 32 -> 25 -> 20 (x 0.8 per interval); the floor (1.25 x mean in flight per instance) stops it
  // near 12.
  assert.deepEqual(caps.slice(0, 2), [
    [60_000, 'backend gpu: concurrency 25/instance'],
    [70_000, 'backend gpu: concurrency 20/instance'],
  ]);
  assert.deepEqual(caps[4], [230_000, 'backend gpu: concurrency 12/instance']);
  // The spike starts at 15 min: work queues at once and the configured 32 is back in one step.
  assert.deepEqual(caps[9], [920_000, 'backend gpu: concurrency 32/instance']);
  // No override before warm-up; on the plateau (no surge, no queue) the scaler's 5-minute hold
  // is released to the forecast's size, no lower than the busiest interval of the last 5
  // minutes needs (demand averaged over the 60 s demand window): 16 at 18.7 min, then 15, 12,
  // 11, 10.
  const overrides = actions.filter((e) => e.action === 'scale-down-override').map((e) => [e.time, e.to]);
  assert.deepEqual(overrides[0], [60_000, 4]);
  assert.deepEqual(
    overrides.filter(([t, n]) => Number(t) >= 1_100_000 && Number(t) <= 1_200_000 && n !== null),
    [
      [1_120_000, 16],
      [1_130_000, 15],
      [1_140_000, 12],
      [1_150_000, 11],
      [1_200_000, 10],
    ],
  );
});

test('adaptive on cost-overrun: the enterprise share of the medium model rises, makes room before the premium downgrade lands, then fills the quota', async () => {
  const scenario = loadScenario('cost-overrun', []);
  const options: SimulationOptions = { seed: 1, durationMs: 20 * 60_000 };
  const hookup = hookController('adaptive', scenario, options);
  const summary = await runSimulation(scenario, options);
  // Medium is empty at first: the share rises a step per canary (0.25, 0.5).
  // copyco's budget ($150/h) will run out about 10 minutes in and downgrade it onto medium: at
  // 370 s its runway is inside the 3-minute lookahead, so the share falls at once to what the
  // 900 rpm quota leaves with copyco counted in (relief, not canaried), then creeps up to the fit
  // (0.9 x 15 req/s - copyco's ~10) / megacorp's ~10 as the forecasts settle.
  assert.deepEqual(
    hookup.rollouts().map((r) => [r.atS, r.change, r.promoted]),
    [
      [160, 'routing rule 0: share 0.25', true],
      [360, 'routing rule 0: share 0.5', true],
      [500, 'routing rule 0: share 0.323', true],
      [650, 'routing rule 0: share 0.354', true],
      [1080, 'routing rule 0: share 0.378', true],
    ],
  );
  const reliefs = hookup.audit
    .entries()
    .filter((e) => e.kind === 'action' && e.action === 'share-relief')
    .map((e) => [e.time, e.change]);
  assert.deepEqual(reliefs, [[370_000, 'routing rule 0: share 0.237']]);
  // The premium tenant never meets the quota: no failure (one timeout, as in the static run).
  assert.deepEqual([summary.byTier.premium.failed, summary.byTier.premium.timedOut], [0, 1]);
});
