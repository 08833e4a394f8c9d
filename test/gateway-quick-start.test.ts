import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { gatewayOptions } from '../cli/commands/gateway.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';

let mock: MockOpenAI;
let gw: FastifyInstance;

before(async () => {
  mock = await startMockOpenAI();
  gw = await buildGateway(
    gatewayOptions({
      upstream: mock.url,
      rpm: 2,
      port: 0,
      host: '127.0.0.1',
      redisMode: 'exact',
      leaseSize: 20,
      logLevel: process.env.LOG_LEVEL ?? 'silent',
    }),
  );
});
after(async () => {
  await gw.close();
  await mock.close();
});

const send = (key: string) =>
  gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}` },
    payload: { model: 'client-model-x', messages: [{ role: 'user', content: 'hi' }] },
  });

test('quick start: any bearer key is accepted, each with its own --rpm, and the model passes through', async () => {
  const a = [await send('key-one'), await send('key-one'), await send('key-one')].map((r) => r.statusCode);
  const b = [await send('key-two'), await send('key-two')].map((r) => r.statusCode);
  assert.deepEqual(a, [200, 200, 429]);
  assert.deepEqual(b, [200, 200]);
  assert.deepEqual(
    mock.hits.map((h) => h.model),
    ['client-model-x', 'client-model-x', 'client-model-x', 'client-model-x'],
  );
  const noKey = await gw.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    payload: { model: 'm', messages: [{ role: 'user', content: 'x' }] },
  });
  assert.equal(noKey.statusCode, 401);
});
