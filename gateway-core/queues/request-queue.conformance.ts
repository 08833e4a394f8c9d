/**
 * The behaviour every RequestQueue discipline shares. Each discipline's test file calls
 * `runRequestQueueConformance` with a factory; discipline-specific order is tested there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { InstrumentedQueue } from './deadline-queue.js';

export type QueueMaker = (maxDepth?: number) => InstrumentedQueue<number>;

const never = (item: number): void => {
  throw new Error(`unexpected expiry of ${item}`);
};

export function runRequestQueueConformance(name: string, make: QueueMaker): void {
  test(`${name}: an empty queue has nothing to serve and no deadline`, () => {
    const q = make();
    assert.equal(q.size, 0);
    assert.equal(q.dequeue(0, never), undefined);
    assert.equal(q.nextDeadline(), Number.POSITIVE_INFINITY);
    assert.equal(q.expire(1e12, never), 0);
  });

  test(`${name}: one class with equal costs is served in arrival order`, () => {
    const q = make();
    for (let i = 0; i < 5; i++) assert.equal(q.enqueue(i, 'a', 1000, 1), true);
    assert.equal(q.size, 5);
    const out: number[] = [];
    for (let v = q.dequeue(0, never); v !== undefined; v = q.dequeue(0, never)) out.push(v);
    assert.deepEqual(out, [0, 1, 2, 3, 4]);
    assert.equal(q.size, 0);
  });

  test(`${name}: enqueue refuses past maxDepth and counts the refusals`, () => {
    const q = make(3);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((i) => q.enqueue(i, i % 2 ? 'a' : 'b', 100, 1)),
      [true, true, true, false, false],
    );
    assert.equal(q.size, 3);
    q.dequeue(0, never);
    assert.equal(q.enqueue(6, 'a', 100, 1), true);
    assert.equal(q.enqueue(7, 'a', 100, 1), false);
    assert.deepEqual(q.stats(), { size: 3, maxDepth: 3, enqueued: 4, dequeued: 1, rejected: 3, expired: 0 });
  });

  test(`${name}: an item expires exactly at its deadline, not before`, () => {
    const q = make();
    q.enqueue(1, 'a', 100, 1);
    q.enqueue(2, 'b', 250, 1);
    assert.equal(q.nextDeadline(), 100);
    const gone: number[] = [];
    assert.equal(
      q.expire(99.999, (i) => gone.push(i)),
      0,
    );
    assert.equal(
      q.expire(100, (i) => gone.push(i)),
      1,
    );
    assert.deepEqual(gone, [1]);
    assert.equal(q.nextDeadline(), 250);
    assert.equal(q.size, 1);
    assert.equal(q.stats().expired, 1);
  });

  test(`${name}: dequeue drops expired items through the callback, then serves`, () => {
    const q = make();
    q.enqueue(1, 'a', 50, 1);
    q.enqueue(2, 'a', 40, 1);
    q.enqueue(3, 'a', 500, 1);
    const gone: number[] = [];
    assert.equal(
      q.dequeue(60, (i) => gone.push(i)),
      3,
    );
    // Reported in deadline order.
    assert.deepEqual(gone, [2, 1]);
    assert.equal(q.size, 0);
    assert.deepEqual(q.stats(), {
      size: 0,
      maxDepth: Number.POSITIVE_INFINITY,
      enqueued: 3,
      dequeued: 1,
      rejected: 0,
      expired: 2,
    });
  });

  test(`${name}: expiring an item in the middle keeps the others in order`, () => {
    const q = make();
    q.enqueue(1, 'a', 1000, 1);
    q.enqueue(2, 'a', 10, 1);
    q.enqueue(3, 'a', 1000, 1);
    assert.equal(
      q.expire(10, () => {}),
      1,
    );
    assert.equal(q.dequeue(20, never), 1);
    assert.equal(q.dequeue(20, never), 3);
  });

  test(`${name}: the expiry callback may re-enter the queue`, () => {
    const q = make(2);
    q.enqueue(1, 'a', 10, 1);
    q.enqueue(2, 'a', 20, 1);
    const gone: number[] = [];
    q.expire(15, (i) => {
      gone.push(i);
      assert.equal(q.enqueue(i + 100, 'a', 1000, 1), true);
    });
    assert.deepEqual(gone, [1]);
    assert.equal(q.size, 2);
    assert.equal(q.dequeue(15, never), 2);
    assert.equal(q.dequeue(15, never), 101);
  });

  test(`${name}: setMaxDepth retunes the bound without dropping items`, () => {
    const q = make(4);
    for (let i = 0; i < 4; i++) q.enqueue(i, 'a', 100, 1);
    q.setMaxDepth(2);
    assert.equal(q.size, 4);
    assert.equal(q.enqueue(9, 'a', 100, 1), false);
    q.dequeue(0, never);
    q.dequeue(0, never);
    q.dequeue(0, never);
    assert.equal(q.enqueue(9, 'a', 100, 1), true);
  });

  test(`${name}: bad deadline or cost is a bug and throws`, () => {
    const q = make();
    assert.throws(() => q.enqueue(1, 'a', Number.NaN, 1), RangeError);
    assert.throws(() => q.enqueue(1, 'a', 1, -1), RangeError);
    assert.throws(() => make(0), RangeError);
  });

  // Model-based: the real queue against a model that only knows which items are waiting.
  type Op =
    | { kind: 'enqueue'; cls: string; ttl: number; cost: number }
    | { kind: 'dequeue' }
    | { kind: 'expire' }
    | { kind: 'advance'; ms: number }
    | { kind: 'weights'; a: number; b: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('enqueue' as const),
        cls: fc.constantFrom('a', 'b', 'c'),
        ttl: fc.integer({ min: 0, max: 50 }),
        cost: fc.integer({ min: 0, max: 5 }),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ kind: 'dequeue' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('weights' as const),
        a: fc.integer({ min: 1, max: 5 }),
        b: fc.integer({ min: 1, max: 5 }),
      }),
    },
  );

  test(`${name}: never holds more than maxDepth; every item leaves exactly once (property)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(opArb, { maxLength: 120 }), (maxDepth, ops) => {
        const q = make(maxDepth);
        const deadlineOf = new Map<number, number>();
        const waiting = new Set<number>();
        const left = new Set<number>();
        let now = 0;
        let next = 0;
        const onExpired = (item: number): void => {
          assert.ok(waiting.delete(item), `item ${item} expired but was not waiting`);
          assert.ok(!left.has(item), `item ${item} left twice`);
          assert.ok(deadlineOf.get(item)! <= now, `item ${item} expired before its deadline`);
          left.add(item);
        };
        for (const op of ops) {
          if (op.kind === 'enqueue') {
            const id = next++;
            const ok = q.enqueue(id, op.cls, now + op.ttl, op.cost);
            assert.equal(ok, waiting.size < maxDepth);
            if (ok) {
              waiting.add(id);
              deadlineOf.set(id, now + op.ttl);
            }
          } else if (op.kind === 'dequeue') {
            const item = q.dequeue(now, onExpired);
            for (const w of waiting) assert.ok(deadlineOf.get(w)! > now, 'dequeue left an expired item');
            if (item === undefined) {
              assert.equal(waiting.size, 0);
            } else {
              assert.ok(waiting.delete(item), `item ${item} served but was not waiting`);
              assert.ok(deadlineOf.get(item)! > now, `item ${item} served after its deadline`);
              left.add(item);
            }
          } else if (op.kind === 'expire') {
            q.expire(now, onExpired);
            for (const w of waiting) assert.ok(deadlineOf.get(w)! > now, 'expire left an expired item');
          } else if (op.kind === 'advance') {
            now += op.ms;
          } else {
            q.setWeights({ a: op.a, b: op.b });
          }
          assert.equal(q.size, waiting.size);
          assert.ok(q.size <= maxDepth);
          let earliest = Number.POSITIVE_INFINITY;
          for (const w of waiting) earliest = Math.min(earliest, deadlineOf.get(w)!);
          assert.equal(q.nextDeadline(), earliest);
        }
        // Drain: whatever waits is served or expires, once.
        now += 1000;
        q.expire(now, onExpired);
        assert.equal(waiting.size, 0);
        assert.equal(left.size, deadlineOf.size);
        const s = q.stats();
        assert.equal(s.dequeued + s.expired, left.size);
        assert.equal(s.enqueued, deadlineOf.size);
      }),
      { numRuns: 300 },
    );
  });
}
