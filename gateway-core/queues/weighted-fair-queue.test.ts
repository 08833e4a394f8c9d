import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRequestQueueConformance } from './request-queue.conformance.js';
import { WeightedFairQueue } from './weighted-fair-queue.js';

runRequestQueueConformance(
  'WeightedFairQueue',
  (maxDepth) => new WeightedFairQueue<number>({ a: 3, b: 1 }, maxDepth),
);

const keep = (): void => {};

/**
 * Keeps every class backlogged (refills the class just served) and counts what is served.
 * `costs` gives each class's item cost.
 */
function saturate(
  q: WeightedFairQueue<string>,
  costs: Record<string, number>,
  dequeues: number,
  backlog = 8,
): Record<string, number> {
  const served: Record<string, number> = {};
  for (const cls of Object.keys(costs)) {
    served[cls] = 0;
    for (let i = 0; i < backlog; i++) q.enqueue(cls, cls, Number.POSITIVE_INFINITY, costs[cls]);
  }
  for (let i = 0; i < dequeues; i++) {
    const cls = q.dequeue(i, keep)!;
    served[cls]++;
    q.enqueue(cls, cls, Number.POSITIVE_INFINITY, costs[cls]);
  }
  return served;
}

test('WFQ: weights 3:1 serve 3:1 under saturation (exact counts)', () => {
  const q = new WeightedFairQueue<string>({ a: 3, b: 1 });
  assert.deepEqual(saturate(q, { a: 1, b: 1 }, 4000), { a: 3000, b: 1000 });
});

test('WFQ: shares service (cost), not items: cost 2 vs 1 at equal weights serves 1:2 items', () => {
  const q = new WeightedFairQueue<string>({ a: 1, b: 1 });
  assert.deepEqual(saturate(q, { a: 2, b: 1 }, 3000), { a: 1000, b: 2000 });
});

test('WFQ: three classes 5:3:2 over 1000 dequeues', () => {
  const q = new WeightedFairQueue<string>({ a: 5, b: 3, c: 2 });
  assert.deepEqual(saturate(q, { a: 1, b: 1, c: 1 }, 1000), { a: 500, b: 300, c: 200 });
});

test('WFQ: the exact interleaving for weights 2:1', () => {
  const q = new WeightedFairQueue<string>({ a: 2, b: 1 });
  for (let i = 0; i < 4; i++) q.enqueue(`a${i}`, 'a', 100, 1);
  for (let i = 0; i < 2; i++) q.enqueue(`b${i}`, 'b', 100, 1);
  const out: string[] = [];
  for (let v = q.dequeue(0, keep); v !== undefined; v = q.dequeue(0, keep)) out.push(v);
  // Finish tags: a 0.5, 1, 1.5, 2; b 1, 2. Ties go to the head that arrived first (a).
  assert.deepEqual(out, ['a0', 'a1', 'b0', 'a2', 'a3', 'b1']);
});

test('WFQ: changing weights mid-run changes the share at once', () => {
  const q = new WeightedFairQueue<string>({ a: 3, b: 1 });
  assert.deepEqual(saturate(q, { a: 1, b: 1 }, 2000), { a: 1500, b: 500 });
  q.setWeights({ a: 1, b: 4 });
  const served = { a: 0, b: 0 };
  for (let i = 0; i < 2000; i++) {
    const cls = q.dequeue(i, keep) as 'a' | 'b';
    served[cls]++;
    q.enqueue(cls, cls, Number.POSITIVE_INFINITY, 1);
  }
  assert.deepEqual(served, { a: 400, b: 1600 });
});

test('WFQ: a class that was idle gets no credit for it (it starts level with virtual time)', () => {
  const q = new WeightedFairQueue<string>({ a: 1, b: 1 });
  for (let i = 0; i < 100; i++) q.enqueue('a', 'a', Number.POSITIVE_INFINITY, 1);
  for (let i = 0; i < 50; i++) q.dequeue(0, keep);
  assert.equal(q.virtualTimeNow, 49);
  for (let i = 0; i < 20; i++) q.enqueue('b', 'b', Number.POSITIVE_INFINITY, 1);
  const served = { a: 0, b: 0 };
  for (let i = 0; i < 20; i++) served[q.dequeue(0, keep) as 'a' | 'b']++;
  assert.deepEqual(served, { a: 10, b: 10 });
});

test('WFQ: an expired head forfeits no share; the next item takes its place', () => {
  const q = new WeightedFairQueue<string>({ a: 1, b: 1 });
  q.enqueue('a-dies', 'a', 5, 1);
  q.enqueue('a1', 'a', 100, 1);
  q.enqueue('b1', 'b', 100, 1);
  q.enqueue('b2', 'b', 100, 1);
  const gone: string[] = [];
  const out: string[] = [];
  for (let v = q.dequeue(10, (x) => gone.push(x)); v !== undefined; v = q.dequeue(10, keep)) out.push(v);
  assert.deepEqual(gone, ['a-dies']);
  // a1 is tagged F=1 as a's first served item, level with b1 and ahead of b2.
  assert.deepEqual(out, ['a1', 'b1', 'b2']);
});

test('WFQ: unknown classes get weight 1; bad weights throw', () => {
  const q = new WeightedFairQueue<string>({ a: 2 });
  assert.deepEqual(saturate(q, { a: 1, z: 1 }, 300), { a: 200, z: 100 });
  assert.throws(() => q.setWeights({ a: 0 }), RangeError);
  assert.throws(() => new WeightedFairQueue({ a: -1 }), RangeError);
});
