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
