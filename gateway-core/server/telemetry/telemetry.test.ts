import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, type InfluxService, startInflux } from '../../../test/harness/services.js';
import { LatencyHistogram } from '../../histogram.js';
import type { IntervalRecord } from '../../telemetry/interval-record.js';
import { AuditLog } from './audit-log.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { InfluxWriter, MEASUREMENT, recordToPoint } from './influx-writer.js';

let influx: InfluxService;
before(async () => {
  influx = await startInflux();
});
after(async () => {
  await influx.stop();
});

function record(i: number): IntervalRecord {
  return {
    tenant: `t${i % 2}`,
    model: 'gpt-x',
    instance: 'i1',
    tier: 'free',
    arm: 'control',
    policyVersion: 3,
    start: 1_700_000_000_000 + i * 10_000,
    intervalMs: 10_000,
    arrived: 10 + i,
    completed: 9,
    rejected: 1,
    failed: 0,
    timedOut: 0,
    cacheHits: 2,
    cacheLookups: 5,
    withinSlo: 8,
    latencyMs: { p50: 12, p90: 30, p99: null, mean: 15, max: 40 },
    latencyHistogram: new LatencyHistogram(0.01).toJSON(),
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.25,
    queueDepthMax: 3,
    queueDepthMean: 1.5,
    inFlight: 2,
    instances: 1,
    breakerState: 'closed',
  };
}

test('recordToPoint keeps tags and drops null fields', () => {
  const p = recordToPoint(record(1));
  assert.deepEqual(p.tags, {
    tenant: 't1',
    model: 'gpt-x',
    instance: 'i1',
    tier: 'free',
    arm: 'control',
    policyVersion: '3',
  });
  assert.equal(p.fields?.arrived, 11);
  assert.equal(p.fields?.latency_p50, 12);
  assert.equal('latency_p99' in (p.fields ?? {}), false);
  assert.equal(p.timestamp, 1_700_000_010_000);
});

test('recordToPoint tags the replica and stores the mergeable histogram when there is one', () => {
  const r = record(1);
  const h = new LatencyHistogram(0.01);
  for (const v of [10, 20, 30]) h.record(v);
  r.latencyHistogram = h.toJSON();
  const p = recordToPoint(r, 'gw-a');
  assert.equal(p.tags?.replica, 'gw-a');
  const back = LatencyHistogram.fromJSON(JSON.parse(String(p.fields?.latencyHistogram)));
  assert.equal(back.count, 3);
  assert.equal(back.quantile(0.5), h.quantile(0.5));
  assert.equal('latencyHistogram' in (recordToPoint(record(1)).fields ?? {}), false);
});

test('interval records land in a real InfluxDB, batched', async () => {
  const w = new InfluxWriter({ url: influx.url, database: 'sluice_test', batchSize: 2 });
  w.enqueue([0, 1, 2, 3, 4].map(record));
  await w.flushAll();
  assert.equal(w.written, 5);
  assert.equal(w.dropped, 0);
  const rows = await w.influx.query<{ sum: number; count: number }>(
    `SELECT sum("arrived") AS "sum", count("arrived") AS "count" FROM "${MEASUREMENT}"`,
  );
  assert.equal(rows[0].count, 5);
  assert.equal(rows[0].sum, 10 + 11 + 12 + 13 + 14);
  const byTenant = await w.influx.query<{ tenant: string; count: number }>(
    `SELECT count("arrived") AS "count" FROM "${MEASUREMENT}" WHERE "tenant" = 't0'`,
  );
  assert.equal(byTenant[0].count, 3);
});

test('a full buffer drops and counts instead of blocking; a dead InfluxDB drops the batch', async () => {
  const drops: string[] = [];
  const dead = `http://127.0.0.1:${await freePort()}`;
  const w = new InfluxWriter({
    url: dead,
    maxBuffered: 3,
    batchSize: 10,
    onDrop: (n, why) => drops.push(`${n}:${why}`),
  });
  w.enqueue([0, 1].map(record));
  w.enqueue([2, 3, 4].map(record));
  assert.equal(w.buffered, 3);
  await w.flushAll();
  assert.equal(w.written, 0);
  assert.equal(w.dropped, 5);
  assert.deepEqual(drops, ['2:buffer-full', '3:write-failed']);
});

test('metrics: record fields become sluice_* counters; pool gauges give saturation and desired replicas', async () => {
  const m = new GatewayMetrics();
  m.observeRecords([record(0), record(2)]);
  m.observePool('pool-a', { queueDepth: 6, inFlight: 8, instances: 2 }, 4);
  const text = await m.registry.metrics();
  assert.match(text, /sluice_arrived_total\{tenant="t0",model="gpt-x",tier="free",arm="control"\} 22/);
  assert.match(text, /sluice_cost_usd_total\{tenant="t0",model="gpt-x",tier="free",arm="control"\} 0.5/);
  assert.match(text, /sluice_backend_saturation\{backend="pool-a"\} 1.75/);
  assert.match(text, /sluice_desired_replicas\{backend="pool-a"\} 4/);
  assert.match(text, /sluice_queue_depth\{backend="pool-a"\} 6/);
  assert.match(text, /sluice_redis_up 1/);
});

test('audit log appends one JSON line per change', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-audit-'));
  const file = join(dir, 'audit.jsonl');
  const log = new AuditLog(file);
  log.write({
    time: '2026-01-01T00:00:00.000Z',
    action: 'apply',
    version: 2,
    hash: 'abc',
    by: 'admin',
    details: ['x'],
  });
  log.write({
    time: '2026-01-01T00:00:01.000Z',
    action: 'rollback',
    version: 3,
    hash: 'def',
    by: 'admin',
    details: [],
  });
  const lines = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string });
  assert.deepEqual(
    lines.map((l) => l.action),
    ['apply', 'rollback'],
  );
  await rm(dir, { recursive: true, force: true });
});
