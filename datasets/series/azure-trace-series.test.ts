import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AzureTraceAggregator } from './azure-trace-series.js';

function aggregate(lines: string[]) {
  const agg = new AzureTraceAggregator(10_000, 't.csv');
  for (const l of lines) agg.push(l);
  return agg.finish();
}

test('requests and tokens per 10 s, empty buckets are zeros', () => {
  const s = aggregate([
    'TIMESTAMP,ContextTokens,GeneratedTokens',
    '2023-11-16 18:15:46.6805900,374,44',
    '2023-11-16 18:15:49.9951690,396,109',
    '2023-11-16 18:16:11.0000000,10,5',
  ]);
  assert.equal(s.requests.start, Date.UTC(2023, 10, 16, 18, 15, 40));
  assert.deepEqual(Array.from(s.requests.values), [2, 0, 0, 1]);
  assert.deepEqual(Array.from(s.tokens.values), [923, 0, 0, 15]);
});

test('bad rows name their line', () => {
  const head = 'TIMESTAMP,ContextTokens,GeneratedTokens';
  assert.throws(() => aggregate([head, '2023-11-16 18:15:46,1,2', '2023-11-16 18:15:47,x,2']), {
    code: 'SLUICE_TRACE_INVALID',
    message: /t\.csv line 3: bad ContextTokens 'x'/,
  });
  assert.throws(() => aggregate([head, 'garbage,1,2']), { message: /line 2: bad timestamp/ });
  assert.throws(() => aggregate(['time,a,b']), { message: /line 1: expected header/ });
});
