/**
 * Cache demand and pre-warming on real gateways listening on loopback, with the mock OpenAI
 * upstream counting every call, and a real Redis for the shared cache tier:
 * - demand counts per cache key are exact for a known sequence (cache hits included; streamed,
 *   sampled and refused requests not counted), with the cache state of each key;
 * - a pre-warm re-issues a key's request once (one upstream call), the next identical client
 *   request is a cache hit; unknown keys are refused with a reason; pre-warms are not demand,
 *   not tenant usage, and have their own counters;
 * - with the shared tier: a pre-warm fills Redis too, and is served from Redis without an
 *   upstream call when Redis already holds the answer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { fetch } from 'undici';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway, type GatewayOptions } from '../gateway-core/server/gateway-app.js';
import { cacheKeyOf } from '../gateway-core/server/openai-request.js';
import { connectRedis, waitReady } from '../gateway-core/server/redis/redis-client.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { ADMIN_TOKEN, chatBody, KEYS, testPolicy } from './harness/policies.js';
import { type RedisService, startRedis } from './harness/services.js';

let redis: RedisService;
let mock: MockOpenAI;
let raw: Redis;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  [redis, mock] = await Promise.all([startRedis(), startMockOpenAI()]);
  raw = connectRedis(redis.url);
  await waitReady(raw);
});
after(async () => {
  for (const c of closers.reverse()) await c();
  raw.disconnect();
  await Promise.all([mock.close(), redis.stop()]);
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Cache on; `maxBytes` 400 holds one mock answer (~230 bytes), so a second key evicts the first. */
function cachedPolicy(maxBytes = 400): PolicyDocument {
  return { ...testPolicy(mock.url), cache: { enabled: true, ttl: '60s', maxBytes } };
}

async function gateway(policy: PolicyDocument, extra: Partial<GatewayOptions> = {}): Promise<string> {
  const app: FastifyInstance = await buildGateway({
    policy,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    ...extra,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}

async function chat(
  url: string,
  body: Record<string, unknown>,
  key: string = KEYS.acme,
): Promise<{ status: number; cache: string | null; tier: string | null }> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await r.arrayBuffer();
  return {
    status: r.status,
    cache: r.headers.get('x-sluice-cache'),
    tier: r.headers.get('x-sluice-cache-tier'),
  };
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<[number, unknown]> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return [r.status, await r.json()];
}

interface Demand {
  enabled: boolean;
  sharedTier: boolean;
  windows: {
    start: number;
    end: number;
    closed: boolean;
    total: number;
    keys: { key: string; count: number; error: number }[];
  }[];
  keys: Record<string, { cached: boolean; shared: boolean | null; replayable: boolean }>;
}

async function demand(url: string, since = 0): Promise<Demand> {
  const [status, d] = await admin(url, 'GET', `/admin/cache/demand?open=true&since=${since}`);
  assert.equal(status, 200);
  return d as Demand;
}

/** Counts per key summed over the windows (the sequence may straddle a window boundary). */
function counts(d: Demand): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of d.windows) for (const k of w.keys) out[k.key] = (out[k.key] ?? 0) + k.count;
  return out;
}

async function metric(url: string, line: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const l of text.split('\n')) if (l.startsWith(`${line} `)) return Number(l.slice(line.length + 1));
  return null;
}

const keyOf = (body: Record<string, unknown>): string => cacheKeyOf('chat', body);

