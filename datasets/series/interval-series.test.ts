import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import { quietIntervalRecord } from '../../gateway-core/telemetry/quiet-interval-record.js';
import { intervalRecordsToSeries } from './interval-series.js';

function record(start: number, tenant: string, arrived: number, inputTokens: number): IntervalRecord {
  const tags = { tenant, model: 'm', instance: 'i', tier: 't', arm: 'control', policyVersion: 1 } as const;
  return {
    ...quietIntervalRecord(tags, start, 10_000),
    arrived,
    completed: arrived,
    withinSlo: arrived,
    inputTokens,
    outputTokens: 1,
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
