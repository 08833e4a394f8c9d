/**
 * Concurrency limits and the response cache's shared tier across two gateway replicas on one
 * real Redis, with the mock upstream: a tenant's concurrency of N holds fleet-wide; a long
 * (streamed) request keeps its slot by renewing its lease; a crashed replica's slots free
 * themselves when their leases run out; an answer cached through replica A is served by B
 * without an upstream call; Redis killed: concurrency follows its fail mode, the cache falls
 * back to each replica's L1, nothing fails or hangs; Redis restarted: both come back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway, type GatewayOptions } from '../gateway-core/server/gateway-app.js';
import { connectRedis, waitReady } from '../gateway-core/server/redis/redis-client.js';
import { SharedConcurrency } from '../gateway-core/server/redis/shared-concurrency.js';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const beta = { authorization: `Bearer ${KEYS.beta}` };
const chat = (g: FastifyInstance, body: Record<string, unknown> = chatBody()) =>
  g.inject({ method: 'POST', url: '/v1/chat/completions', headers: beta, payload: body });
const errorCode = (r: { json(): unknown }) => (r.json() as { error: { code: string } }).error.code;

async function replicas(
  policy: PolicyDocument,
  redisOpts: Partial<NonNullable<GatewayOptions['redis']>>,
  ids = ['replica-a', 'replica-b'],
): Promise<FastifyInstance[]> {
  const out: FastifyInstance[] = [];
  for (const id of ids) {
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

async function fresh(): Promise<void> {
  await raw.flushall();
  mock.reset();
}

function concurrencyPolicy(n: number): PolicyDocument {
  const p = testPolicy(mock.url);
  p.tenants.beta.concurrency = n;
  return p;
}

function cachePolicy(): PolicyDocument {
  const p = testPolicy(mock.url);
  p.cache = { enabled: true, ttl: '1m' };
  return p;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await sleep(25);
  }
  assert.fail(`${what}: not reached`);
}

test('a tenant concurrency of 3 holds across two replicas: 3 of 8 concurrent slow requests run, 5 get 429', async () => {
  await fresh();
  const [a, b] = await replicas(concurrencyPolicy(3), {});
  mock.set({ delayMs: 600 });
  const res = await Promise.all(Array.from({ length: 8 }, (_, i) => chat(i % 2 === 0 ? a : b)));
  const codes = res.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [200, 200, 200, 429, 429, 429, 429, 429]);
  for (const r of res.filter((x) => x.statusCode === 429)) {
    assert.equal(errorCode(r), 'SLUICE_CONCURRENCY_LIMITED');
    assert.equal(r.headers['retry-after'], '1');
  }
  assert.equal(mock.hits.length, 3);
  // Every slot was given back: the sorted set is empty, and the next 3 run again.
  await until('slots released', async () => (await raw.zcard('sluice:conc:tenant:beta')) === 0);
  mock.set({ delayMs: 0 });
  const again = await Promise.all([chat(a), chat(b), chat(a)]);
  assert.deepEqual(
    again.map((r) => r.statusCode),
    [200, 200, 200],
  );
  const metrics = (await a.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(metrics, /sluice_concurrency_shared_total\{result="admitted"\} [1-9]/);
  assert.match(metrics, /sluice_concurrency_shared_total\{result="refused"\} [1-9]/);
});

test('a streamed request keeps its slot past the lease by renewing it; the other replica is refused meanwhile', async () => {
  await fresh();
  const [a, b] = await replicas(concurrencyPolicy(1), { concurrencyLeaseMs: 150 });
  mock.set({ streamChunks: 8, chunkDelayMs: 100 });
  const streaming = chat(a, chatBody('stream please', { stream: true }));
  await until('stream admitted', async () => mock.inFlight === 1);
  await sleep(400); // well past the 150 ms lease: only renewal keeps the slot
  const refused = await chat(b);
  assert.equal(refused.statusCode, 429);
  assert.equal(errorCode(refused), 'SLUICE_CONCURRENCY_LIMITED');
  const done = await streaming;
  assert.equal(done.statusCode, 200);
  assert.match(done.body, /data: \[DONE\]/);
  mock.set({ streamChunks: 4, chunkDelayMs: 0 });
  assert.equal((await chat(b)).statusCode, 200);
});

test("a crashed replica's slots free themselves when their leases expire", async () => {
  await fresh();
  const [b] = await replicas(concurrencyPolicy(2), {}, ['survivor']);
  // The "crashed" replica: takes both slots with 300 ms leases, then never renews nor releases.
  const client = connectRedis(redis.url);
  await waitReady(client);
  const crashed = new SharedConcurrency({ client, leaseMs: 300, now: () => Date.now() });
  const scopes = [{ scope: 'tenant:beta', max: 2 }];
  assert.equal((await crashed.acquire('dead-1', scopes)).allowed, true);
  assert.equal((await crashed.acquire('dead-2', scopes)).allowed, true);
  crashed.stop();
  client.disconnect();
  const first = await chat(b);
  assert.equal(first.statusCode, 429);
  assert.equal(errorCode(first), 'SLUICE_CONCURRENCY_LIMITED');
  let admittedAfter = 0;
  for (let i = 0; i < 100; i++) {
    await sleep(25);
    admittedAfter++;
    if ((await chat(b)).statusCode === 200) break;
  }
  assert.ok(admittedAfter < 100, 'never admitted after the leases expired');
  assert.equal(mock.hits.length, 1);
});

test('an answer cached through replica A is served by replica B without an upstream call', async () => {
  await fresh();
  const [a, b] = await replicas(cachePolicy(), {});
  const first = await chat(a);
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['x-sluice-cache'], undefined);
  await until('stored in Redis', async () => (await raw.keys('sluice:cache:v1:*')).length === 1);
  const [key] = await raw.keys('sluice:cache:v1:*');
  const ttl = await raw.pttl(key);
  assert.ok(ttl > 0 && ttl <= 60_000, `pttl ${ttl}`);

  const second = await chat(b);
  assert.equal(second.statusCode, 200);
  assert.equal(second.headers['x-sluice-cache'], 'hit');
  assert.equal(second.headers['x-sluice-cache-tier'], 'shared');
  assert.deepEqual(second.json(), first.json());
  assert.equal(mock.hits.length, 1);
  // Now in B's L1: the third is a local hit, no Redis read.
  const third = await chat(b);
  assert.equal(third.headers['x-sluice-cache'], 'hit');
  assert.equal(third.headers['x-sluice-cache-tier'], undefined);
  assert.equal(mock.hits.length, 1);

  const mb = (await b.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(mb, /sluice_cache_shared_total\{result="hit"\} 1\n/);
  assert.match(
    mb,
    /sluice_requests_total\{outcome="cached",tenant="beta",model="gpt-test",arm="control"\} 2\n/,
  );
  // The engine's own telemetry counts both as cache hits (the shared one filled L1 first).
  b.sluice.metrics.observeRecords(b.sluice.driver.engine.flushTelemetry());
  const closed = await b.sluice.metrics.registry.metrics();
  assert.match(closed, /sluice_cache_hits_total\{[^}]*\} 2\n/);
  assert.match(closed, /sluice_cache_lookups_total\{[^}]*\} 2\n/);
});

test('an answer larger than the shared tier allows stays in L1 only', async () => {
  await fresh();
  const [a, b] = await replicas(cachePolicy(), { sharedCacheMaxEntryBytes: 64 });
  assert.equal((await chat(a)).statusCode, 200);
  assert.equal((await chat(a)).headers['x-sluice-cache'], 'hit');
  assert.equal((await chat(b)).headers['x-sluice-cache'], undefined);
  assert.equal(mock.hits.length, 2);
  assert.deepEqual(await raw.keys('sluice:cache:v1:*'), []);
  assert.match(
    (await a.inject({ method: 'GET', url: '/metrics' })).body,
    /sluice_cache_shared_total\{result="too_large"\} 1\n/,
  );
});

test('Redis killed: concurrency follows its fail mode, the cache falls back to L1, nothing fails or hangs; restart recovers', async () => {
  await fresh();
  const p = concurrencyPolicy(2);
  p.cache = { enabled: true, ttl: '1m' };
  const [a, b] = await replicas(p, { commandTimeoutMs: 100 });
  const [closed] = await replicas(p, { commandTimeoutMs: 100, concurrencyFailMode: 'closed' }, ['closed-c']);
  // The same limit declared fail-closed in the policy itself, on a gateway whose default is open.
  const declaredPolicy = structuredClone(p);
  declaredPolicy.tenants.beta.concurrencyFailMode = 'closed';
  const [declared] = await replicas(declaredPolicy, { commandTimeoutMs: 100 }, ['declared-d']);
  const cachedBody = chatBody('cache me');
  assert.equal((await chat(a, cachedBody)).statusCode, 200);
  assert.equal(mock.hits.length, 1);

  await redis.kill();
  await until('redis seen down', () => !a.sluice.concurrency?.redisUp || a.sluice.limits?.redisUp === false);
  mock.set({ delayMs: 400 });
  // Fail-open: each replica's own counter (2) holds: 2 of 3 run on each replica.
  const open = await Promise.all([chat(a), chat(a), chat(a), chat(b), chat(b), chat(b)]);
  assert.deepEqual(open.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 429, 429]);
  mock.set({ delayMs: 0 });
  // Fail-closed: refused at once.
  const refused = await chat(closed);
  assert.equal(refused.statusCode, 429);
  assert.match((refused.json() as { error: { message: string } }).error.message, /fail-closed/);
  const refusedByPolicy = await chat(declared);
  assert.equal(refusedByPolicy.statusCode, 429);
  assert.match((refusedByPolicy.json() as { error: { message: string } }).error.message, /fail-closed/);
  // Cache: A still answers from its L1; B misses its L1 and the upstream answers (no error).
  const hitsBefore = mock.hits.length;
  assert.equal((await chat(a, cachedBody)).headers['x-sluice-cache'], 'hit');
  const fromB = await chat(b, cachedBody);
  assert.equal(fromB.statusCode, 200);
  assert.equal(fromB.headers['x-sluice-cache'], undefined);
  assert.equal(mock.hits.length, hitsBefore + 1);
  const ma = (await a.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(ma, /sluice_limit_fallback_total\{limit="concurrency:tenant:beta",source="fallback"\} [1-9]/);
  assert.match(ma, /sluice_redis_up 0/);
  assert.match(
    (await closed.inject({ method: 'GET', url: '/metrics' })).body,
    /sluice_limit_fallback_total\{limit="concurrency:tenant:beta",source="fail-closed"\} 1\n/,
  );

  await redis.restart();
  for (const g of [a, b, closed]) {
    await until('redis back', async () => {
      const r = await chat(g);
      return r.statusCode === 200 && g.sluice.concurrency?.redisUp === true;
    });
  }
  // Shared again: 2 of 4 concurrent over both replicas; the cache fills Redis again. A replica's
  // first commands after the restart can still time out (100 ms here, on a loaded machine) and
  // fail open to its own counter, so the shared limit is asked to hold within a few rounds, and
  // then to keep holding.
  mock.set({ delayMs: 400 });
  const round = async () =>
    (await Promise.all([chat(a), chat(b), chat(a), chat(b)])).map((r) => r.statusCode).sort();
  await until(
    '2 of 4 admitted over both replicas again',
    async () => {
      const codes = await round();
      return codes.join() === '200,200,429,429';
    },
    5,
  );
  assert.deepEqual(await round(), [200, 200, 429, 429]);
  mock.set({ delayMs: 0 });
  // The shared tier skips Redis for a back-off second after an error, so recovery is a matter
  // of time: an answer A caches is served to B from Redis again (a new body each try, since A
  // keeps a body it could not share in its own L1).
  let attempt = 0;
  await until(
    'an answer cached by A is served to B from the shared tier',
    async () => {
      const body = chatBody(`after the restart ${attempt++}`);
      assert.equal((await chat(a, body)).statusCode, 200);
      await sleep(50);
      return (await chat(b, body)).headers['x-sluice-cache-tier'] === 'shared';
    },
    60,
  );
});
