/**
 * Little's law, L = lambda W, on every shipped scenario: L is the time average of the number of
 * requests in the gateway (arrived, not yet answered), W the mean time in the gateway of the
 * requests that left, lambda the arrival rate. Boundary effects (requests still inside at the
 * end) are small against a 20-minute run, so they agree within 1%.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '../run-simulation.js';
import { loadScenario } from '../scenario/scenario-loader.js';

for (const name of ['steady', 'mmc', 'cost-overrun', 'flash-sale', 'multi-tenant', 'trending']) {
  test(`Little's law within 1% on ${name}`, async () => {
    const s = await runSimulation(loadScenario(name), { seed: 3, durationMs: 20 * 60_000 });
    const { L, lambdaW } = s.littlesLaw;
    assert.ok(L !== null && lambdaW !== null && L > 0);
    assert.ok(Math.abs(L / lambdaW - 1) < 0.01, `L = ${L}, lambda W = ${lambdaW}`);
  });
}
