import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../clock.js';
import type { PolicyDocument } from './schema.js';
import { canonicalJson, contentHash, PolicyStore } from './version.js';

function doc(rpm: number): PolicyDocument {
  return {
    apiVersion: 'sluice/v1',
    tiers: { free: { sloMs: 5000 } },
    models: { mini: { inputPricePerMTok: 0.15, outputPricePerMTok: 0.6, backends: ['pool'] } },
    backends: { pool: { instances: [{ id: 'i1' }] } },
    tenants: { acme: { tier: 'free', limits: [{ rpm }] } },
  };
}

/** The same value with object keys in reverse order at every depth. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

test('canonical JSON sorts keys at every depth and drops undefined fields', () => {
  assert.equal(
    canonicalJson({ b: [2, { d: 1, c: 3 }], a: 1, z: undefined }),
    '{"a":1,"b":[2,{"c":3,"d":1}]}',
  );
  assert.equal(canonicalJson([undefined, 'x', null, true]), '[null,"x",null,true]');
  assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  assert.throws(() => canonicalJson({ a: 1n }), TypeError);
});

test('content hash: a known answer, and stable across key order', () => {
  // printf '{"a":1,"b":[2,{"c":3}]}' | sha256sum
  const known = '8ad038695d4b91af5fe8c0edd83a8039830a131a1eaa45ad7bd4fc1ebe719d05';
  assert.equal(contentHash({ b: [2, { c: 3 }], a: 1 }), known);
  assert.equal(contentHash({ a: 1, b: [2, { c: 3 }] }), known);
  const reordered = reverseKeys(doc(60));
  assert.notEqual(JSON.stringify(reordered), JSON.stringify(doc(60)));
  assert.equal(contentHash(reordered), contentHash(doc(60)));
  assert.notEqual(contentHash(doc(61)), contentHash(doc(60)));
  // Array order is meaningful (fallback chains, rules): it changes the hash.
  assert.notEqual(contentHash({ a: [1, 2] }), contentHash({ a: [2, 1] }));
});

test('versions are monotonic, and a proposal equal to the current one is a no-op', () => {
  const clock = new ManualClock(1000);
  const store = new PolicyStore(clock);
  assert.equal(store.current(), null);
  const v1 = store.propose(doc(60), 'alice');
  assert.ok(v1.ok);
  assert.deepEqual(
    {
      version: v1.version.version,
      appliedAt: v1.version.appliedAt,
      author: v1.version.author,
      changed: v1.changed,
    },
    { version: 1, appliedAt: 1000, author: 'alice', changed: true },
  );
  assert.equal(v1.version.hash, contentHash(doc(60)));
  clock.advance(500);
  const again = store.propose(JSON.parse(JSON.stringify(doc(60))), 'bob');
  assert.ok(again.ok);
  assert.equal(again.changed, false);
  assert.equal(again.version, v1.version);
  const v2 = store.propose(doc(90), undefined, 42);
  assert.ok(v2.ok);
  assert.deepEqual([v2.version.version, v2.version.appliedAt, v2.version.author], [2, 42, null]);
  assert.deepEqual(
    store.history().map((v) => v.version),
    [1, 2],
  );
  assert.equal(store.current()?.version, 2);
  assert.equal(store.get(1)?.doc.tenants.acme.limits?.[0].rpm, 60);
  assert.equal(store.get(3), undefined);
});

test('an invalid proposal changes nothing and returns every error', () => {
  const store = new PolicyStore(new ManualClock());
  store.propose(doc(60));
  const bad = doc(-1) as unknown as Record<string, unknown>;
  bad.extra = true;
  const r = store.propose(bad);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors, [
    'tenants.acme.limits[0].rpm: must be a positive integer, got -1',
    'extra: unknown field "extra" (allowed: apiVersion, description, tiers, models, backends, defaults, tenants, modelOverrides, routing, cache, telemetry)',
  ]);
  assert.equal(!r.ok && r.current?.version, 1);
  assert.equal(store.history().length, 1);
});

test('stored documents are copies, frozen: later edits to the proposed object do not leak in', () => {
  const store = new PolicyStore(new ManualClock());
  const d = doc(60);
  const r = store.propose(d);
  assert.ok(r.ok);
  d.tenants.acme.tier = 'changed';
  assert.equal(store.current()?.doc.tenants.acme.tier, 'free');
  assert.equal(Object.isFrozen(store.current()?.doc.tenants.acme), true);
  assert.equal(store.current()?.hash, contentHash(doc(60)));
});

test('rollback makes an old version current again under a new number, with the same hash', () => {
  const clock = new ManualClock();
  const store = new PolicyStore(clock);
  store.propose(doc(60), 'alice');
  clock.advance(10);
  store.propose(doc(90), 'bob');
  clock.advance(10);
  const v3 = store.rollback(1, 'controller');
  assert.deepEqual(
    { version: v3.version, restores: v3.restores, author: v3.author, appliedAt: v3.appliedAt },
    { version: 3, restores: 1, author: 'controller', appliedAt: 20 },
  );
  assert.equal(v3.hash, store.get(1)?.hash);
  assert.equal(v3.doc, store.get(1)?.doc);
  assert.equal(store.current(), v3);
  // Rolling back to what is already current is a no-op.
  assert.equal(store.rollback(1), v3);
  // Proposing the v2 document again restores it as v4 (not "returns v2", which is not current).
  const v4 = store.propose(doc(90));
  assert.ok(v4.ok);
  assert.deepEqual([v4.version.version, v4.version.restores, v4.changed], [4, 2, true]);
  assert.equal(v4.version.hash, store.get(2)?.hash);
  assert.deepEqual(
    store.history().map((v) => [v.version, v.restores]),
    [
      [1, null],
      [2, null],
      [3, 1],
      [4, 2],
    ],
  );
  assert.throws(() => store.rollback(9), { code: 'SLUICE_POLICY_INVALID', message: /known: 1\.\.4/ });
});

test('property: the content hash ignores key order at every depth', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(contentHash(reverseKeys(value)), contentHash(value));
      assert.equal(canonicalJson(JSON.parse(canonicalJson(value))), canonicalJson(value));
    }),
    { numRuns: 300, seed: 3 },
  );
});
