import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDemandFiles } from './demand-files.js';

test('demand files: each series on its grid with its expected values; a missing manifest or a short expected file is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-demand-files-'));
  await assert.rejects(
    readDemandFiles(dir),
    /demand\.json: no such file \(write it with node dist\/simulator\/demand-series-cli\.js/,
  );
  const manifest = { rateRps: 2, series: [{ file: 'a.csv', expected: 'a.expected.csv', stepMs: 60_000 }] };
  writeFileSync(join(dir, 'demand.json'), JSON.stringify(manifest));
  writeFileSync(
    join(dir, 'a.csv'),
    'timestamp,value\n2024-01-01 00:00:00,3\n2024-01-01 00:01:00,5\n2024-01-01 00:02:00,4\n',
  );
  writeFileSync(
    join(dir, 'a.expected.csv'),
    'timestamp,value\n2024-01-01 00:00:00,3.5\n2024-01-01 00:01:00,4.25\n2024-01-01 00:02:00,4\n',
  );
  const [a] = await readDemandFiles(dir);
  assert.equal(a.name, 'a');
  assert.equal(a.rateRps, 2);
  assert.deepEqual([...a.series.values], [3, 5, 4]);
  assert.deepEqual([...a.expected], [3.5, 4.25, 4]);
  writeFileSync(
    join(dir, 'a.expected.csv'),
    'timestamp,value\n2024-01-01 00:00:00,3.5\n2024-01-01 00:01:00,4.25\n',
  );
  await assert.rejects(readDemandFiles(dir), /a\.expected\.csv: does not cover the same grid as a\.csv/);
});
