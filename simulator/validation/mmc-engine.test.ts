/**
 * M/M/c through the whole simulator: the `mmc` scenario (Poisson arrivals, FIFO queue in the
 * real PolicyEngine, c station instances with exponential service) against Erlang C.
 * Run lengths: the relative standard error of the mean wait is about 0.5% here (measured over
 * seeds), so 2% is about 4 standard errors. Utilisation 0.95 needs tens of millions of
 * customers to settle within 2%: it has its own file, mmc-engine-heavy-traffic.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '../run-simulation.js';
import { loadScenario } from '../scenario/scenario-loader.js';
import { erlangC } from './queueing-formulas.js';

async function mmc(servers: number, rho: number, customers: number) {
  const arrivalRate = rho * servers;
  const scenario = loadScenario('mmc', [`servers=${servers}`, `arrivalRate=${arrivalRate}`, 'serviceRate=1']);
  const s = await runSimulation(scenario, { seed: 1, durationMs: (customers / arrivalRate) * 1000 });
  const theory = erlangC(servers, arrivalRate, 1);
  return {
    pWaitErr: (s.queueing.queuedShare ?? 0) / theory.pWait - 1,
    waitErr: (s.queueing.meanWaitMs ?? 0) / 1000 / theory.meanWaitS - 1,
    s,
  };
}

function within(err: number, bound: number, what: string): void {
  assert.ok(
    Math.abs(err) < bound,
    `${what}: relative error ${(err * 100).toFixed(2)}% exceeds ${bound * 100}%`,
  );
}

test('M/M/2 at utilisation 0.5: mean wait and P(wait) within 2% of Erlang C', async () => {
  const r = await mmc(2, 0.5, 400_000);
  within(r.pWaitErr, 0.02, 'P(wait)');
  within(r.waitErr, 0.02, 'mean wait');
  assert.equal(r.s.rejected + r.s.failed + r.s.timedOut, 0);
});

test('M/M/2 at utilisation 0.8: mean wait and P(wait) within 2% of Erlang C', async () => {
  const r = await mmc(2, 0.8, 1_200_000);
  within(r.pWaitErr, 0.02, 'P(wait)');
  within(r.waitErr, 0.02, 'mean wait');
});
