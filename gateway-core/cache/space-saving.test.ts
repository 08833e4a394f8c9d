import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpaceSaving } from './space-saving.js';

function table(s: SpaceSaving<number>): Record<string, [number, number, number | undefined]> {
  const out: Record<string, [number, number, number | undefined]> = {};
  for (const c of s.tracked()) out[c.key] = [c.count, c.error, s.exemplar(c.key)];
  return out;
}

test('SpaceSaving: exact while the keys fit; on overflow the least counted is replaced and its count becomes the error', () => {
  const s = new SpaceSaving(3);
  for (const k of ['a', 'b', 'a', 'c', 'a', 'b']) s.offer(k);
  assert.deepEqual(s.top(), [
    { key: 'a', count: 3, error: 0 },
    { key: 'b', count: 2, error: 0 },
    { key: 'c', count: 1, error: 0 },
  ]);
  // d displaces c (the minimum, 1): d = 1 + 1 with error 1.
  assert.equal(s.offer('d'), 'c');
  // e: the minimum is now b or d at 2; b was counted before d, so b goes (least recently counted).
  assert.equal(s.offer('e'), 'b');
  assert.deepEqual(s.top(), [
    { key: 'a', count: 3, error: 0 },
    { key: 'e', count: 3, error: 2 },
    { key: 'd', count: 2, error: 1 },
  ]);
  assert.equal(s.total, 8);
  // The guarantees: count - error <= true count <= count (true: a 3, d 1, e 1).
  for (const [key, truth] of [
    ['a', 3],
    ['d', 1],
    ['e', 1],
  ] as const) {
    const h = s.get(key);
    assert.ok(h !== undefined && h.count - h.error <= truth && truth <= h.count);
  }
  assert.throws(() => new SpaceSaving(0), RangeError);
});

test('SpaceSaving: a key more frequent than N / k is always tracked (a heavy hitter in a long tail)', () => {
  const s = new SpaceSaving(10);
  let n = 0;
  for (let i = 0; i < 1000; i++) {
    s.offer(`tail-${i}`);
    n++;
    if (i % 5 === 0) {
      s.offer('hot');
      n++;
    }
  }
  // hot: 200 of 1200 > 1200 / 10; counted exactly since it entered first and never left.
  assert.deepEqual(s.get('hot'), { key: 'hot', count: 200, error: 0 });
  assert.equal(s.total, n);
  assert.equal(s.size, 10);
});

test('with room for every key the counts are exact, and the exemplar is the last one seen', () => {
  const s = new SpaceSaving<number>(4);
  const stream = ['a', 'b', 'a', 'c', 'a', 'b'];
  stream.forEach((k, i) => {
    s.offer(k, i);
  });
  assert.deepEqual(table(s), { a: [3, 0, 4], b: [2, 0, 5], c: [1, 0, 3] });
  assert.equal(s.total, 6);
  assert.equal(s.size, 3);
});

test('a new key in a full sketch takes over the smallest counter, inheriting its count as error', () => {
  const s = new SpaceSaving<number>(2);
  // a a a b, then c: the sketch is full and b (count 1) is the smallest -> c: count 2, error 1.
  s.offer('a', 0);
  s.offer('a', 1);
  s.offer('a', 2);
  s.offer('b', 3);
  s.offer('c', 4);
  assert.deepEqual(table(s), { a: [3, 0, 2], c: [2, 1, 4] });
  s.offer('c', 5);
  s.offer('c', 6);
  // c (4) now outranks a (3): d takes over a's counter.
  s.offer('d', 7);
  assert.deepEqual(table(s), { c: [4, 1, 6], d: [4, 3, 7] });
  assert.equal(s.get('a'), undefined);
  assert.equal(s.total, 8);
});

test('the guarantees hold on a skewed stream: true count within [count - error, count], heavy keys kept', () => {
  const s = new SpaceSaving<number>(10);
  const truth = new Map<string, number>();
  // 1,000 items: key k0 every 4th, k1 every 8th, the rest a tail of 500 distinct keys.
  for (let i = 0; i < 1000; i++) {
    const k = i % 4 === 0 ? 'k0' : i % 8 === 1 ? 'k1' : `t${i % 500}`;
    truth.set(k, (truth.get(k) ?? 0) + 1);
    s.offer(k, i);
  }
  for (const c of s.tracked()) {
    const n = truth.get(c.key) ?? 0;
    assert.ok(c.count - c.error <= n && n <= c.count, `${c.key}: ${c.count - c.error} <= ${n} <= ${c.count}`);
  }
  // Every key above N / capacity = 100 occurrences is tracked: k0 (250) and k1 (125).
  assert.equal(s.get('k0')?.count, 250);
  assert.equal(s.get('k0')?.error, 0);
  const k1 = s.get('k1');
  assert.ok(k1 !== undefined && k1.count - k1.error <= 125 && k1.count >= 125);
  assert.equal(s.size, 10);
});

test('capacity must be a positive integer', () => {
  assert.throws(() => new SpaceSaving(0), /capacity/);
  assert.throws(() => new SpaceSaving(1.5), /capacity/);
});
