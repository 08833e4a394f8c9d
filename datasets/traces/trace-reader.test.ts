import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { detectLayout, parseAzureTimestamp, parseColumnMap, splitCsvLine } from './trace-format.js';
import { readTrace, type TraceRow } from './trace-reader.js';

/** Fixtures live beside the sources (tests also run from dist/, which has no copies). */
function fixture(name: string): string {
  for (const rel of ['./fixtures/', '../../../datasets/traces/fixtures/']) {
    const p = fileURLToPath(new URL(rel + name, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`fixture ${name} not found`);
}

const AZURE_DIR = '/work/shared/datasets/azure-llm-2023';

async function all(path: string, columns?: Parameters<typeof readTrace>[1]): Promise<TraceRow[]> {
  const rows: TraceRow[] = [];
  for await (const r of readTrace(path, columns)) rows.push(r);
  return rows;
}

test('Azure timestamps keep sub-millisecond digits', () => {
  const d =
    parseAzureTimestamp('2023-11-16 18:15:46.6805900') - parseAzureTimestamp('2023-11-16 18:15:46.0000000');
  assert.equal(Math.round(d * 1000) / 1000, 680.59);
  assert.ok(Number.isNaN(parseAzureTimestamp('yesterday')));
});

test('CSV lines with quotes split correctly', () => {
  assert.deepEqual(splitCsvLine('a,"b,c",d'), ['a', 'b,c', 'd']);
  assert.deepEqual(splitCsvLine('"x ""y""",2'), ['x "y"', '2']);
});

test('reads the Azure format with times from the first row', async () => {
  const rows = await all(fixture('azure-small.csv'));
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map((r) => [Math.round(r.timeMs * 1000) / 1000, r.input, r.output, r.line]),
    [
      [0, 374, 44, 2],
      [4314.579, 396, 109, 3],
      [4319.41, 879, 55, 4],
    ],
  );
});

test('reads the BurstGPT format (seconds, model column)', async () => {
  const rows = await all(fixture('burstgpt-small.csv'));
  assert.deepEqual(
    rows.map((r) => [r.timeMs, r.input, r.output, r.model]),
    [
      [0, 472, 18, 'ChatGPT'],
      [40_000, 1087, 230, 'ChatGPT'],
      [113_000, 417, 276, 'GPT-4'],
    ],
  );
});

test('reads a generic CSV through a column map (ISO-8601 times, tenant column)', async () => {
  const columns = parseColumnMap('time=ts,input=prompt_tokens,output=completion_tokens,tenant=customer');
  const rows = await all(fixture('generic-iso.csv'), { columns });
  assert.deepEqual(
    rows.map((r) => [r.timeMs, r.input, r.output, r.tenant]),
    [
      [0, 100, 20, 'acme'],
      [1500, 200, 40, 'globex'],
      [3000, 300, 60, 'acme'],
    ],
  );
});

test('an unknown header names the columns found and --trace-columns', async () => {
  await assert.rejects(all(fixture('generic-iso.csv')), (e: Error) => {
    assert.match(e.message, /ts, prompt_tokens, completion_tokens, customer/);
    assert.match(e.message, /--trace-columns/);
    return true;
  });
  assert.throws(() => detectLayout(['a', 'b'], { time: 'a', input: 'b', output: 'c' }), /names column "c"/);
  assert.throws(() => parseColumnMap('time=a,input=b'), /missing output=COLUMN/);
});

test('a bad row names its line number', async () => {
  await assert.rejects(all(fixture('azure-bad-row.csv')), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'SLUICE_TRACE_INVALID');
    assert.match(e.message, /azure-bad-row\.csv:3: input tokens must be a non-negative number, got "abc"/);
    return true;
  });
});

test('a missing file is a clear error', async () => {
  await assert.rejects(all('/nonexistent/trace.csv'), /no such file/);
});

test('streams the real Azure traces: row counts and span match their README', async () => {
  const code = await all(`${AZURE_DIR}/AzureLLMInferenceTrace_code.csv`);
  assert.equal(code.length, 8819);
  assert.equal(Math.round(code[code.length - 1].timeMs / 100) / 10, 3435.9);
  let conv = 0;
  let last = 0;
  let maxOut = 0;
  for await (const r of readTrace(`${AZURE_DIR}/AzureLLMInferenceTrace_conv.csv`)) {
    conv++;
    last = r.timeMs;
    if (r.output > maxOut) maxOut = r.output;
  }
  assert.equal(conv, 19366);
  assert.equal(Math.round(last / 100) / 10, 3501.7);
  assert.equal(maxOut, 1000);
});
