import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemandWindows } from './demand-windows.js';
import { ReplayBook, type ReplayRecord } from './replay-book.js';

test('DemandWindows: aligned windows, closed ones retained, the open one on request', () => {
  const w = new DemandWindows({ windowMs: 1000, k: 4, retain: 2 });
  w.record('a', 10_100);
  w.record('b', 10_200);
  w.record('a', 10_999);
  w.record('a', 11_000); // next window
  assert.deepEqual(w.windows(0, 11_500), [
    {
      start: 10_000,
      end: 11_000,
      closed: true,
      total: 3,
      keys: [
        { key: 'a', count: 2, error: 0 },
        { key: 'b', count: 1, error: 0 },
      ],
    },
  ]);
  assert.deepEqual(
    w.windows(10_500, 11_500, true).map((x) => [x.start, x.closed, x.total]),
    [[11_000, false, 1]],
  );
  // An idle stretch closes the open window; empty windows are not stored; only 2 are kept.
  w.record('c', 15_400);
  assert.deepEqual(
    w.windows(0, 20_000).map((x) => [x.start, x.total]),
    [
      [11_000, 1],
      [15_000, 1],
    ],
  );
});

const req = (bytes: number, apiKey = 'k'): ReplayRecord => ({
  endpoint: 'chat',
  body: Buffer.alloc(bytes),
  apiKey,
  task: undefined,
  ip: '127.0.0.1',
});

test('ReplayBook: least recently requested out first, within its byte and entry bounds', () => {
  const b = new ReplayBook({ maxBytes: 300, maxEntries: 3, maxEntryBytes: 150 });
  b.record('x', req(99)); // 100 bytes with the 1-byte key
  b.record('y', req(99));
  b.record('z', req(99));
  b.record('x', req(99)); // x requested again: y is now the oldest
  b.record('w', req(49));
  assert.deepEqual(
    ['w', 'x', 'y', 'z'].map((k) => b.has(k)),
    [true, true, false, true],
  );
  assert.equal(b.usedBytes, 250);
  b.record('big', req(151)); // over maxEntryBytes: not kept
  assert.equal(b.has('big'), false);
  b.record('x', req(200)); // too big now: x's older request goes too
  assert.equal(b.has('x'), false);
  assert.equal(b.usedBytes, 150);
});
