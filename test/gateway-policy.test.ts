/**
 * Policy features end to end, against a real mock upstream: limits, budgets, routing, cache,
 * the admin API (validate, dry run, apply, rollback, audit, usage), canary split and hot reload
 * under load.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { ADMIN_TOKEN, chatBody, KEYS, testPolicy } from './harness/policies.js';

let primary: MockOpenAI;
let secondary: MockOpenAI;
const gateways: FastifyInstance[] = [];

before(async () => {
  primary = await startMockOpenAI();
  secondary = await startMockOpenAI();
});
after(async () => {
  for (const g of gateways) await g.close();
  await primary.close();
  await secondary.close();
});

async function gateway(policy: PolicyDocument): Promise<FastifyInstance> {
  primary.reset();
  secondary.reset();
  const g = await buildGateway({
    policy,
    adminToken: ADMIN_TOKEN,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
  });
  gateways.push(g);
  return g;
}

const acme = { authorization: `Bearer ${KEYS.acme}` };
const beta = { authorization: `Bearer ${KEYS.beta}` };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

function chat(g: FastifyInstance, headers: Record<string, string>, body = chatBody()) {
  return g.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload: body });
}

test('a per-key rpm limit admits exactly rpm, then 429 with retry-after and x-ratelimit-* headers', async () => {
  const p = testPolicy(primary.url);
  p.tenants.beta.limits = [{ rpm: 3 }];
  const g = await gateway(p);
  const statuses: number[] = [];
  let last = await chat(g, beta);
  statuses.push(last.statusCode);
  for (let i = 0; i < 4; i++) {
    last = await chat(g, beta);
    statuses.push(last.statusCode);
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  assert.equal((last.json() as { error: { code: string; type: string } }).error.type, 'rate_limit_error');
  assert.equal(last.headers['x-ratelimit-limit'], '3');
  assert.equal(last.headers['x-ratelimit-remaining'], '0');
  assert.equal(Number(last.headers['retry-after']) >= 1, true);
  // Another tenant's key is unaffected.
  assert.equal((await chat(g, acme)).statusCode, 200);
  assert.equal(primary.hits.length, 4);
});

test('a spent budget refuses with 429 insufficient_quota', async () => {
  const p = testPolicy(primary.url);
  // Each answer costs (5 x 1 + 12 x 2) / 1e6 = 2.9e-5 USD: the second request finds the budget spent.
  p.tenants.beta.budget = { usd: 0.00002, period: 'day' };
  const g = await gateway(p);
  assert.equal((await chat(g, beta)).statusCode, 200);
  const res = await chat(g, beta);
  assert.equal(res.statusCode, 429);
  assert.equal(
    (res.json() as { error: { type: string; code: string } }).error.code,
    'SLUICE_BUDGET_EXHAUSTED',
  );
  assert.equal((await chat(g, acme)).statusCode, 200);
});

test('routing rules send a task to another backend pool', async () => {
  const p = testPolicy(primary.url, secondary.url);
  p.routing = { ...p.routing, rules: [{ when: { task: ['summarise'] }, backends: ['secondary'] }] };
  const g = await gateway(p);
  const routed = await g.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { ...acme, 'x-sluice-task': 'summarise' },
    payload: chatBody(),
  });
  assert.equal(routed.statusCode, 200);
  assert.equal(routed.headers['x-sluice-backend'], 'secondary');
  assert.equal((await chat(g, acme)).headers['x-sluice-backend'], 'primary');
  assert.deepEqual([primary.hits.length, secondary.hits.length], [1, 1]);
});

test('the response cache answers a repeated request without the upstream', async () => {
  const p = testPolicy(primary.url);
  p.cache = { enabled: true, ttl: '1m' };
  const g = await gateway(p);
  const body = chatBody('what is 2+2', { temperature: 0 });
  const first = await chat(g, acme, body);
  const second = await chat(g, acme, body);
  assert.equal(first.statusCode, 200);
  assert.equal(second.statusCode, 200);
  assert.equal(second.headers['x-sluice-cache'], 'hit');
  assert.deepEqual(second.json(), first.json());
  assert.equal(primary.hits.length, 1);
  // Streaming requests are never answered from the cache.
  assert.equal((await chat(g, acme, { ...body, stream: true })).statusCode, 200);
  assert.equal(primary.hits.length, 2);
});

test('admin API: auth, dry-run diff, apply, rollback, audit, usage; tenants see only their own usage', async () => {
  const p = testPolicy(primary.url);
  const g = await gateway(p);
  assert.equal((await g.inject({ method: 'GET', url: '/admin/policy' })).statusCode, 401);
  assert.equal((await g.inject({ method: 'GET', url: '/admin/policy', headers: acme })).statusCode, 401);
  const got = await g.inject({ method: 'GET', url: '/admin/policy', headers: admin });
  assert.equal((got.json() as { version: number }).version, 1);

  const next = structuredClone(p);
  next.tenants.beta.limits = [{ rpm: 1 }];
  const dry = await g.inject({
    method: 'PUT',
    url: '/admin/policy?dryRun=true',
    headers: admin,
    payload: next,
  });
  assert.deepEqual(dry.json(), { valid: true, diff: ['+ tenants.beta.limits: [{"rpm":1}]'] });
  assert.equal((await g.inject({ method: 'GET', url: '/admin/policy', headers: admin })).json().version, 1);

  const invalid = await g.inject({
    method: 'PUT',
    url: '/admin/policy',
    headers: admin,
    payload: { ...next, apiVersion: 'v0' },
  });
  assert.equal(invalid.statusCode, 400);
  assert.equal((invalid.json() as { error: { code: string } }).error.code, 'SLUICE_POLICY_INVALID');

  const applied = await g.inject({ method: 'PUT', url: '/admin/policy', headers: admin, payload: next });
  assert.deepEqual([applied.statusCode, applied.json().version, applied.json().changed], [200, 2, true]);
  assert.equal((await chat(g, beta)).statusCode, 200);
  assert.equal((await chat(g, beta)).statusCode, 429);

  const rolled = await g.inject({
    method: 'POST',
    url: '/admin/policy/rollback',
    headers: admin,
    payload: { version: 1 },
  });
  assert.equal(rolled.json().version, 3);
  assert.equal(rolled.json().hash, got.json().hash);
  assert.equal((await chat(g, beta)).statusCode, 200);

  const audit = (await g.inject({ method: 'GET', url: '/admin/audit', headers: admin })).json() as {
    action: string;
    version: number | null;
  }[];
  assert.deepEqual(
    audit.map((a) => `${a.action}:${a.version}`),
    ['apply:1', 'reject:null', 'apply:2', 'rollback:3'],
  );
  const usage = (await g.inject({ method: 'GET', url: '/admin/usage', headers: admin })).json() as Record<
    string,
    { completed: number; rejected: number }
  >;
  assert.deepEqual([usage.beta.completed, usage.beta.rejected], [2, 1]);
  const own = (await g.inject({ method: 'GET', url: '/v1/usage', headers: beta })).json() as {
    tenant: string;
  };
  assert.equal(own.tenant, 'beta');
  assert.equal('acme' in own, false);
});

/** Of request ids canary-test-0..39, those whose stable hash falls under 50%. */
const CANARY_HITS = 16;

