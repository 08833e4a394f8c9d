/**
 * Cache pre-warming against a live fleet, all real on loopback: gateway replicas (buildGateway,
 * listening), the mock OpenAI upstream counting every call, InfluxDB for the controller's
 * telemetry.
 * - GatewayCacheDemandSource merges the replicas' demand windows exactly and returns each window
 *   once; GatewayAdminActuator.prewarm sends each key to the replicas that can replay it.
 * - `buildLiveController` in adaptive mode (what `sluice controller` runs) pre-warms a key the
 *   gateways keep asking for but do not hold, and every upstream call is accounted for.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { fetch } from 'undici';
import { GatewayAdminActuator } from '../controller/live/gateway-admin-actuator.js';
import { GatewayCacheDemandSource } from '../controller/live/gateway-cache-demand.js';
import { buildLiveController } from '../controller/live/live-setup.js';
import { MemoryAuditSink } from '../controller/rollout/audit-log.js';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { cacheKeyOf } from '../gateway-core/server/openai-request.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { ADMIN_TOKEN, chatBody, KEYS, testPolicy } from './harness/policies.js';
import { type InfluxService, startInflux } from './harness/services.js';

let mock: MockOpenAI;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  mock = await startMockOpenAI();
});
after(async () => {
  for (const c of closers.reverse()) await c();
  await mock.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function gateway(policy: PolicyDocument, influx?: { url: string; database: string }): Promise<string> {
  const app: FastifyInstance = await buildGateway({
    policy,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    telemetryIntervalMs: 1000,
    influx,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}

async function chat(url: string, body: Record<string, unknown>): Promise<string | null> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await r.arrayBuffer();
  assert.equal(r.status, 200);
  return r.headers.get('x-sluice-cache');
}

async function metric(url: string, prefix: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const l of text.split('\n')) if (l.startsWith(prefix)) sum += Number(l.slice(l.lastIndexOf(' ') + 1));
  return sum;
}

const keyOf = (body: Record<string, unknown>): string => cacheKeyOf('chat', body);

/** Pre-warms the gateways stored (fetched and cached), by their own counters. */
async function stored(urls: readonly string[]): Promise<number> {
  let n = 0;
  for (const url of urls) n += await metric(url, 'sluice_cache_prewarm_total{outcome="stored"}');
  return n;
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail('timed out');
}

test('demand merged across replicas exactly, each window once; pre-warm goes to the replicas that can replay a key', async () => {
  // One mock answer fits the cache: the last key asked evicts the one before.
  const policy: PolicyDocument = {
    ...testPolicy(mock.url),
    cache: { enabled: true, ttl: '60s', maxBytes: 400 },
  };
  const [a, b] = [await gateway(policy), await gateway(policy)];
  const x = chatBody('popular x');
  const y = chatBody('only on a');
  const z = chatBody('only on b');
  for (const body of [x, x, x, y]) await chat(a, body);
  for (const body of [x, x, z]) await chat(b, body);
  // Wait for the 1 s windows holding these requests to close.
  await sleep(1000 - (Date.now() % 1000) + 50);

  const source = new GatewayCacheDemandSource({ gateways: [a, b], adminToken: ADMIN_TOKEN });
  assert.deepEqual(await source.refresh(Date.now()), []);
  const counts = source.counts(0, Date.now());
  assert.deepEqual(
    Object.fromEntries([...counts].sort()),
    Object.fromEntries(
      [
        [keyOf(x), 5],
        [keyOf(y), 1],
        [keyOf(z), 1],
      ].sort(),
    ),
  );
  // Every window is returned once.
  assert.equal(source.counts(0, Date.now()).size, 0);
  // x was evicted on both replicas; y and z are held where they were asked.
  assert.deepEqual([...source.cached()].sort(), [keyOf(y), keyOf(z)].sort());
  assert.deepEqual(source.targets(keyOf(x)), [a, b]);
  assert.deepEqual(source.targets(keyOf(y)), [a]);
  const unseen = 'e'.repeat(64);
  assert.deepEqual(source.targets(unseen), [a, b]);

  const actuator = new GatewayAdminActuator({
    gateways: [a, b],
    adminToken: ADMIN_TOKEN,
    now: Date.now,
    prewarmTargets: (k) => source.targets(k),
  });
  assert.equal(await actuator.refresh(), true);
  const before = mock.hits.length;
  actuator.prewarm([keyOf(x), keyOf(y), unseen]);
  const report = await actuator.flush();
  assert.deepEqual(report.problems, []);
  const byUrl = Object.fromEntries(report.prewarm.map((p) => [p.url, [p.keys, p.counts]]));
  // The gateways answer at once: x started on both; y already held on a (x evicts it after).
  assert.deepEqual(byUrl, {
    [a]: [3, { started: 1, cached: 1, unknown: 1 }],
    [b]: [2, { started: 1, unknown: 1 }],
  });
  await until(async () => (await stored([a, b])) === 2);
  assert.equal(mock.hits.length - before, 2);
  // The next client request for x is a hit on both replicas.
  assert.deepEqual([await chat(a, x), await chat(b, x)], ['hit', 'hit']);
  assert.equal(mock.hits.length - before, 2);
  assert.deepEqual(actuator.pendingPrewarm(), []);
});

