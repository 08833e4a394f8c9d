/**
 * Two gateway replicas on one real Redis: one global limit (exact: exactly the limit; leased:
 * within limit - replicas x leaseSize .. limit), policy distribution between replicas, and Redis
 * killed mid-test then restarted: fail-open limits fall back to local limiters, fail-closed ones
 * refuse, nothing hangs or crashes, and shared limits come back by themselves.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway, type GatewayOptions } from '../gateway-core/server/gateway-app.js';
import { connectRedis, waitReady } from '../gateway-core/server/redis/redis-client.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { ADMIN_TOKEN, chatBody, KEYS, testPolicy } from './harness/policies.js';
import { type RedisService, startRedis } from './harness/services.js';

let redis: RedisService;
let mock: MockOpenAI;
let raw: Redis;
const gateways: FastifyInstance[] = [];

before(async () => {
  redis = await startRedis();
  mock = await startMockOpenAI();
  raw = connectRedis(redis.url);
  await waitReady(raw);
});
after(async () => {
  for (const g of gateways) await g.close();
  raw.disconnect();
  await mock.close();
  await redis.stop();
});

async function replicas(
  policy: PolicyDocument,
  redisOpts: Partial<NonNullable<GatewayOptions['redis']>>,
): Promise<FastifyInstance[]> {
  await raw.flushall();
  mock.reset();
  const out: FastifyInstance[] = [];
  for (const id of ['replica-a', 'replica-b']) {
    const g = await buildGateway({
      policy,
      replicaId: id,
      adminToken: ADMIN_TOKEN,
      logLevel: process.env.LOG_LEVEL ?? 'silent',
      redis: { url: redis.url, distributePolicy: false, ...redisOpts },
    });
    gateways.push(g);
    out.push(g);
  }
  return out;
}

const beta = { authorization: `Bearer ${KEYS.beta}` };
const acme = { authorization: `Bearer ${KEYS.acme}` };
const chat = (g: FastifyInstance, headers: Record<string, string>) =>
  g.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload: chatBody() });

function windowPolicy(limit: number): PolicyDocument {
  const p = testPolicy(mock.url);
  p.tenants.beta.limits = [{ id: 'beta-window', limit, period: '1m', algorithm: 'sliding-counter' }];
  return p;
}

/** Sends `n` requests alternating between replicas, `batch` at a time; returns the 200 count. */
async function admitted(gs: FastifyInstance[], n: number, batch: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i += batch) {
    const res = await Promise.all(
      Array.from({ length: batch }, (_, j) => chat(gs[(i + j) % gs.length], beta)),
    );
    for (const r of res) {
      if (r.statusCode === 200) ok++;
      else assert.equal(r.statusCode, 429);
    }
  }
  return ok;
}

test('exact mode: two replicas admit exactly the global limit', async () => {
  const gs = await replicas(windowPolicy(30), { mode: 'exact' });
  assert.equal(await admitted(gs, 100, 10), 30);
  assert.equal(mock.hits.length, 30);
});

test('leased mode: two replicas admit within [limit - 2 x leaseSize, limit]', async (t) => {
  const gs = await replicas(windowPolicy(30), { mode: 'leased', leaseSize: 5, leaseTtlMs: 60_000 });
  const n = await admitted(gs, 100, 10);
  t.diagnostic(`leased mode admitted ${n} of limit 30 (bound 20..30)`);
  assert.ok(n >= 20 && n <= 30, `admitted ${n}`);
  const calls = gs.reduce((s, g) => s + (g.sluice.limits?.redisCalls ?? 0), 0);
  t.diagnostic(`leased mode: ${calls} Redis calls for 100 requests`);
  assert.ok(calls < 100, `redis calls ${calls}`);
});

test('a tenant budget holds across replicas: spend on one counts on the other', async () => {
  const p = testPolicy(mock.url);
  // Each answer costs (5 x 1 + 12 x 2) / 1e6 = 2.9e-5 USD: two answers spend the budget fleet-wide,
  // while each replica's own tracker (one answer each) would still admit.
  p.tenants.beta.budget = { usd: 0.00005, period: 'day' };
  const [a, b] = await replicas(p, { mode: 'exact' });
  assert.equal((await chat(a, beta)).statusCode, 200);
  assert.equal((await chat(b, beta)).statusCode, 200);
  for (
    let i = 0;
    i < 50 &&
    Number(await raw.get(`sluice:budget:beta:${Math.floor(Date.now() / 86_400_000) * 86_400_000}`)) < 0.00005;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const refused = await chat(a, beta);
  assert.equal(refused.statusCode, 429);
  assert.equal((refused.json() as { error: { code: string } }).error.code, 'SLUICE_BUDGET_EXHAUSTED');
  assert.equal((await chat(a, acme)).statusCode, 200);
  assert.equal(mock.hits.length, 3);
});

test('a policy applied on one replica reaches the other through Redis', async () => {
  await raw.flushall();
  const p = testPolicy(mock.url);
  const mk = (id: string) =>
    buildGateway({
      policy: p,
      replicaId: id,
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
      redis: { url: redis.url },
    });
  const a = await mk('bus-a');
  const b = await mk('bus-b');
  gateways.push(a, b);
  const next = structuredClone(p);
  next.tenants.beta.limits = [{ id: 'bus-limit', rpm: 1 }];
  const put = await a.inject({
    method: 'PUT',
    url: '/admin/policy',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: next,
  });
  assert.equal(put.statusCode, 200);
  for (let i = 0; i < 100 && b.sluice.policies.current().version < 2; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(b.sluice.policies.current().hash, a.sluice.policies.current().hash);
  assert.equal(b.sluice.audit.entries.at(-1)?.action, 'remote-apply');
  // One request per minute fleet-wide: the second, on the other replica, is refused.
  assert.equal((await chat(a, beta)).statusCode, 200);
  assert.equal((await chat(b, beta)).statusCode, 429);
});

test('Redis killed mid-test: fail-open admits on local limits, fail-closed refuses, no hang; recovery is automatic', async () => {
  const p = testPolicy(mock.url);
  p.tenants.acme.limits = [{ id: 'acme-open', limit: 5, period: '1h', failMode: 'open' }];
  p.tenants.beta.limits = [{ id: 'beta-closed', limit: 1000, period: '1h', failMode: 'closed' }];
  const [a] = await replicas(p, { mode: 'exact', commandTimeoutMs: 100 });
  assert.equal((await chat(a, acme)).statusCode, 200);
  assert.equal((await chat(a, beta)).statusCode, 200);

  await redis.kill();
  // Fail-open: the replica's own limits take over (5 per hour here, one already used): 4 more pass.
  const open = await Promise.all(Array.from({ length: 7 }, () => chat(a, acme)));
  assert.deepEqual(open.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 429, 429, 429]);
  // Fail-closed: refused while Redis is away.
  const closed = await chat(a, beta);
  assert.equal(closed.statusCode, 429);
  assert.match((closed.json() as { error: { message: string } }).error.message, /fail-closed/);
  const metrics = (await a.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(metrics, /sluice_redis_up 0/);
  assert.match(metrics, /sluice_limit_fallback_total\{limit="beta-closed",source="fail-closed"\} 1/);
  assert.equal((await a.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);

  await redis.restart();
  for (let i = 0; i < 200 && !a.sluice.limits?.redisUp; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(a.sluice.limits?.redisUp, true);
  assert.equal((await chat(a, beta)).statusCode, 200);
  assert.match((await a.inject({ method: 'GET', url: '/metrics' })).body, /sluice_redis_up 1/);
});
