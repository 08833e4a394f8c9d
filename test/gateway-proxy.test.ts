import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { chatBody, KEYS, testPolicy } from './harness/policies.js';

let mock: MockOpenAI;
let gw: FastifyInstance;

before(async () => {
  mock = await startMockOpenAI();
  gw = await buildGateway({ policy: testPolicy(mock.url), logLevel: process.env.LOG_LEVEL ?? 'silent' });
});
after(async () => {
  await gw.close();
  await mock.close();
});

const auth = { authorization: `Bearer ${KEYS.acme}` };

test('chat completion is proxied with the upstream model name and usage', async () => {
  mock.reset();
  const res = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: auth,
    payload: chatBody(),
  });
  assert.equal(res.statusCode, 200);
  const body = res.json() as { usage: { prompt_tokens: number; completion_tokens: number }; model: string };
  assert.equal(body.model, 'mock-model');
  assert.deepEqual(body.usage, { prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 });
  assert.equal(mock.hits.length, 1);
  assert.equal(mock.hits[0].path, '/v1/chat/completions');
  assert.equal(res.headers['x-sluice-backend'], 'primary');
});

test('SSE streaming passes through chunk by chunk; tokens come from the usage chunk', async () => {
  mock.reset();
  const res = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: auth,
    payload: chatBody('hi', { stream: true }),
  });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/event-stream/);
  const events = res.body.split('\n\n').filter((e) => e !== '');
  assert.equal(events.length, 5); // 4 deltas + [DONE]; the usage chunk the gateway asked for is dropped
  assert.equal(events[4], 'data: [DONE]');
  assert.equal(mock.hits[0].stream, true);
  const usage = gw.sluice.usage.get('acme');
  assert.equal(usage.outputTokens >= 12, true);
});

test('errors come in OpenAI shape with the right status', async () => {
  const noKey = await gw.inject({ method: 'POST', url: '/v1/chat/completions', payload: chatBody() });
  assert.equal(noKey.statusCode, 401);
  assert.equal((noKey.json() as { error: { code: string } }).error.code, 'SLUICE_UNAUTHORIZED');
  const badKey = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: 'Bearer nope-nope' },
    payload: chatBody(),
  });
  assert.equal(badKey.statusCode, 401);
  const malformed = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{"model": ',
  });
  assert.equal(malformed.statusCode, 400);
  assert.equal((malformed.json() as { error: { type: string } }).error.type, 'invalid_request_error');
  const noMessages = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: auth,
    payload: { model: 'gpt-test' },
  });
  assert.equal(noMessages.statusCode, 400);
  const unknownModel = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: auth,
    payload: chatBody('x', { model: 'nope' }),
  });
  assert.equal(unknownModel.statusCode, 404);
});

test('models, embeddings and completions', async () => {
  const models = await gw.inject({ method: 'GET', url: '/v1/models', headers: auth });
  assert.deepEqual(
    (models.json() as { data: { id: string }[] }).data.map((m) => m.id),
    ['gpt-test'],
  );
  const emb = await gw.inject({
    method: 'POST',
    url: '/v1/embeddings',
    headers: auth,
    payload: { model: 'gpt-test', input: 'abcdefgh' },
  });
  assert.equal(emb.statusCode, 200);
  const cmp = await gw.inject({
    method: 'POST',
    url: '/v1/completions',
    headers: auth,
    payload: { model: 'gpt-test', prompt: 'abcd' },
  });
  assert.equal(cmp.statusCode, 200);
});

test('oversized requests get 413 in OpenAI shape', async () => {
  const big = 'x'.repeat(5 * 1024 * 1024);
  const res = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: auth,
    payload: chatBody(big),
  });
  assert.equal(res.statusCode, 413);
  assert.equal((res.json() as { error: { code: string } }).error.code, 'SLUICE_TOO_LARGE');
});

test('a client that disconnects cancels its upstream request', async () => {
  mock.reset();
  mock.set({ delayMs: 0, chunkDelayMs: 100, streamChunks: 20 });
  await gw.listen({ port: 0, host: '127.0.0.1' });
  const addr = gw.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const ac = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(chatBody('hi', { stream: true })),
    signal: ac.signal,
  });
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
  for (let i = 0; i < 100 && mock.aborted === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(mock.aborted, 1);
  for (let i = 0; i < 100 && gw.sluice.driver.engine.backendSnapshot('primary')!.inFlight > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(gw.sluice.driver.engine.backendSnapshot('primary')!.inFlight, 0);
  mock.reset();
});