test('sluice controller (adaptive) pre-warms a key the gateways keep asking for but do not hold', async () => {
  const influx: InfluxService = await startInflux();
  closers.push(() => influx.stop());
  // A 500 ms TTL under one request per second per replica: the key is mostly not held when asked.
  const policy: PolicyDocument = { ...testPolicy(mock.url), cache: { enabled: true, ttl: '500ms' } };
  const databases = ['prewarm_a', 'prewarm_b'];
  const urls = [
    await gateway(policy, { url: influx.url, database: databases[0] }),
    await gateway(policy, { url: influx.url, database: databases[1] }),
  ];
  const sink = new MemoryAuditSink();
  const setup = buildLiveController({
    id: 'ctl-prewarm',
    gateways: urls,
    adminToken: ADMIN_TOKEN,
    influx: { url: influx.url, databases, settleMs: 1500 },
    redis: null,
    intervalMs: 1000,
    audit: sink.sink,
    adaptive: { queueWeights: false },
    prewarm: { k: 4 },
  });
  closers.push(() => setup.close());
  assert.ok(setup.cacheDemand !== null);
  const p = chatBody('what is on sale today?');
  const before = mock.hits.length;
  let clientMisses = 0;
  let stop = false;
  const load = (async () => {
    while (!stop) {
      for (const url of urls) if ((await chat(url, p)) !== 'hit') clientMisses++;
      await sleep(1000);
    }
  })();
  await setup.start();
  await until(async () => (await stored(urls)) > 0);
  stop = true;
  await load;
  await setup.close();
  await sleep(200); // a pre-warm the gateways started last ends (the mock answers at once)

  const planned = sink.entries().filter((e) => e.kind === 'action' && e.action === 'prewarm');
  assert.ok(planned.length > 0, 'the controller planned a pre-warm');
  for (const e of planned) assert.deepEqual(e.keys, [keyOf(p)]);
  const started = sink
    .entries()
    .filter((e) => e.kind === 'action' && e.action === 'prewarm-result')
    .flatMap((e) => e.gateways as { url: string; counts: Record<string, number> }[])
    .reduce((n, r) => n + (r.counts.started ?? 0), 0);
  const fetched = await stored(urls);
  let unstored = 0;
  for (const url of urls) unstored += await metric(url, 'sluice_cache_prewarm_total{outcome="not_stored"}');
  // Every fetch the gateways counted was started by the controller, and every upstream call is a
  // client's miss or one of those fetches.
  assert.ok(fetched > 0 && fetched + unstored <= started, JSON.stringify({ fetched, unstored, started }));
  assert.equal(mock.hits.length - before, clientMisses + fetched + unstored);
});
