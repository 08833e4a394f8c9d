import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeDemandSets } from './demand-series-cli.js';

test('the demand series the evaluation reads are, byte for byte, what the simulator workload writes', () => {
  const shipped = join('datasets', 'series', 'sim-demand');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-demand-'));
  writeDemandSets(dir);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, readdirSync(shipped).sort());
  for (const f of files)
    assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(shipped, f))), `${f} differs`);
});
