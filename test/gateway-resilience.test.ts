/**
 * Upstream trouble end to end: fallback to the next backend on 5xx, retry-after honoured within
 * the deadline, the circuit breaker opening, timeouts, and errors with no fallback left.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { chatBody, KEYS, testPolicy } from './harness/policies.js';

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
  const g = await buildGateway({ policy, logLevel: process.env.LOG_LEVEL ?? 'silent' });
  gateways.push(g);
  return g;
}

const acme = { authorization: `Bearer ${KEYS.acme}` };
const chat = (g: FastifyInstance, body = chatBody()) =>
  g.inject({ method: 'POST', url: '/v1/chat/completions', headers: acme, payload: body });

test('a 5xx from the primary falls back to the secondary: the client sees 200', async () => {
  const g = await gateway(testPolicy(primary.url, secondary.url));
  primary.set({ failStatus: 500 });
  const res = await chat(g);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-sluice-backend'], 'secondary');
  assert.deepEqual([primary.hits.length, secondary.hits.length], [1, 1]);
  const stream = await chat(g, chatBody('hi', { stream: true }));
  assert.equal(stream.statusCode, 200);
  assert.match(stream.body, /data: \[DONE\]/);
});

test('a 429 with retry-after from a lone backend is retried after it, within the deadline', async () => {
  const g = await gateway(testPolicy(primary.url));
  primary.set({ script: [429], retryAfterS: 1 });
  const res = await chat(g);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(
    primary.hits.map((h) => h.status),
    [429, 200],
  );
});

test('retries are bounded: a failing lone backend gives 502 after maxAttempts', async () => {
  const p = testPolicy(primary.url);
  p.routing = { fallbackOn: ['5xx'], maxAttempts: 2 };
  const g = await gateway(p);
  primary.set({ failStatus: 503 });
  const res = await chat(g);
  assert.equal(res.statusCode, 502);
  assert.equal((res.json() as { error: { code: string } }).error.code, 'SLUICE_UPSTREAM_ERROR');
  assert.equal(primary.hits.length, 2);
});

test('an upstream that does not answer in time gives 504', async () => {
  const p = testPolicy(primary.url);
  p.backends.primary.timeout = '200ms';
  p.routing = { fallbackOn: ['5xx'], maxAttempts: 1 };
  const g = await gateway(p);
  primary.set({ delayMs: 1000 });
  const res = await chat(g);
  assert.equal(res.statusCode, 504);
  assert.equal((res.json() as { error: { code: string } }).error.code, 'SLUICE_UPSTREAM_TIMEOUT');
  primary.set({ delayMs: 0 });
});

test('the circuit breaker opens on a failing primary: later requests skip it', async () => {
  const p = testPolicy(primary.url, secondary.url);
  p.backends.primary.breaker = { failureRateThreshold: 0.5, minimumCalls: 4, window: '30s', cooldown: '30s' };
  const g = await gateway(p);
  primary.set({ failStatus: 500 });
  const codes: number[] = [];
  for (let i = 0; i < 12; i++) codes.push((await chat(g)).statusCode);
  assert.deepEqual(codes, Array(12).fill(200));
  // Four failures open the circuit; after that the primary sees no more traffic.
  assert.equal(primary.hits.length, 4);
  assert.equal(secondary.hits.length, 12);
  const snap = g.sluice.driver.engine.backendSnapshot('primary');
  assert.equal(snap?.instances[0].breaker, 'open');
});

test('an upstream 4xx passes through with its status and body', async () => {
  const g = await gateway(testPolicy(primary.url));
  primary.set({ script: [400] });
  const res = await chat(g);
  assert.equal(res.statusCode, 400);
  assert.equal((res.json() as { error: { message: string } }).error.message, 'mock failure 400');
});
