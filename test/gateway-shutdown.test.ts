/**
 * Graceful shutdown: close() stops taking new requests (readiness, /readyz, reports draining) while the
 * requests in flight finish with their answers.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildGateway } from '../gateway-core/server/gateway-app.js';
import { type MockOpenAI, startMockOpenAI } from './harness/mock-openai.js';
import { chatBody, KEYS, testPolicy } from './harness/policies.js';

let mock: MockOpenAI;
before(async () => {
  mock = await startMockOpenAI({ delayMs: 300 });
});
after(async () => {
  await mock.close();
});

test('close() drains: in-flight requests finish with 200 while the gateway is draining', async () => {
  const gw = await buildGateway({ policy: testPolicy(mock.url), logLevel: 'silent' });
  await gw.listen({ port: 0, host: '127.0.0.1' });
  const addr = gw.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const send = () =>
    fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody()),
    });
  const inflight = [send(), send(), send()];
  for (let i = 0; i < 100 && mock.inFlight < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(mock.inFlight, 3);
  const closing = gw.close();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(gw.sluice.draining, true);
  const results = await Promise.all(inflight);
  assert.deepEqual(
    results.map((r) => r.status),
    [200, 200, 200],
  );
  await closing;
  assert.equal(mock.hits.length, 3);
});
