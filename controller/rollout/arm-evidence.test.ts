import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import type { IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import { quietIntervalRecord } from '../../gateway-core/telemetry/quiet-interval-record.js';
import { armEvidence } from './arm-evidence.js';
import { AuditLog, MemoryAuditSink } from './audit-log.js';
import { Conditions } from './conditions.js';

function rec(
  arm: 'control' | 'canary',
  version: number,
  latencies: number[],
  extra: Partial<IntervalRecord> = {},
): IntervalRecord {
  const h = new LatencyHistogram();
  for (const x of latencies) h.record(x);
  const tags = { tenant: 't', model: 'm', instance: 'i', tier: 'x', arm, policyVersion: version };
  return {
    ...quietIntervalRecord(tags, 0, 10_000),
    arrived: latencies.length,
    completed: latencies.length,
    withinSlo: latencies.length,
    latencyHistogram: h.toJSON(),
    ...extra,
  };
}

test('records of one arm and version merge into one evidence', () => {
  const records = [
    rec('canary', 3, [100, 200], { failed: 1, timedOut: 2, rejected: 5, arrived: 10, costUsd: 0.5 }),
    rec('canary', 3, [300], { costUsd: 0.25 }),
    rec('canary', 2, [9999]), // an older canary: ignored
    rec('control', 1, [50, 60, 70, 80]),
    rec('canary', 3, []),
  ];
  const c = armEvidence(records, 'canary', 3);
  assert.equal(c.latency.count, 3);
  assert.equal(c.latency.sum, 600);
  assert.equal(c.requests, 2 + 1 + 2 + 1 + 0);
  assert.equal(c.errors, 1);
  assert.equal(c.timeouts, 2);
  assert.equal(c.rejected, 5);
  assert.equal(c.arrived, 10 + 1 + 0);
  assert.equal(c.costUsd, 0.75);
  const k = armEvidence(records, 'control', 1);
  assert.equal(k.latency.count, 4);
  assert.equal(armEvidence(records, 'control', 9).latency.count, 0);
});

test('audit lines are JSON with non-finite numbers as null', () => {
  const sink = new MemoryAuditSink();
  const log = new AuditLog(sink.sink);
  log.write({ time: 5, kind: 'verdict', upper: Number.POSITIVE_INFINITY, p: 0.01 });
  assert.deepEqual(sink.lines, ['{"time":5,"kind":"verdict","upper":null,"p":0.01}']);
  assert.equal(log.written, 1);
});

test('conditions move lastTransitionTime only when the status changes', () => {
  const c = new Conditions();
  c.set(10, 'CanaryHealthy', 'Unknown', 'Judging');
  c.set(20, 'CanaryHealthy', 'Unknown', 'TooFewSamples', 'n=3');
  assert.deepEqual(c.get('CanaryHealthy'), {
    type: 'CanaryHealthy',
    status: 'Unknown',
    reason: 'TooFewSamples',
    message: 'n=3',
    lastTransitionTime: 10,
  });
  c.set(30, 'CanaryHealthy', 'False', 'Harm');
  assert.equal(c.get('CanaryHealthy')?.lastTransitionTime, 30);
  assert.equal(c.list().length, 1);
});
