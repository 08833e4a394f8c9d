import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import { recordToPoint } from '../../gateway-core/server/telemetry/influx-writer.js';
import type { IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import { InfluxTelemetrySource } from './influx-telemetry-source.js';

function record(): IntervalRecord {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) h.record(10 * i);
  return {
    tenant: 'acme',
    model: 'gpt-test',
    instance: 'p1',
    tier: 'premium',
    arm: 'canary',
    policyVersion: 7,
    start: 1_700_000_010_000,
    intervalMs: 10_000,
    arrived: 110,
    completed: 100,
    rejected: 6,
    failed: 3,
    timedOut: 1,
    cacheHits: 2,
    cacheLookups: 9,
    withinSlo: 95,
    latencyMs: {
      p50: h.quantile(0.5),
      p90: h.quantile(0.9),
      p99: h.quantile(0.99),
      mean: h.mean(),
      max: h.max,
    },
    latencyHistogram: h.toJSON(),
    inputTokens: 1234,
    outputTokens: 567,
    costUsd: 0.0123,
    queueDepthMax: 4,
    queueDepthMean: 1.5,
    inFlight: 3,
    instances: 2,
    breakerState: 'closed',
  };
}

/** The row InfluxDB answers for a written point: tags and fields as columns, time as a Date. */
function rowOf(r: IntervalRecord): Record<string, unknown> & { time: Date } {
  const p = recordToPoint(r);
  return { time: new Date(Number(p.timestamp)), ...p.tags, ...p.fields };
}

test('a row read back is the record the writer wrote, its histogram rebuilt from the summary', () => {
  const source = new InfluxTelemetrySource({ url: 'http://127.0.0.1:8086' });
  const original = record();
  const back = source.toRecord(rowOf(original));
  const { latencyHistogram, ...rest } = back;
  const { latencyHistogram: _h, ...want } = original;
  assert.deepEqual(rest, want);
  const h = LatencyHistogram.fromJSON(latencyHistogram);
  assert.equal(h.count, 100);
  for (const q of [0.5, 0.9, 0.99]) {
    const got = h.quantile(q) ?? Number.NaN;
    const expected = LatencyHistogram.fromJSON(original.latencyHistogram).quantile(q) ?? Number.NaN;
    assert.ok(Math.abs(got / expected - 1) < 0.03, `q${q}: ${got} vs ${expected}`);
  }
});

test('null fields (left out by the writer) come back as null; a stored histogram is used as is', () => {
  const source = new InfluxTelemetrySource({ url: 'http://127.0.0.1:8086' });
  const r = { ...record(), completed: 0, instances: null, breakerState: null };
  r.latencyMs = { p50: null, p90: null, p99: null, mean: null, max: null };
  r.latencyHistogram = new LatencyHistogram().toJSON();
  const back = source.toRecord(rowOf(r));
  assert.deepEqual(
    [back.instances, back.breakerState, back.latencyMs.p50, back.latencyHistogram.count],
    [null, null, null, 0],
  );
  const stored = record();
  const withHistogram = source.toRecord({
    ...rowOf(stored),
    latencyHistogram: JSON.stringify(stored.latencyHistogram),
  });
  assert.deepEqual(withHistogram.latencyHistogram, stored.latencyHistogram);
});
