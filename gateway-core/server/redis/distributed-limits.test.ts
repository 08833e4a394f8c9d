import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Redis } from 'ioredis';
import { type RedisService, startRedis } from '../../../test/harness/services.js';
import { DistributedLimits } from './distributed-limits.js';
import type { GlobalLimit } from './global-limit.js';
import { type PublishedPolicy, PolicyBus } from './policy-bus.js';
import { connectRedis, waitReady } from './redis-client.js';

let redis: RedisService;
const clients: Redis[] = [];
let keySeq = 0;
const now = (): number => performance.timeOrigin + performance.now();

async function client(): Promise<Redis> {
  const c = connectRedis(redis.url);
  clients.push(c);
  await waitReady(c);
  return c;
}

function limit(over: Partial<GlobalLimit>): GlobalLimit {
  return {
    id: 'requests:apiKey',
    key: `k-${++keySeq}`,
    algorithm: 'token-bucket',
    limit: 5,
    periodMs: 3_600_000,
    burst: 5,
    failMode: 'open',
    ...over,
  };
}

before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

test('exact token bucket admits exactly the burst, counting down remaining', async () => {
  const dl = new DistributedLimits({ client: await client(), mode: 'exact', now });
  const l = limit({});
  const seen: [boolean, number][] = [];
  for (let i = 0; i < 7; i++) {
    const d = await dl.acquireOne(l, 1);
    seen.push([d.allowed, d.remaining]);
  }
  assert.deepEqual(seen, [
    [true, 4],
    [true, 3],
    [true, 2],
    [true, 1],
    [true, 0],
    [false, 0],
    [false, 0],
  ]);
  // A refund of 2 lets exactly 2 more in.
  await dl.adjust(l, -2);
  const more = await Promise.all([1, 2, 3].map(() => dl.acquireOne(l, 1)));
  assert.equal(more.filter((d) => d.allowed).length, 2);
});

test('exact mode: two replicas on one Redis admit exactly the limit (sliding window)', async () => {
  const a = new DistributedLimits({ client: await client(), mode: 'exact', now });
  const b = new DistributedLimits({ client: await client(), mode: 'exact', now });
  const l = limit({ algorithm: 'sliding-counter', limit: 25, periodMs: 60_000 });
  const results = await Promise.all(
    Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? a : b).acquire([{ limit: l, amount: 1 }])),
  );
  assert.equal(results.filter((d) => d.allowed).length, 25);
  const refused = results.find((d) => !d.allowed);
  assert.equal(refused?.binding?.id, 'requests:apiKey');
  assert.ok((refused?.retryAfterMs ?? 0) > 0);
});

test('leased mode: admitted stays within limit and limit - replicas x leaseSize, with fewer Redis calls', async () => {
  const a = new DistributedLimits({
    client: await client(),
    mode: 'leased',
    leaseSize: 4,
    leaseTtlMs: 60_000,
    now,
  });
  const b = new DistributedLimits({
    client: await client(),
    mode: 'leased',
    leaseSize: 4,
    leaseTtlMs: 60_000,
    now,
  });
  const l = limit({ algorithm: 'sliding-counter', limit: 40, periodMs: 60_000 });
  let admitted = 0;
  for (let i = 0; i < 100; i++) {
    const d = await (i % 2 === 0 ? a : b).acquireOne(l, 1);
    if (d.allowed) admitted++;
  }
  assert.ok(admitted <= 40, `admitted ${admitted}`);
  assert.ok(admitted >= 40 - 2 * 4, `admitted ${admitted}`);
  // Sequential use: each replica's leases are 4 units, so 40 admissions cost 10 lease calls, plus
  // the refused requests' attempts.
  assert.ok(a.redisCalls + b.redisCalls < 100, `redis calls ${a.redisCalls + b.redisCalls}`);
});

test('leased mode: concurrent requests larger than a lease are all served while the limit allows', async () => {
  const dl = new DistributedLimits({
    client: await client(),
    mode: 'leased',
    leaseSize: 4,
    leaseTtlMs: 60_000,
    now,
  });
  const l = limit({ limit: 1000, burst: 1000 });
  const rs = await Promise.all(Array.from({ length: 20 }, () => dl.acquireOne(l, 10)));
  assert.equal(rs.filter((d) => d.allowed).length, 20);
  const big = await Promise.all(Array.from({ length: 20 }, () => dl.acquireOne(l, 100)));
  // 800 units left: exactly 8 requests of 100 fit.
  assert.equal(big.filter((d) => d.allowed).length, 8);
});

test('Redis down: fail-open falls back to a local limit, fail-closed refuses; recovery is automatic', async () => {
  const health: string[] = [];
  const fallbacks: string[] = [];
  const dl = new DistributedLimits({
    client: await client(),
    mode: 'exact',
    now,
    onHealth: (up) => health.push(up ? 'up' : 'down'),
    onFallback: (l, source) => fallbacks.push(`${l.failMode}:${source}`),
  });
  const open = limit({ limit: 3, burst: 3, failMode: 'open' });
  const closed = limit({ limit: 3, burst: 3, failMode: 'closed' });
  assert.equal((await dl.acquireOne(open, 1)).source, 'redis');
  await redis.kill();
  const o = await Promise.all([1, 2, 3, 4].map(() => dl.acquireOne(open, 1)));
  assert.deepEqual(
    o.map((d) => [d.allowed, d.source]),
    [
      [true, 'fallback'],
      [true, 'fallback'],
      [true, 'fallback'],
      [false, 'fallback'],
    ],
  );
  const c = await dl.acquireOne(closed, 1);
  assert.deepEqual([c.allowed, c.source, c.retryAfterMs], [false, 'fail-closed', 1000]);
  assert.equal(dl.redisUp, false);
  await redis.restart();
  for (let i = 0; i < 100 && !dl.redisUp; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(dl.redisUp, true);
  const back = await dl.acquireOne(closed, 1);
  assert.deepEqual([back.allowed, back.source], [true, 'redis']);
  assert.deepEqual(health, ['down', 'up']);
  assert.deepEqual(fallbacks, [
    'open:fallback',
    'open:fallback',
    'open:fallback',
    'open:fallback',
    'closed:fail-closed',
  ]);
});

test('policy bus: a published version reaches the other replica; a late one catches up', async () => {
  const gotB: PublishedPolicy[] = [];
  const busA = new PolicyBus(await client(), await client(), () => {});
  const busB = new PolicyBus(await client(), await client(), (p) => gotB.push(p));
  await busA.start();
  await busB.start();
  const v1 = await busA.publish({ name: 'one' }, 'replica-a');
  for (let i = 0; i < 100 && gotB.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(gotB, [{ version: v1, by: 'replica-a', policy: { name: 'one' } }]);
  const v2 = await busA.publish({ name: 'two' }, 'replica-a');
  assert.equal(v2, v1 + 1);
  const gotC: PublishedPolicy[] = [];
  const busC = new PolicyBus(await client(), await client(), (p) => gotC.push(p));
  await busC.start();
  assert.deepEqual(gotC, [{ version: v2, by: 'replica-a', policy: { name: 'two' } }]);
  assert.equal(await busC.catchUp(), false);
  await Promise.all([busA.stop(), busB.stop(), busC.stop()]);
});
