import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyDocument } from '../../gateway-core/policy/schema.js';
import { applyChanges, describeChanges } from './policy-patch.js';

const doc: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { premium: { sloMs: 2000, weight: 3 }, free: { sloMs: 8000 } },
  models: { m: { inputPricePerMTok: 1, outputPricePerMTok: 2, backends: ['gpu'] } },
  backends: {
    gpu: {
      instances: [{ id: 'g1' }],
      maxConcurrencyPerInstance: 8,
      queue: { discipline: 'wfq', classBy: 'tier' },
    },
    api: { instances: [{ id: 'a1' }] },
  },
  tenants: {
    acme: { tier: 'premium', limits: [{ rpm: 600, by: ['tenant'] }, { tpm: 100000 }] },
    beta: { tier: 'free' },
  },
};

test('changes land where the engine reads them, on a copy', () => {
  const next = applyChanges(doc, [
    { kind: 'tenant-rate', tenant: 'acme', rpm: 900.4, burst: 30.6 },
    { kind: 'tenant-rate', tenant: 'beta', rpm: 120, burst: 10 },
    { kind: 'tenant-rate', tenant: 'ghost', rpm: 1, burst: 1 },
    { kind: 'queue-weights', backend: 'gpu', weights: { premium: 4.5, free: 0.5 } },
    { kind: 'queue-weights', backend: 'api', weights: { premium: 2 } },
    { kind: 'concurrency', backend: 'gpu', maxConcurrencyPerInstance: 11.6 },
  ]);
  assert.deepEqual(next.tenants.acme.limits, [{ rpm: 900, burst: 31, by: ['tenant'] }, { tpm: 100000 }]);
  assert.deepEqual(next.tenants.beta.limits, [
    { id: 'requests:tenant', by: ['tenant'], rpm: 120, burst: 10 },
  ]);
  assert.equal(next.tenants.ghost, undefined);
  assert.deepEqual(next.backends.gpu.queue?.weights, { premium: 4.5, free: 0.5 });
  assert.equal(next.backends.api.queue, undefined);
  assert.equal(next.backends.gpu.maxConcurrencyPerInstance, 12);
  // The original is untouched.
  assert.deepEqual(doc.tenants.acme.limits?.[0], { rpm: 600, by: ['tenant'] });
  assert.equal(doc.backends.gpu.maxConcurrencyPerInstance, 8);
});

test('description for the audit log', () => {
  assert.equal(
    describeChanges([
      { kind: 'tenant-rate', tenant: 'acme', rpm: 900.4, burst: 30.6 },
      { kind: 'queue-weights', backend: 'gpu', weights: { premium: 4.5, free: 0.5 } },
      { kind: 'concurrency', backend: 'gpu', maxConcurrencyPerInstance: 12 },
    ]),
    'tenant acme: 900 rpm, burst 31; backend gpu: queue weights premium=4.5 free=0.5; backend gpu: concurrency 12/instance',
  );
});
