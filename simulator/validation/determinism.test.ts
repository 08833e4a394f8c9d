/**
 * Same seed, same run: two runs of a scenario with faults, scaling, cache, breakers and
 * priority queues give byte-identical summaries (apart from wallSeconds and peakRssMb, which
 * measure the machine); another seed gives a different one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '../run-simulation.js';
import type { RunSummary } from '../run-summary.js';
import { loadScenario } from '../scenario/scenario-loader.js';

function stable(s: RunSummary): string {
  const { wallSeconds: _w, peakRssMb: _r, ...rest } = s;
  return JSON.stringify(rest);
}

test('two runs with one seed give identical JSON; another seed differs', async () => {
  const scenario = loadScenario('flash-sale');
  const opts = { durationMs: 25 * 60_000 };
  const a = await runSimulation(scenario, { ...opts, seed: 42 });
  const b = await runSimulation(loadScenario('flash-sale'), { ...opts, seed: 42 });
  assert.equal(stable(a), stable(b));
  assert.ok(a.faults.length === 1 && a.scaling.gpu.scaleUps > 0, 'the run exercises faults and scaling');
  const c = await runSimulation(scenario, { ...opts, seed: 43 });
  assert.notEqual(stable(a), stable(c));
});

test('the summary has every CONTRACTS.md field, null where not meaningful', async () => {
  const s = await runSimulation(loadScenario('steady'), { seed: 1, duration: '1m' });
  for (const k of [
    'scenario',
    'policy',
    'seed',
    'simulatedSeconds',
    'wallSeconds',
    'requests',
    'completed',
    'rejected',
    'failed',
    'timedOut',
    'latencyMs',
    'ttftMs',
    'goodputRps',
    'sloViolationMinutes',
    'costUsd',
    'tokens',
    'cacheHitRatio',
    'jainFairness',
    'instanceHours',
    'byTier',
    'byTenant',
    'byModel',
    'rollouts',
    'faults',
    'percentileMethod',
    'peakRssMb',
  ])
    assert.ok(k in s, `missing ${k}`);
  assert.equal(s.wallSeconds, null); // no wall clock given
  assert.equal(s.cacheHitRatio, null); // no cache in steady
  assert.equal(s.instanceHours, null); // no self-hosted pools
  assert.deepEqual(s.rollouts, []);
  assert.equal(s.simulatedSeconds, 60);
  assert.deepEqual(Object.keys(s.byTenant), ['acme', 'globex']);
  assert.match(s.percentileMethod, /1%/);
});
