/**
 * Each case-study scenario shows the effect it is about, for a simulated hour (seed 1):
 * budgets and token limits biting (cost-overrun), the spike absorbed by scaling, priorities
 * and the cache (flash-sale), the noisy neighbour contained by its own limits (multi-tenant).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '../run-simulation.js';
import { loadScenario } from '../scenario/scenario-loader.js';

test('cost-overrun: free tenants hit token limits, the premium budget downgrades to medium, enterprise is untouched', async () => {
  const s = await runSimulation(loadScenario('cost-overrun'), { seed: 1 });
  for (const t of ['blogly', 'zinehub'])
    assert.ok(s.byTenant[t].rejected / s.byTenant[t].requests > 0.6, `${t} mostly refused`);
  const copyco = s.byTenant.copyco;
  assert.equal(copyco.rejected, 0);
  assert.ok(s.byModel.medium.completed > 10_000, 'copyco moved to the medium model');
  // copyco spent its $150 on the large model (plus what was in flight when the budget ran
  // out: about 150 requests at ~$0.03), then far less on medium
  assert.ok(copyco.costUsd > 150 && copyco.costUsd < 150 + s.byModel.medium.costUsd + 10);
  assert.equal(s.byTenant.megacorp.rejected, 0);
  assert.ok(s.byTenant.megacorp.costUsd > 500);
});

test('flash-sale: the spike scales the pool up, checkout keeps its SLO, the cache answers a share, the crash is logged', async () => {
  const s = await runSimulation(loadScenario('flash-sale'), { seed: 1 });
  assert.ok(s.scaling.gpu.scaleUps >= 1);
  assert.ok((s.instanceHours ?? 0) > 4.5, 'more than the 4 base instances for part of the hour');
  assert.ok((s.byTier.checkout.latencyMs.p99 ?? Number.POSITIVE_INFINITY) < 4000);
  assert.ok(
    (s.byTier.batch.latencyMs.p99 ?? 0) > (s.byTier.checkout.latencyMs.p99 ?? 0),
    'batch absorbs the queueing',
  );
  assert.ok((s.cacheHitRatio ?? 0) > 0.3);
  assert.deepEqual(
    s.faults.map((f) => [f.kind, f.instance, f.startS, f.endS]),
    [['crash', 'gpu-2', 1200, 1380]],
  );
});

test('multi-tenant: the analytics flood is refused by its own limits; the other units are not', async () => {
  const limited = await runSimulation(loadScenario('multi-tenant'), { seed: 1, durationMs: 40 * 60_000 });
  assert.ok(limited.byTenant.analytics.rejected / limited.byTenant.analytics.requests > 0.8);
  for (const t of ['search', 'support']) assert.equal(limited.byTenant[t].rejected, 0);
  // The same flood with analytics' limits lifted and a FIFO queue instead of weighted-fair:
  // the neighbour takes the pool, and search is refused and times out.
  const lifted = ['policy.tenants.analytics.limits=[]', 'policy.tenants.analytics.concurrency=100000'];
  const open = await runSimulation(
    loadScenario('multi-tenant', [...lifted, 'policy.backends.platform.queue.discipline=fifo']),
    {
      seed: 1,
      durationMs: 40 * 60_000,
    },
  );
  const p99 = (s: typeof limited, t: string) => s.byTenant[t].latencyMs.p99 ?? 0;
  assert.ok(
    p99(open, 'search') > 2 * p99(limited, 'search'),
    `${p99(open, 'search')} vs ${p99(limited, 'search')}`,
  );
  assert.ok(
    open.byTenant.search.rejected + open.byTenant.search.timedOut > 0.2 * open.byTenant.search.requests,
  );
  assert.ok((open.jainFairness ?? 1) < 0.5 && (limited.jainFairness ?? 0) > 0.9);
});
