import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { quietIntervalRecord } from '../gateway-core/telemetry/quiet-interval-record.js';
import { backendResolver, TelemetryView } from './telemetry-view.js';

const doc: PolicyDocument = {
  apiVersion: 'sluice/v1',
  tiers: { t: { sloMs: 1000 } },
  models: { big: { inputPricePerMTok: 1, outputPricePerMTok: 1, backends: ['gpu', 'api'] } },
  backends: { gpu: { instances: [{ id: 'g1' }] }, api: { instances: [{ id: 'a1' }] } },
  tenants: { x: { tier: 't' } },
};

function rec(start: number, instance: string, fields: Partial<IntervalRecord>): IntervalRecord {
  const h = new LatencyHistogram();
  for (let i = 0; i < (fields.completed ?? 0); i++) h.record(100);
  const tags = { tenant: 'x', model: 'big', instance, tier: 't', arm: 'control', policyVersion: 1 } as const;
  return { ...quietIntervalRecord(tags, start, 10_000), latencyHistogram: h.toJSON(), ...fields };
}

test('pool gauges are read once per interval; arrivals go to the model primary pool', () => {
  // As the engine writes them: arrivals on the '-' record, completions on instance records,
  // and the pool's gauges (in flight 12, queue 3, instances 2) repeated on each of its records.
  const gauges = { inFlight: 12, queueDepthMean: 3, instances: 2 };
  const view = new TelemetryView([
    rec(0, '-', { arrived: 100, cacheHits: 10 }),
    rec(0, 'g1', { completed: 40, ...gauges }),
    rec(0, 'gpu-7', { completed: 50, ...gauges }), // a scaled-out instance, named after its pool
    rec(10_000, '-', { arrived: 60 }),
    rec(10_000, 'g1', { completed: 60, inFlight: 4, queueDepthMean: 1, instances: 3 }),
  ]);
  const load = view.backendLoad('gpu', backendResolver(doc), doc);
  assert.equal(load.intervals, 2);
  assert.equal(load.inFlight, 8); // (12 + 4) / 2, not 12 + 12 + 4
  assert.equal(load.queueDepth, 2);
  assert.equal(load.instances, 3); // the latest interval's
  assert.equal(load.completedPerSec, 150 / 20);
  assert.equal(load.arrivedPerSec, (90 + 60) / 20);
  assert.equal(load.latency.count, 150);
  assert.deepEqual([...view.arrivalsByBackend(doc)], [['gpu', 150]]);
  assert.deepEqual(view.starts(), [0, 10_000]);
  assert.equal(backendResolver(doc)('a1'), 'api');
  assert.equal(backendResolver(doc)('-'), null);
});
