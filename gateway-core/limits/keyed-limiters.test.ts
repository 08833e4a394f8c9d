import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSluiceError } from '../errors.js';
import { KeyedLimiters } from './keyed-limiters.js';
import { LIMIT_ALGORITHMS } from './limiter-factory.js';
import { REJECTED } from './rate-limiter.js';

test('KeyedLimiters: one limiter per key, built on demand from the shared config', () => {
  const k = new KeyedLimiters('fixed-window', { limit: 3, periodMs: 1000 });
  assert.equal(k.size, 0);
  const a = k.get('acme', 0);
  assert.equal(k.get('acme', 10), a);
  assert.equal(a.algorithm, 'fixed-window');
  assert.equal(a.capacity, 3);
  assert.deepEqual(
    [k.acquire('acme', 2, 0), k.acquire('acme', 2, 0), k.acquire('globex', 2, 0), k.acquire('globex', 1, 0)],
    [0, REJECTED, 0, 0],
  );
  assert.equal(k.size, 2);
  assert.equal(k.peek('initech'), undefined);
  assert.equal(k.size, 2);
  assert.equal(k.delete('globex'), true);
  assert.equal(k.get('globex', 0).available(0), 3);
});

test('KeyedLimiters: reconfigure applies to every held limiter, keeping state, and to new ones', () => {
  const k = new KeyedLimiters('token-bucket', { limit: 10, periodMs: 1000 });
  k.acquire('a', 10, 0);
  k.acquire('b', 4, 0);
  k.reconfigure({ limit: 20, periodMs: 1000, burst: 30 }, 0);
  assert.deepEqual(k.config, { limit: 20, periodMs: 1000, burst: 30 });
  assert.equal(k.get('a', 0).available(0), 0);
  assert.equal(k.get('b', 0).available(0), 6);
  assert.equal(k.get('c', 0).available(0), 30);
  assert.equal(k.get('a', 500).available(500), 10);
  assert.throws(
    () => k.reconfigure({ limit: 0, periodMs: 1000 }, 0),
    (e: unknown) => isSluiceError(e) && e.code === 'SLUICE_CONFIG_INVALID',
  );
  assert.equal(k.get('c', 0).capacity, 30);
});

test('KeyedLimiters: evicts keys idle for more than idlePeriods once they have recovered', () => {
  // Burst 30 at 10/s: a drained bucket takes 3 s to refill, longer than the 2-period idle time.
  // sweepBatch 0: only the explicit sweeps below evict (get() sweeps nothing).
  const k = new KeyedLimiters(
    'token-bucket',
    { limit: 10, periodMs: 1000, burst: 30 },
    { idlePeriods: 2, sweepBatch: 0 },
  );
  k.acquire('drained', 30, 0);
  k.acquire('light', 1, 0);
  k.acquire('busy', 1, 0);
  k.acquire('busy', 1, 2500);
  // At 2500 'light' is idle 2500 ms > 2000 and full again; 'drained' holds 25 of 30 tokens.
  assert.equal(k.sweep(2500), 1);
  assert.equal(k.peek('light'), undefined);
  assert.notEqual(k.peek('drained'), undefined);
  assert.notEqual(k.peek('busy'), undefined);
  // Exactly idlePeriods idle is not "more than": at 3000 'drained' is full, idle 3000: dropped.
  assert.equal(k.sweep(3000), 1);
  assert.deepEqual([k.peek('drained'), k.size, k.evicted], [undefined, 1, 2]);
  assert.equal(k.sweep(4500), 0);
  assert.equal(k.sweep(4501), 1);
  assert.equal(k.size, 0);
});

test('KeyedLimiters: memory stays bounded under a stream of distinct keys, with no timers', () => {
  // A new key every millisecond, 100 ms period, evicted after 2 idle periods: about 200 live keys.
  const k = new KeyedLimiters('sliding-log', { limit: 5, periodMs: 100 }, { idlePeriods: 2, sweepBatch: 2 });
  let most = 0;
  for (let t = 0; t < 20_000; t++) {
    k.acquire(`user-${t}`, 1, t);
    most = Math.max(most, k.size);
  }
  // 200 keys are within their idle time at any moment; the cursor, gaining one entry per call
  // on the insertions, reaches an idle key within about another 200 calls: at most ~2x that.
  assert.ok(most <= 410, `most ${most}`);
  assert.ok(k.evicted >= 19_500, `evicted ${k.evicted}`);
});

test('KeyedLimiters: eviction never changes a decision (property: compared with a map that never evicts)', () => {
  const step = fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5000 })),
    amount: fc.integer({ min: 1, max: 6 }),
  });
  fc.assert(
    fc.property(
      fc.constantFrom(...LIMIT_ALGORITHMS),
      fc.array(step, { maxLength: 150 }),
      (algorithm, steps) => {
        const config = { limit: 5, periodMs: 1000, burst: 8 };
        const keep = new KeyedLimiters(algorithm, config, { sweepBatch: 0 });
        const evict = new KeyedLimiters(algorithm, config, { idlePeriods: 0, sweepBatch: 5 });
        let t = 0;
        for (const s of steps) {
          t += s.gap;
          assert.equal(
            evict.acquire(s.key, s.amount, t),
            keep.acquire(s.key, s.amount, t),
            `${s.key} at ${t}`,
          );
        }
      },
    ),
    { numRuns: 200 },
  );
});
