import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateAnomalyCorpus, writeAnomalyCorpus } from './anomaly-corpus.js';
import { parseSeriesCsv } from './series-csv.js';

test('each kind gets its faults after a clean first day, windows apart; files round-trip', () => {
  const cases = generateAnomalyCorpus({ seed: 3, perKind: 1, days: 3, faultsPerSeries: 2 });
  assert.deepEqual(
    cases.map((c) => c.name),
    ['requests_0', 'latency_p99_0', 'error_rate_0'],
  );
  for (const c of cases) {
    assert.equal(c.series.values.length, 3 * 1440);
    assert.equal(c.labels.length, 2);
    assert.ok(c.labels[0].start >= 1440);
    assert.ok(c.labels[0].end <= c.labels[1].start);
  }
  const err = cases[2];
  const inside = err.series.values[err.labels[0].start];
  assert.ok(inside > 0.04, `error burst adds at least 5 points, got ${inside}`);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-corpus-'));
  writeAnomalyCorpus(dir, cases);
  const back = parseSeriesCsv(readFileSync(join(dir, 'requests_0.csv'), 'utf8'));
  assert.equal(back.values.length, 3 * 1440);
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, string[][]>;
  assert.equal(labels['requests_0.csv'].length, 2);
});
