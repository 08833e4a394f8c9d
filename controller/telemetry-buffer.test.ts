import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { quietIntervalRecord } from '../gateway-core/telemetry/quiet-interval-record.js';
import { TelemetryBuffer } from './telemetry-buffer.js';

const rec = (start: number): IntervalRecord => ({
  ...quietIntervalRecord(
    { tenant: 't', model: 'm', instance: 'i', tier: 'x', arm: 'control', policyVersion: 1 },
    start,
    10_000,
  ),
  arrived: 1,
  completed: 1,
  withinSlo: 1,
});

test('window returns closed intervals starting in [from, to); old ones are dropped', () => {
  const b = new TelemetryBuffer(30_000);
  b.push([rec(0), rec(10_000), rec(20_000)]);
  assert.deepEqual(
    b.window(0, 30_000).map((r) => r.start),
    [0, 10_000, 20_000],
  );
  assert.deepEqual(
    b.window(10_000, 25_000).map((r) => r.start),
    [10_000],
  ); // 20 000 has not closed by 25 000
  b.push([rec(50_000)]);
  assert.equal(b.size, 2); // 0 and 10 000 are older than 50 000 - 30 000
  assert.deepEqual(
    b.window(0, 1e9).map((r) => r.start),
    [20_000, 50_000],
  );
});
