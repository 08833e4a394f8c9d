import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAzureTraceSeries } from './azure-trace-series.js';
import { traceToSeries } from './trace-series.js';

const fixtures = join(process.cwd(), 'datasets', 'traces', 'fixtures');
const azure = join(
  process.cwd(),
  '..',
  'shared',
  'datasets',
  'azure-llm-2023',
  'AzureLLMInferenceTrace_conv.csv',
);

test('an Azure trace gives the same requests and tokens per bucket as the Azure loader', async (t) => {
  const file = join(fixtures, 'azure-small.csv');
  for (const path of [file, azure]) {
    if (path === azure && !existsSync(azure)) {
      t.diagnostic(`no ${azure}: the shipped fixture only`);
      continue;
    }
    const want = await readAzureTraceSeries(path, 10_000);
    const requests = await traceToSeries(path, 'requests', 10_000);
    const tokens = await traceToSeries(path, 'tokens', 10_000);
    assert.equal(requests.start, want.requests.start);
    assert.deepEqual(Array.from(requests.values), Array.from(want.requests.values));
    assert.deepEqual(Array.from(tokens.values), Array.from(want.tokens.values));
  }
});

test('BurstGPT (seconds from the start): buckets from the epoch, input and output apart, empty buckets 0', async () => {
  const file = join(fixtures, 'burstgpt-small.csv');
  const input = await traceToSeries(file, 'input-tokens', 60_000);
  const output = await traceToSeries(file, 'output-tokens', 60_000);
  const requests = await traceToSeries(file, 'requests', 60_000);
  assert.equal(requests.start, 0);
  assert.equal(requests.stepMs, 60_000);
  // Rows at 5 s and 45 s share the first minute.
  assert.equal(requests.values[0], 2);
  assert.equal(input.values[0], 472 + 1087);
  assert.equal(output.values[0], 18 + 230);
  assert.deepEqual(Array.from(requests.values), [2, 1]); // the row at 118 s is in the second minute
});

test('a bad row names its line; a zero bucket is refused', async () => {
  await assert.rejects(traceToSeries(join(fixtures, 'azure-bad-row.csv'), 'tokens', 10_000), {
    code: 'SLUICE_TRACE_INVALID',
    message: /azure-bad-row\.csv:3/,
  });
  await assert.rejects(traceToSeries(join(fixtures, 'azure-small.csv'), 'requests', 0), {
    code: 'SLUICE_CONFIG_INVALID',
  });
});
