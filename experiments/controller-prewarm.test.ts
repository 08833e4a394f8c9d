/**
 * The adaptive arm pre-warms from the simulator's per-key demand when the scenario's policy has
 * a cache: wiring (cacheDemandForArm, hookController) and determinism with pre-warming on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation, type SimulationOptions } from '../simulator/run-simulation.js';
import type { RunSummary } from '../simulator/run-summary.js';
import { loadScenario } from '../simulator/scenario/scenario-loader.js';
import { cacheDemandForArm } from './controller-arm.js';
import { hookController } from './controller-hookup.js';
import type { Params } from './spec.js';

test('only an adaptive arm on a policy with a cache gets per-key demand, unless prewarm=false', () => {
  const trending = loadScenario('trending').policy;
  const steady = loadScenario('steady').policy;
  assert.ok(cacheDemandForArm('adaptive', trending, {}) !== null);
  assert.equal(cacheDemandForArm('adaptive', trending, { prewarm: false }), null);
  assert.equal(cacheDemandForArm('reactive', trending, {}), null);
  assert.equal(cacheDemandForArm('adaptive', steady, {}), null);
  const d = cacheDemandForArm('adaptive', trending, { prewarmSketch: 64, prewarmMinCount: 5 });
  assert.deepEqual(d && [d.capacity, d.reportAtLeast, d.retainIntervals], [64, 5, 6]);
});

async function adaptive(seed: number, params: Params): Promise<{ s: RunSummary; prewarms: number }> {
  const scenario = loadScenario('trending');
  const options: SimulationOptions = { seed, durationMs: 15 * 60_000 };
  const hook = hookController('adaptive', scenario, options, params);
  const s = await runSimulation(scenario, options);
  return { s, prewarms: hook.audit.entries().filter((e) => e.action === 'prewarm').length };
}

function stable(s: RunSummary): string {
  const { wallSeconds: _w, peakRssMb: _r, ...rest } = s;
  return JSON.stringify(rest);
}

test('adaptive with pre-warming: same seed, same run; the audit log names each pre-warm', async () => {
  const a = await adaptive(5, {});
  const b = await adaptive(5, {});
  assert.equal(stable(a.s), stable(b.s));
  const pw = a.s.prewarm;
  assert.ok(pw !== undefined && pw.calls > 0 && pw.stored > 0, 'the controller pre-warmed');
  assert.ok(a.prewarms > 0);
  // Without the cache option nothing is pre-warmed and the summary has no `prewarm`.
  const off = await adaptive(5, { prewarm: false });
  assert.equal(off.s.prewarm, undefined);
  assert.equal(off.prewarms, 0);
  assert.equal(off.s.requests, a.s.requests);
});
