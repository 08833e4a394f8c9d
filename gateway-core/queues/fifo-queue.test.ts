import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FifoQueue } from './fifo-queue.js';
import { runRequestQueueConformance } from './request-queue.conformance.js';

runRequestQueueConformance('FifoQueue', (maxDepth) => new FifoQueue<number>(maxDepth));

test('FifoQueue: ignores class and cost, serves strictly by arrival', () => {
  const q = new FifoQueue<string>();
  q.enqueue('x', 'premium', 100, 50);
  q.enqueue('y', 'free', 100, 1);
  q.enqueue('z', 'premium', 100, 1);
  q.setWeights({ premium: 10 });
  const out = [q.dequeue(0, () => {}), q.dequeue(0, () => {}), q.dequeue(0, () => {})];
  assert.deepEqual(out, ['x', 'y', 'z']);
  assert.equal(q.discipline, 'fifo');
});
