import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAnomalyCorpus } from '../datasets/series/anomaly-corpus-files.js';
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { quietIntervalRecord } from '../gateway-core/telemetry/quiet-interval-record.js';
import { aggregateRecords, CORPUS_START, generateSimCorpus } from './anomaly-corpus.js';
import { writeSimCorpus } from './anomaly-corpus-cli.js';

function record(start: number, arrived: number, failed: number, latencies: number[]): IntervalRecord {
  const h = new LatencyHistogram();
  for (const l of latencies) h.record(l);
  const tags = {
    tenant: 't',
    model: 'm',
    instance: 'i',
    tier: 's',
    arm: 'control',
    policyVersion: 1,
  } as const;
  return {
    ...quietIntervalRecord(tags, start, 60_000),
    arrived,
    completed: arrived - failed,
    failed,
    latencyHistogram: h.toJSON(),
  };
}

test('aggregateRecords sums per minute, divides errors by arrivals and carries p99 over empty minutes', () => {
  const s = aggregateRecords(
    [record(0, 3, 1, [100]), record(0, 1, 0, [100]), record(120_000, 2, 2, [])],
    180_000,
  );
  assert.deepEqual(s.requests, [4, 0, 2]);
  assert.deepEqual(s.error_rate, [0.25, 0, 1]);
  assert.equal(s.latency_p99[1], s.latency_p99[0]);
  assert.equal(s.latency_p99[2], s.latency_p99[0]);
  assert.ok(Math.abs(s.latency_p99[0] - 100) <= 1);
});

test('a simulated run carries one labelled window per fault type on the metric it shows in', async () => {
  const series = await generateSimCorpus({ seed: 3, runs: 1, days: 2, meanRate: 0.5 });
  assert.deepEqual(
    series.map((s) => [s.metric, s.labels.map((l) => l.type).sort()]),
    [
      ['requests', ['flood']],
      ['latency_p99', ['drift', 'slowdown']],
      ['error_rate', ['error_burst', 'outage']],
    ],
  );
  assert.equal(series[0].times.length, 2 * 1440);
  assert.equal(series[0].times[0], CORPUS_START);
  // An outage fails every request that arrives in its full minutes.
  const errors = series[2];
  const outage = errors.labels.find((l) => l.type === 'outage')!;
  const inside = errors.times.flatMap((t, i) =>
    t >= outage.start + 60_000 && t + 60_000 <= outage.end ? [errors.values[i]] : [],
  );
  assert.ok(inside.length >= 4);
  for (const v of inside) assert.ok(v === 0 || v > 0.95, `error rate ${v} in an outage`);
  // Written and read back: the same windows as row indices.
  const dir = mkdtempSync(join(tmpdir(), 'sim-corpus-'));
  try {
    writeSimCorpus(dir, series);
    const cases = await readAnomalyCorpus(dir);
    assert.equal(cases.length, 3);
    const back = cases[2].labels.find((l) => l.type === 'outage')!;
    assert.equal(back.start, (outage.start - CORPUS_START) / 60_000);
    assert.equal(back.end, (outage.end - CORPUS_START) / 60_000);
    const nab = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, string[][]>;
    assert.equal(nab['run0_error_rate.csv'].length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