test('demand: exact counts per cache key for a known sequence, hits included, uncacheable requests left out', async () => {
  const url = await gateway(cachedPolicy(64 * 1024));
  const a = chatBody('question a');
  const b = chatBody('question b', { temperature: 0 });
  const c = chatBody('question c');
  const before = mock.hits.length;
  for (const body of [a, b, a, c, a, b, a, a]) assert.equal((await chat(url, body)).status, 200);
  // Not demand: streamed (never cached), sampled (temperature > 0), an unknown key (refused).
  assert.equal((await chat(url, chatBody('question a', { stream: true }))).status, 200);
  assert.equal((await chat(url, chatBody('question d', { temperature: 0.7 }))).status, 200);
  assert.equal((await chat(url, a, 'sk-nobody')).status, 401);
  // Three distinct answers fetched, plus the stream and the sampled one.
  assert.equal(mock.hits.length - before, 5);

  const d = await demand(url);
  assert.equal(d.enabled, true);
  assert.equal(d.sharedTier, false);
  assert.deepEqual(counts(d), { [keyOf(a)]: 5, [keyOf(b)]: 2, [keyOf(c)]: 1 });
  assert.equal(
    d.windows.reduce((s, w) => s + w.total, 0),
    8,
  );
  assert.ok(d.windows.every((w) => w.keys.every((k) => k.error === 0)));
  for (const body of [a, b, c])
    assert.deepEqual(d.keys[keyOf(body)], { cached: true, shared: null, replayable: true });
  // Windows are aligned to the interval (10 s, the telemetry default); none start in the future.
  for (const w of d.windows) assert.deepEqual([w.start % 10_000, w.end - w.start], [0, 10_000]);
  assert.deepEqual((await demand(url, Date.now() + 20_000)).windows, []);
  // The admin guard applies.
  const anon = await fetch(`${url}/admin/cache/demand`);
  assert.equal(anon.status, 401);
  await anon.arrayBuffer();
});

