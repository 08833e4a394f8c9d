import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PriorityQueue } from './priority-queue.js';
import { runRequestQueueConformance } from './request-queue.conformance.js';

runRequestQueueConformance(
  'PriorityQueue',
  (maxDepth) => new PriorityQueue<number>({ a: 2, b: 1 }, maxDepth),
);

const keep = (): void => {};

function drain<T>(q: PriorityQueue<T>, now = 0): T[] {
  const out: T[] = [];
  for (let v = q.dequeue(now, keep); v !== undefined; v = q.dequeue(now, keep)) out.push(v);
  return out;
}

test('PriorityQueue: higher priority first, FIFO within a class, unknown classes at 0', () => {
  const q = new PriorityQueue<string>({ gold: 2, silver: 1 });
  q.enqueue('b1', 'bronze', 100, 1);
  q.enqueue('s1', 'silver', 100, 1);
  q.enqueue('g1', 'gold', 100, 1);
  q.enqueue('b2', 'bronze', 100, 1);
  q.enqueue('g2', 'gold', 100, 1);
  q.enqueue('s2', 'silver', 100, 1);
  assert.deepEqual(drain(q), ['g1', 'g2', 's1', 's2', 'b1', 'b2']);
});

test('PriorityQueue: classes of equal priority share one arrival order', () => {
  const q = new PriorityQueue<string>({ x: 1, y: 1 });
  q.enqueue('x1', 'x', 100, 1);
  q.enqueue('y1', 'y', 100, 1);
  q.enqueue('x2', 'x', 100, 1);
  q.enqueue('y2', 'y', 100, 1);
  assert.deepEqual(drain(q), ['x1', 'y1', 'x2', 'y2']);
});

test('PriorityQueue: a lower class starves while a higher one has items', () => {
  const q = new PriorityQueue<string>({ high: 5, low: 0 });
  for (let i = 0; i < 10; i++) q.enqueue('low', 'low', 1e9, 1);
  q.enqueue('high', 'high', 1e9, 1);
  let lowServed = 0;
  for (let i = 0; i < 1000; i++) {
    const v = q.dequeue(i, keep);
    if (v === 'low') lowServed++;
    q.enqueue('high', 'high', 1e9, 1); // the high class never runs dry
  }
  assert.equal(lowServed, 0);
  // Once the high class stops arriving, the low class gets its turn.
  assert.equal(q.dequeue(2000, keep), 'high');
  assert.equal(q.dequeue(2000, keep), 'low');
});

test('PriorityQueue: setWeights reorders items already waiting', () => {
  const q = new PriorityQueue<string>({ a: 2, b: 1 });
  q.enqueue('a1', 'a', 100, 1);
  q.enqueue('b1', 'b', 100, 1);
  q.enqueue('a2', 'a', 100, 1);
  q.setWeights({ a: 1, b: 3 });
  assert.deepEqual(drain(q), ['b1', 'a1', 'a2']);
});

test('PriorityQueue: always serves the highest-priority, earliest waiting item (model, property)', () => {
  const prio: Record<string, number> = { a: 3, b: 1, c: 1 };
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({ cls: fc.constantFrom('a', 'b', 'c'), ttl: fc.integer({ min: 1, max: 30 }) }),
          fc.integer({ min: 0, max: 10 }),
        ),
        { maxLength: 100 },
      ),
      (ops) => {
        const q = new PriorityQueue<number>(prio);
        const waiting: { id: number; cls: string; deadline: number }[] = [];
        let now = 0;
        let id = 0;
        for (const op of ops) {
          if (typeof op === 'number') {
            now += op;
            const got = q.dequeue(now, keep);
            const live = waiting.filter((w) => w.deadline > now);
            live.sort((x, y) => prio[y.cls] - prio[x.cls] || x.id - y.id);
            assert.equal(got, live[0]?.id);
            waiting.length = 0;
            waiting.push(...live.slice(1));
          } else {
            q.enqueue(id, op.cls, now + op.ttl, 1);
            waiting.push({ id: id++, cls: op.cls, deadline: now + op.ttl });
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});
