import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type EvictionPolicy, ResponseCache } from './response-cache.js';

test('ResponseCache LRU: evicts the least recently used, in exact order', () => {
  const c = new ResponseCache<string>({ maxBytes: 30, ttlMs: 1e9, eviction: 'lru' });
  for (const k of ['a', 'b', 'c']) c.set(k, k.toUpperCase(), 10, 0);
  assert.equal(c.get('a', 1), 'A'); // order by last use: b, c, a
  c.set('d', 'D', 10, 2); // evicts b
  assert.equal(c.has('b', 2), false);
  c.get('c', 3); // order: a, d, c
  c.set('e', 'E', 20, 4); // evicts a, then d
  assert.deepEqual(
    ['a', 'b', 'c', 'd', 'e'].map((k) => c.has(k, 4)),
    [false, false, true, false, true],
  );
  assert.deepEqual(c.stats(), {
    hits: 2,
    misses: 0,
    evictions: 3,
    expirations: 0,
    bytes: 30,
    entries: 2,
    hitRatio: 1,
  });
});

test('ResponseCache LFU: evicts the least used, the least recent among equals', () => {
  const c = new ResponseCache<number>({ maxBytes: 3, ttlMs: 1e9, eviction: 'lfu' });
  c.set('a', 1, 1, 0);
  c.set('b', 2, 1, 0);
  c.set('c', 3, 1, 0);
  c.get('a', 1);
  c.get('a', 1);
  c.get('b', 2);
  c.get('c', 3); // counts: a 3, b 2, c 2 (c reached 2 after b)
  c.set('d', 4, 1, 4); // evicts b (count 2, older at that count than c)
  assert.equal(c.has('b', 4), false);
  c.set('e', 5, 1, 5); // d has count 1: evicted
  assert.equal(c.has('d', 5), false);
  c.set('f', 6, 1, 6); // e count 1: evicted
  assert.deepEqual(
    ['a', 'c', 'e', 'f'].map((k) => c.has(k, 6)),
    [true, true, false, true],
  );
  assert.equal(c.stats().evictions, 3);
});

test('ResponseCache: an entry expires exactly at stored time + ttl', () => {
  const c = new ResponseCache<string>({ maxBytes: 100, ttlMs: 1000, eviction: 'lru' });
  c.set('k', 'v', 10, 500);
  assert.equal(c.get('k', 1499.999), 'v');
  assert.equal(c.get('k', 1500), undefined);
  assert.deepEqual(c.stats(), {
    hits: 1,
    misses: 1,
    evictions: 0,
    expirations: 1,
    bytes: 0,
    entries: 0,
    hitRatio: 0.5,
  });
});

test('ResponseCache: expired entries make room before any live entry is evicted', () => {
  const c = new ResponseCache<string>({ maxBytes: 30, ttlMs: 100, eviction: 'lru' });
  c.set('old1', 'x', 10, 0);
  c.set('old2', 'x', 10, 0);
  c.set('live', 'x', 10, 50);
  c.get('old1', 60); // recently used, but it will be expired by t = 100
  c.set('new', 'x', 20, 100);
  assert.equal(c.has('live', 100), true);
  assert.equal(c.has('new', 100), true);
  assert.deepEqual([c.stats().expirations, c.stats().evictions], [2, 0]);
  assert.equal(c.purge(150), 1); // live expires at 150
});

