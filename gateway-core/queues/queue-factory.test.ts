import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestQueue } from './queue-factory.js';

const keep = (): void => {};

test('createRequestQueue builds each discipline with its depth, weights and priorities', () => {
  const fifo = createRequestQueue<string>({ discipline: 'fifo', maxDepth: 2 });
  assert.equal(fifo.discipline, 'fifo');
  assert.equal(fifo.maxDepth, 2);

  const prio = createRequestQueue<string>({ discipline: 'priority', priorities: { gold: 1 } });
  prio.enqueue('free', 'free', 10, 1);
  prio.enqueue('gold', 'gold', 10, 1);
  assert.equal(prio.dequeue(0, keep), 'gold');
  assert.equal(prio.maxDepth, Number.POSITIVE_INFINITY);

  const wfq = createRequestQueue<string>({ discipline: 'wfq', weights: { a: 1, b: 3 }, maxDepth: 100 });
  for (let i = 0; i < 4; i++) wfq.enqueue(`a${i}`, 'a', 10, 1);
  for (let i = 0; i < 4; i++) wfq.enqueue(`b${i}`, 'b', 10, 1);
  const out: string[] = [];
  for (let i = 0; i < 4; i++) out.push(wfq.dequeue(0, keep)!);
  // b's tags 1/3, 2/3, 1 against a's 1: three b's, then a0 (tie at 1 goes to the earlier arrival).
  assert.deepEqual(out, ['b0', 'b1', 'a0', 'b2']);
});
