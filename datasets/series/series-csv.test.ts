import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { splitCsvLine } from '../traces/trace-format.js';
import { parseSeriesCsv, readSeriesCsv } from './series-csv.js';

test('reads timestamp,value in any column order, ignoring extra columns and CRLF', () => {
  const s = parseSeriesCsv(
    'host,value,timestamp\r\na,1.5,2014-04-01 00:00:00\r\nb,2,2014-04-01 00:05:00\r\n',
  );
  assert.deepEqual(s.values, [1.5, 2]);
  assert.deepEqual(s.times, [Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1, 0, 5)]);
  assert.deepEqual(s.stamps, ['2014-04-01 00:00:00', '2014-04-01 00:05:00']);
});

test('epoch seconds are accepted', () => {
  const s = parseSeriesCsv('timestamp,value\n1396310400,3\n');
  assert.deepEqual(s.times, [Date.UTC(2014, 3, 1)]);
});

test('a bad row is an error naming its line', () => {
  assert.throws(() => parseSeriesCsv('timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:01:00,abc\n'), {
    code: 'SLUICE_TRACE_INVALID',
    message: /line 3: bad value 'abc'/,
  });
  assert.throws(() => parseSeriesCsv('timestamp,value\nnot-a-time,1\n'), {
    message: /line 2: bad timestamp/,
  });
  assert.throws(() => parseSeriesCsv('time,val\n1,2\n'), { message: /line 1: header must name/ });
  assert.throws(() => parseSeriesCsv(''), { message: /header .* is required/ });
});

test('streams a file line by line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-series-'));
  const path = join(dir, 's.csv');
  writeFileSync(path, 'timestamp,value\n2014-04-01T00:00:00Z,4\n2014-04-01T00:01:00Z,5\n');
  const s = await readSeriesCsv(path);
  assert.deepEqual(s.values, [4, 5]);
  writeFileSync(path, 'timestamp,value\n2014-04-01T00:00:00Z,4\n2014-04-01T00:01:00Z\n');
  await assert.rejects(readSeriesCsv(path), { message: /s\.csv line 3/ });
});

test('missing values (empty, NaN, NA, null, None) are NaN, not errors; Infinity still is one', () => {
  const s = parseSeriesCsv(
    'timestamp,value\n1396310400,1\n1396310460,\n1396310520,NaN\n1396310580,NA\n1396310640,null\n1396310700,None\n1396310760,7\n',
  );
  assert.equal(s.values.length, 7);
  assert.deepEqual(
    s.values.map((v) => (Number.isNaN(v) ? 'missing' : v)),
    [1, 'missing', 'missing', 'missing', 'missing', 'missing', 7],
  );
  assert.throws(() => parseSeriesCsv('timestamp,value\n1396310400,Infinity\n'), {
    message: /line 2: bad value 'Infinity' \(a number; a missing one may be empty, NaN, NA or null\)/,
  });
});

test('cells in double quotes (as spreadsheets write them): commas and doubled quotes inside are kept', () => {
  const s = parseSeriesCsv(
    '"timestamp","value","note"\n"2014-04-01 00:00:00","1.5","a, b"\n"2014-04-01 00:05:00",2,"say ""hi"""\n',
  );
  assert.deepEqual(s.values, [1.5, 2]);
  assert.deepEqual(s.stamps, ['2014-04-01 00:00:00', '2014-04-01 00:05:00']);
  assert.deepEqual(splitCsvLine('"a, b",c,"d ""e"""'), ['a, b', 'c', 'd "e"']);
  assert.deepEqual(splitCsvLine('plain,cells'), ['plain', 'cells']);
});