test('prewarm: one upstream call per key, the next identical request is a hit; unknown keys refused with a reason', async () => {
  const url = await gateway(cachedPolicy());
  const d1 = chatBody('prewarm me');
  const e1 = chatBody('evict d1');
  assert.equal((await chat(url, d1)).cache, null);
  assert.equal((await chat(url, e1, KEYS.beta)).cache, null); // evicts d1 (one answer fits)
  const before = mock.hits.length;
  let d = await demand(url);
  assert.deepEqual([d.keys[keyOf(d1)].cached, d.keys[keyOf(e1)].cached], [false, true]);

  const unknown = 'f'.repeat(64);
  const [status, res] = await admin(url, 'POST', '/admin/cache/prewarm', {
    keys: [keyOf(d1), unknown, keyOf(e1), keyOf(d1)],
  });
  assert.equal(status, 200);
  const { results, counts: outcomes } = res as {
    results: { key: string; outcome: string; status?: number; reason?: string; costUsd?: number }[];
    counts: Record<string, number>;
  };
  assert.deepEqual(
    results.map((r) => [r.key, r.outcome]),
    [
      [keyOf(d1), 'stored'],
      [unknown, 'unknown'],
      [keyOf(e1), 'cached'],
    ],
  );
  assert.match(String(results[1].reason), /no recent request with this cache key on this replica/);
  assert.deepEqual(outcomes, { stored: 1, unknown: 1, cached: 1 });
  // 'prewarm me': 10 characters -> 3 prompt tokens; 12 completion tokens; $1 and $2 per MTok.
  assert.equal(results[0].costUsd, (3 * 1 + 12 * 2) / 1e6);
  // Exactly one upstream call, for d1's model (mapped to the upstream's name as for a client).
  assert.equal(mock.hits.length - before, 1);
  assert.equal(mock.hits.at(-1)?.model, 'mock-model');

  // The next identical client request is a hit: no upstream call.
  assert.deepEqual(await chat(url, d1), { status: 200, cache: 'hit', tier: null });
  assert.equal(mock.hits.length - before, 1);

  // Not demand (d1: the client's two requests), not tenant usage, its own counters.
  d = await demand(url);
  assert.deepEqual(counts(d), { [keyOf(d1)]: 2, [keyOf(e1)]: 1 });
  const [, usage] = await admin(url, 'GET', '/admin/usage/acme');
  assert.deepEqual(
    [(usage as { completed: number }).completed, (usage as { cached: number }).cached],
    [1, 1],
  );
  assert.equal(await metric(url, 'sluice_cache_prewarm_total{outcome="stored"}'), 1);
  assert.equal(await metric(url, 'sluice_cache_prewarm_total{outcome="unknown"}'), 1);
  assert.equal(await metric(url, 'sluice_cache_prewarm_cost_usd_total'), (3 * 1 + 12 * 2) / 1e6);
  assert.equal(
    await metric(
      url,
      'sluice_requests_total{outcome="completed",tenant="acme",model="gpt-test",arm="control"}',
    ),
    1,
  );

  // Without waiting: the call answers `started`, the fetch ends later and is counted then.
  assert.equal((await chat(url, e1, KEYS.beta)).cache, null); // d1's pre-warm had evicted e1; now e1 evicts d1
  const [, started] = await admin(url, 'POST', '/admin/cache/prewarm?wait=false', { keys: [keyOf(d1)] });
  assert.deepEqual((started as { results: unknown }).results, [{ key: keyOf(d1), outcome: 'started' }]);
  for (let n = 0; n < 100 && (await metric(url, 'sluice_cache_prewarm_total{outcome="stored"}')) !== 2; n++)
    await sleep(20);
  assert.equal(await metric(url, 'sluice_cache_prewarm_total{outcome="stored"}'), 2);
  assert.deepEqual(await chat(url, d1), { status: 200, cache: 'hit', tier: null });
  assert.equal(mock.hits.length - before, 3); // e1 again, and d1's second pre-warm

  // Malformed calls are 400s; without the admin token, 401.
  const [bad] = await admin(url, 'POST', '/admin/cache/prewarm', { keys: 'nope' });
  assert.equal(bad, 400);
  const anon = await fetch(`${url}/admin/cache/prewarm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keys: [keyOf(d1)] }),
  });
  assert.equal(anon.status, 401);
  await anon.arrayBuffer();
});

test('prewarm with the shared tier: fills Redis, and takes an answer Redis holds without an upstream call', async () => {
  const policy = cachedPolicy();
  const redisOpts = { url: redis.url, distributePolicy: false };
  const a = await gateway(policy, { redis: redisOpts, replicaId: 'pw-a' });
  const b = await gateway(policy, { redis: redisOpts, replicaId: 'pw-b' });
  const h = chatBody('shared h');
  const i = chatBody('shared i');
  const inRedis = async (body: Record<string, unknown>): Promise<boolean> =>
    (await raw.exists(`sluice:cache:v1:${keyOf(body)}`)) === 1;
  const settle = async (want: boolean, body: Record<string, unknown>): Promise<void> => {
    for (let n = 0; n < 50 && (await inRedis(body)) !== want; n++) await sleep(20);
    assert.equal(await inRedis(body), want);
  };
  await chat(a, h);
  await chat(a, i); // evicts h from a's L1; Redis holds both
  await settle(true, h);
  await settle(true, i);
  let before = mock.hits.length;

  // Redis holds h: the pre-warm fills a's L1 from it, no upstream call.
  let [, res] = await admin(a, 'POST', '/admin/cache/prewarm', { keys: [keyOf(h)] });
  assert.deepEqual((res as { counts: unknown }).counts, { shared: 1 });
  assert.equal(mock.hits.length, before);
  const d = await demand(a);
  assert.equal(d.sharedTier, true);
  assert.deepEqual(d.keys[keyOf(i)], { cached: false, shared: true, replayable: true });

  // Redis lost i (evicted there): the pre-warm asks the upstream once and stores it in Redis too,
  // so replica b, which never saw i, answers it from Redis.
  await raw.del(`sluice:cache:v1:${keyOf(i)}`);
  before = mock.hits.length;
  [, res] = await admin(a, 'POST', '/admin/cache/prewarm', { keys: [keyOf(i)] });
  assert.deepEqual((res as { counts: unknown }).counts, { stored: 1 });
  assert.equal(mock.hits.length - before, 1);
  await settle(true, i);
  assert.deepEqual(await chat(b, i), { status: 200, cache: 'hit', tier: 'shared' });
  assert.equal(mock.hits.length - before, 1);
  // b never saw h: it cannot replay it.
  [, res] = await admin(b, 'POST', '/admin/cache/prewarm', { keys: [keyOf(h)] });
  assert.deepEqual((res as { counts: unknown }).counts, { unknown: 1 });
});
