import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { TelemetryBuffer } from './telemetry-buffer.js';

const rec = (start: number): IntervalRecord => ({
  tenant: 't',
  model: 'm',
  instance: 'i',
  tier: 'x',
  arm: 'control',
  policyVersion: 1,
  start,
  intervalMs: 10_000,
  arrived: 1,
  completed: 1,
  rejected: 0,
  failed: 0,
  timedOut: 0,
  cacheHits: 0,
  cacheLookups: 0,
  withinSlo: 1,
  latencyMs: { p50: null, p90: null, p99: null, mean: null, max: null },
  latencyHistogram: new LatencyHistogram().toJSON(),
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  queueDepthMax: 0,
  queueDepthMean: 0,
  inFlight: 0,
  instances: null,
  breakerState: null,
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
