import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimRequest } from '../workloads/request-mix.js';
import { CacheDemand } from './cache-demand.js';

function req(key: string, n: number): SimRequest {
  return {
    id: `r${n}`,
    apiKey: 'k',
    model: 'chat',
    inputTokens: n,
    maxOutputTokens: 0,
    cacheKey: key,
    outputTokens: 1,
    tenantHint: 't',
  };
}

test('memory is bounded: counts and exemplars only for the intervals kept', () => {
  const d = new CacheDemand({ capacity: 2, retainIntervals: 2 });
  let n = 0;
  // Interval [0, 10 s): a x3, b x1. [10, 20 s): b x2. [20, 30 s): c x1, a x1, d x1 (sketch of 2).
  for (const k of ['a', 'a', 'b', 'a']) d.record(k, req(k, n++));
  d.close(10_000);
  for (const k of ['b', 'b']) d.record(k, req(k, n++));
  d.close(20_000);
  assert.deepEqual(Object.fromEntries(d.counts(0, 20_000)), { a: 3, b: 3 });
  for (const k of ['c', 'a', 'd']) d.record(k, req(k, n++));
  // Still open: counted nowhere yet, but its requests are the newest exemplars.
  assert.equal(d.exemplar('a')?.inputTokens, 7);
  d.close(30_000);
  // The first interval is gone. In the third, d took over c's counter (the heap's top of two
  // counts of 1): count 2, error 1, so its guaranteed count is 1.
  assert.deepEqual(Object.fromEntries(d.counts(20_000, 30_000)), { d: 1, a: 1 });
  assert.deepEqual(Object.fromEntries(d.counts(0, 20_000)), { b: 2 });
  assert.equal(d.exemplar('b')?.inputTokens, 5);
  // Nothing bound: nothing is known to be cached.
  assert.deepEqual([...d.cached()], []);
});

test('cached() asks the run whether each tracked key will still be fresh at now + lookahead', () => {
  const d = new CacheDemand();
  const asked: Array<[string, number]> = [];
  d.bind({
    now: () => 20_000,
    isWarm: (key, at) => {
      asked.push([key, at]);
      return key === 'hot';
    },
  });
  d.record('hot', req('hot', 0));
  d.record('cold', req('cold', 1));
  d.close(10_000);
  d.record('hot', req('hot', 2));
  d.close(20_000);
  assert.deepEqual([...d.cached()], ['hot']);
  // Each key once, at 20 s + 1.5 x the 10 s interval.
  assert.deepEqual(asked, [
    ['hot', 35_000],
    ['cold', 35_000],
  ]);
});
