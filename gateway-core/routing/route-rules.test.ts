import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutingRule } from '../policy/schema.js';
import { stableUnit } from '../stable-hash.js';
import { type RouteContext, RouteRules } from './route-rules.js';

const rules: RoutingRule[] = [
  { when: { budget: 'exhausted' }, model: 'gpt-4o-mini' },
  { when: { tier: ['free'], promptTokensAbove: 4000 }, model: 'long-context-small', backends: ['pool-b'] },
  { when: { task: ['classify', 'extract'], model: ['gpt-4o'] }, model: 'gpt-4o-mini' },
  { when: { tenant: ['acme'], promptTokensAtMost: 100 }, backends: ['fast-pool', 'slow-pool'] },
  { when: { tenant: ['pinned'] } },
];

const base: RouteContext = {
  tier: 'pro',
  tenant: 't1',
  model: 'gpt-4o',
  promptTokens: 500,
  budget: 'ok',
  request: { id: 'r0' },
};

test('RouteRules: first matching rule wins', () => {
  const r = new RouteRules(rules);
  // Exhausted budget matches rule 0 even though rule 2 would match too.
  assert.deepEqual(r.match({ ...base, task: 'classify', budget: 'exhausted' }), {
    rule: 0,
    model: 'gpt-4o-mini',
  });
  assert.deepEqual(r.match({ ...base, task: 'classify' }), { rule: 2, model: 'gpt-4o-mini' });
});

test('RouteRules: prompt token bounds are (above, atMost]', () => {
  const r = new RouteRules(rules);
  assert.equal(r.match({ ...base, tier: 'free', promptTokens: 4000 }), null);
  assert.deepEqual(r.match({ ...base, tier: 'free', promptTokens: 4001 }), {
    rule: 1,
    model: 'long-context-small',
    backends: ['pool-b'],
  });
  assert.deepEqual(r.match({ ...base, tenant: 'acme', promptTokens: 100 })?.backends, [
    'fast-pool',
    'slow-pool',
  ]);
  assert.equal(r.match({ ...base, tenant: 'acme', promptTokens: 101 }), null);
});

test('RouteRules: a task condition fails without a task; other fields must all hold', () => {
  const r = new RouteRules(rules);
  assert.equal(r.match(base), null);
  assert.equal(r.match({ ...base, task: 'chat' }), null);
  assert.equal(r.match({ ...base, task: 'extract', model: 'claude' }), null);
  assert.equal(r.match({ ...base, budget: 'soft' }), null);
});

test('RouteRules: a rule with no action still stops the search', () => {
  const r = new RouteRules([...rules, { when: {}, model: 'catch-all' }]);
  assert.deepEqual(r.match({ ...base, tenant: 'pinned' }), { rule: 4 });
  assert.deepEqual(r.match(base), { rule: 5, model: 'catch-all' });
});

test('RouteRules: answers are shared, frozen objects (no allocation per match)', () => {
  const r = new RouteRules(rules);
  const a = r.match({ ...base, budget: 'exhausted' });
  const b = r.match({ ...base, budget: 'exhausted', tier: 'free' });
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a));
  assert.equal(new RouteRules().match(base), null);
  assert.equal(new RouteRules().size, 0);
});

test('RouteRules: a shared rule takes its fraction of requests by id; the rest go on to the next rule', () => {
  const r = new RouteRules([
    { when: { model: ['gpt-4o'] }, model: 'gpt-4o-mini', share: 0.3 },
    { when: { model: ['gpt-4o'] }, backends: ['spare'] },
  ]);
  let shared = 0;
  let both = 0;
  for (let i = 0; i < 10_000; i++) {
    const d = r.match({ ...base, request: { id: String(i) } });
    if (d?.rule === 0) shared++;
    else assert.deepEqual(d, { rule: 1, backends: ['spare'] });
    // Independent of the canary split, which hashes the bare id.
    if (d?.rule === 0 && stableUnit(String(i)) < 0.5) both++;
  }
  // Known answers for ids 0..9999: 3049 (binomial: 3000, sd 46); half of those in the canary
  // slice would be 1525 (sd 28).
  assert.equal(shared, 3049);
  assert.equal(both, 1570);
  // The same id always gets the same answer.
  assert.equal(
    r.match({ ...base, request: { id: '17' } })?.rule,
    r.match({ ...base, request: { id: '17' } })?.rule,
  );
  const none = new RouteRules([{ when: {}, model: 'm', share: 0 }]);
  const all = new RouteRules([{ when: {}, model: 'm', share: 1 }]);
  for (let i = 0; i < 100; i++) {
    assert.equal(none.match({ ...base, request: { id: String(i) } }), null);
    assert.equal(all.match({ ...base, request: { id: String(i) } })?.rule, 0);
  }
});
