import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import { intervalRecordsToSeries } from './interval-series.js';

function record(start: number, tenant: string, arrived: number, inputTokens: number): IntervalRecord {
  return {
    tenant,
    model: 'm',
    instance: 'i',
    tier: 't',
    arm: 'control',
    policyVersion: 1,
    start,
    intervalMs: 10_000,
    arrived,
    completed: arrived,
    rejected: 0,
    failed: 0,
    timedOut: 0,
    cacheHits: 0,
    cacheLookups: 0,
    withinSlo: arrived,
    latencyMs: { p50: null, p90: null, p99: null, mean: null, max: null },
    latencyHistogram: {} as IntervalRecord['latencyHistogram'],
    inputTokens,
    outputTokens: 1,
    costUsd: 0,
    queueDepthMax: 0,
    queueDepthMean: 0,
    inFlight: 0,
    instances: null,
    breakerState: null,
  };
}

test('sums records per interval across tags; empty intervals are zeros; filters apply', () => {
  const recs = [record(0, 'a', 2, 10), record(0, 'b', 3, 20), record(30_000, 'a', 4, 5)];
  const s = intervalRecordsToSeries(recs, 'arrived');
  assert.equal(s.stepMs, 10_000);
  assert.deepEqual(Array.from(s.values), [5, 0, 0, 4]);
  assert.deepEqual(Array.from(intervalRecordsToSeries(recs, 'tokens').values), [32, 0, 0, 6]);
  assert.deepEqual(Array.from(intervalRecordsToSeries(recs, 'arrived', (r) => r.tenant === 'b').values), [3]);
  assert.throws(() => intervalRecordsToSeries([], 'arrived'), { code: 'SLUICE_CONFIG_INVALID' });
});