test('ResponseCache: oversize, replace, delete, prewarm, reconfigure', () => {
  const c = new ResponseCache<string>({ maxBytes: 100, ttlMs: 1000, eviction: 'lfu', maxEntries: 3 });
  assert.equal(c.set('huge', 'x', 101, 0), false);
  assert.equal(c.set('k', 'v1', 40, 0), true);
  assert.equal(c.set('k', 'v2', 50, 10), true);
  assert.equal(c.get('k', 1005), 'v2'); // replaced at 10: expires at 1010
  assert.deepEqual([c.stats().bytes, c.size], [50, 1]);
  assert.equal(c.delete('k'), true);
  assert.equal(c.delete('k'), false);
  const stored = c.prewarm(
    [
      { key: 'p1', value: 'a', bytes: 10 },
      { key: 'p2', value: 'b', bytes: 10 },
      { key: 'p3', value: 'c', bytes: 10 },
      { key: 'p4', value: 'd', bytes: 500 },
      { key: 'p5', value: 'e', bytes: 10 },
    ],
    20,
  );
  assert.equal(stored, 4);
  // maxEntries 3: p5 displaced p1.
  assert.deepEqual(
    ['p1', 'p2', 'p3', 'p5'].map((k) => c.has(k, 20)),
    [false, true, true, true],
  );
  c.get('p3', 21);
  c.reconfigure({ maxBytes: 10 });
  assert.deepEqual(
    ['p2', 'p3', 'p5'].map((k) => c.has(k, 21)),
    [false, true, false],
  );
  assert.throws(() => new ResponseCache({ maxBytes: 0, ttlMs: 1, eviction: 'lru' }), RangeError);
  assert.throws(() => c.set('x', 'y', -1, 0), RangeError);
});

/** A deliberately simple cache (arrays, linear scans) with the same rules, to check against. */
class ModelCache {
  entries: { key: string; bytes: number; expiresAt: number; freq: number; used: number; stored: number }[] =
    [];
  clock = 0;
  constructor(
    readonly maxBytes: number,
    readonly ttl: number,
    readonly policy: EvictionPolicy,
  ) {}
  bytes(): number {
    return this.entries.reduce((s, e) => s + e.bytes, 0);
  }
  get(key: string, now: number): boolean {
    const e = this.entries.find((x) => x.key === key);
    if (!e) return false;
    if (now >= e.expiresAt) {
      this.entries = this.entries.filter((x) => x !== e);
      return false;
    }
    e.freq++;
    e.used = ++this.clock;
    return true;
  }
  set(key: string, bytes: number, now: number): void {
    this.entries = this.entries.filter((x) => x.key !== key);
    if (bytes > this.maxBytes) return;
    this.entries = this.entries.filter((x) => now < x.expiresAt);
    while (this.bytes() + bytes > this.maxBytes) {
      const rank = (e: (typeof this.entries)[number]) =>
        this.policy === 'lru' ? [0, e.used] : [e.freq, e.used];
      let victim = this.entries[0];
      for (const e of this.entries) {
        const [f1, u1] = rank(e);
        const [f2, u2] = rank(victim);
        if (f1 < f2 || (f1 === f2 && u1 < u2)) victim = e;
      }
      this.entries = this.entries.filter((x) => x !== victim);
    }
    const t = ++this.clock;
    this.entries.push({ key, bytes, expiresAt: now + this.ttl, freq: 1, used: t, stored: t });
  }
}

for (const policy of ['lru', 'lfu'] as const) {
  test(`ResponseCache ${policy}: matches a reference model; never over budget (property)`, () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 7 }),
        bytes: fc.integer({ min: 0, max: 60 }),
      }),
      fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(op, { maxLength: 80 }), (maxBytes, ops) => {
        const ttl = 100;
        const c = new ResponseCache<number>({ maxBytes, ttlMs: ttl, eviction: policy });
        const m = new ModelCache(maxBytes, ttl, policy);
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'advance') now += o.ms;
          else if (o.kind === 'get')
            assert.equal(c.get(`k${o.key}`, now) !== undefined, m.get(`k${o.key}`, now));
          else {
            c.set(`k${o.key}`, o.key, o.bytes, now);
            m.set(`k${o.key}`, o.bytes, now);
          }
          const s = c.stats();
          assert.ok(s.bytes <= maxBytes, `bytes ${s.bytes} over budget ${maxBytes}`);
          assert.equal(s.bytes, m.bytes());
          assert.equal(s.entries, m.entries.length);
        }
      }),
      { numRuns: 300 },
    );
  });
}
