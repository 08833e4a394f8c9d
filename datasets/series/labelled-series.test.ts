import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateAnomalyCorpus, writeAnomalyCorpus } from './anomaly-corpus.js';
import { readLabelledSeries } from './labelled-series.js';

test('labelled series: windows cover the rows whose times lie in them, as recorded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-labelled-'));
  mkdirSync(join(dir, 'data', 'machine'), { recursive: true });
  // Irregular rows, one out of order, one without a value (left out).
  writeFileSync(
    join(dir, 'data', 'machine', 'cpu.csv'),
    [
      'timestamp,value,label',
      '2014-01-01 00:00:00,1,0',
      '2014-01-01 00:05:00,2,0',
      '2014-01-01 00:17:00,3,0',
      '2014-01-01 00:10:00,4,0',
      '2014-01-01 00:20:00,,0',
      '2014-01-01 00:26:00,5,0',
      '2014-01-01 00:30:00,6,0',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'labels.json'),
    JSON.stringify({
      'machine/cpu.csv': [
        ['2014-01-01 00:10:00.000000', '2014-01-01 00:20:00.000000'],
        ['2014-01-01 00:27:00', '2014-01-01 00:29:00'],
      ],
      'machine/absent.csv': [],
    }),
  );
  const { cases, missing } = await readLabelledSeries(join(dir, 'labels.json'), join(dir, 'data'));
  assert.deepEqual(missing, ['machine/absent.csv']);
  assert.equal(cases.length, 1);
  // File order, as `sluice detect` scores it: the row stamped 00:10 comes after 00:17 and is
  // taken one step after it (6 minutes: the median of the forward steps 5, 12, 10, 6, 4 between
  // all seven rows, the one without a value too); later rows move by the same 13 minutes.
  assert.deepEqual([...cases[0].values], [1, 2, 3, 4, 5, 6]);
  const minute = 60_000;
  const t0 = Date.UTC(2014, 0, 1);
  assert.deepEqual(
    [...cases[0].times].map((t) => (t - t0) / minute),
    [0, 5, 17, 23, 39, 43],
  );
  // Rows stamped 00:17 and 00:10 (indices 2, 3); the second window holds no row and is dropped.
  assert.deepEqual(cases[0].labels, [{ start: 2, end: 4, type: 'labelled' }]);
  await assert.rejects(readLabelledSeries(join(dir, 'labels.json')), /none of its 2 files.*--labelled-data/);
});

test('labelled series: a generated corpus written as files reads back with the same windows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-labelled-'));
  const corpus = generateAnomalyCorpus({ seed: 7, perKind: 1, days: 2, faultsPerSeries: 2 });
  writeAnomalyCorpus(dir, corpus);
  const { cases } = await readLabelledSeries(join(dir, 'labels.json'));
  assert.equal(cases.length, corpus.length);
  for (const [k, c] of corpus.entries()) {
    assert.equal(cases[k].name, `${c.name}.csv`);
    assert.deepEqual(
      cases[k].labels.map((l) => [l.start, l.end]),
      c.labels.map((l) => [l.start, l.end]),
    );
  }
});

test('labelled series: a malformed window names the file and the expected shape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-labelled-'));
  writeFileSync(join(dir, 'labels.json'), JSON.stringify({ 'a.csv': [['2014-01-01', 'soon']] }));
  await assert.rejects(
    readLabelledSeries(join(dir, 'labels.json')),
    /"a.csv" has a window that is not two timestamps.*combined_windows.json shape/,
  );
  writeFileSync(join(dir, 'labels.json'), '{"a.csv": [');
  await assert.rejects(readLabelledSeries(join(dir, 'labels.json')), /not JSON/);
  await assert.rejects(readLabelledSeries(join(dir, 'nope.json')), /nope.json: no such file/);
});
