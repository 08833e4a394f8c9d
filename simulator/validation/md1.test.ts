/**
 * M/D/1 through the whole simulator (the mmc scenario with one server and deterministic
 * service) against Pollaczek-Khinchine: Wq = rho / (2 mu (1 - rho)).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '../run-simulation.js';
import { loadScenario } from '../scenario/scenario-loader.js';
import { pollaczekKhinchineMD1 } from './queueing-formulas.js';

test('M/D/1 at utilisation 0.8: mean wait within 2% of Pollaczek-Khinchine', async () => {
  const scenario = loadScenario('mmc', [
    'servers=1',
    'arrivalRate=0.8',
    'serviceRate=1',
    'backends.servers.distribution=deterministic',
  ]);
  assert.equal(
    scenario.backends.servers.kind === 'station' && scenario.backends.servers.distribution,
    'deterministic',
  );
  const customers = 1_000_000;
  const s = await runSimulation(scenario, { seed: 1, durationMs: (customers / 0.8) * 1000 });
  const theory = pollaczekKhinchineMD1(0.8, 1); // 2 s
  assert.ok(Math.abs(theory - 2) < 1e-12);
  const err = (s.queueing.meanWaitMs ?? 0) / 1000 / theory - 1;
  assert.ok(Math.abs(err) < 0.02, `mean wait off by ${(err * 100).toFixed(2)}%`);
  // P(wait) of M/G/1 is rho.
  assert.ok(Math.abs((s.queueing.queuedShare ?? 0) / 0.8 - 1) < 0.02);
});