test('canary split: a share of traffic runs the canary version, then promote', async () => {
  const p = testPolicy(primary.url, secondary.url);
  const g = await gateway(p);
  const canary = structuredClone(p);
  canary.models['gpt-test'].backends = ['secondary'];
  const set = await g.inject({
    method: 'POST',
    url: '/admin/canary',
    headers: admin,
    payload: { policy: canary, percent: 50, by: 'requestId' },
  });
  assert.equal(set.statusCode, 200);
  const canaryVersion = (set.json() as { version: number }).version;
  const versions = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    // Client-given request ids make the split (a stable hash of the id) the same on every run.
    const r = await chat(g, { ...acme, 'x-request-id': `canary-test-${i}` });
    assert.equal(r.statusCode, 200);
    const key = `${r.headers['x-sluice-policy-version']}:${r.headers['x-sluice-backend']}`;
    versions.set(key, (versions.get(key) ?? 0) + 1);
  }
  const onCanary = versions.get(`${canaryVersion}:secondary`) ?? 0;
  const onControl = versions.get(`${canaryVersion + 1}:primary`) ?? 0;
  assert.equal(onCanary + onControl, 40);
  assert.equal(onCanary, CANARY_HITS);
  const promoted = await g.inject({ method: 'POST', url: '/admin/canary/promote', headers: admin });
  assert.equal(promoted.statusCode, 200);
  const after = await chat(g, acme);
  assert.equal(after.headers['x-sluice-backend'], 'secondary');
});

test('hot reload under load: every request succeeds, in-flight ones finish under their version', async () => {
  const p = testPolicy(primary.url);
  const g = await gateway(p);
  primary.set({ delayMs: 30 });
  const inflight = Array.from({ length: 60 }, () => chat(g, acme));
  const reloads: Promise<unknown>[] = [];
  for (let i = 0; i < 3; i++) {
    const next = structuredClone(p);
    next.description = `reload ${i}`;
    reloads.push(g.inject({ method: 'PUT', url: '/admin/policy', headers: admin, payload: next }));
    await new Promise((r) => setTimeout(r, 10));
    for (let j = 0; j < 20; j++) inflight.push(chat(g, acme));
  }
  await Promise.all(reloads);
  const results = await Promise.all(inflight);
  assert.deepEqual(
    results.filter((r) => r.statusCode !== 200).map((r) => r.statusCode),
    [],
  );
  const versions = new Set(results.map((r) => r.headers['x-sluice-policy-version']));
  assert.equal(versions.has('1'), true);
  assert.equal(versions.has('4'), true);
  assert.equal(primary.hits.length, 120);
  primary.set({ delayMs: 0 });
});
