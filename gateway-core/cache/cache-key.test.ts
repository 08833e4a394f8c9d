import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { cacheKey, canonicalJson, isCacheable, normaliseRequest } from './cache-key.js';

const body = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi  there' },
  ],
  temperature: 0,
  max_tokens: 64,
};

test('canonicalJson: sorted keys at every depth, no whitespace, undefined left out', () => {
  assert.equal(
    canonicalJson({ b: [3, { z: 1, a: -0 }], a: 'x', u: undefined, n: null }),
    '{"a":"x","b":[3,{"a":0,"z":1}],"n":null}',
  );
  assert.equal(canonicalJson([undefined, 1.5, 'é']), '[null,1.5,"é"]');
});

test('cacheKey: a known answer (sha256 of the versioned canonical form, 128 bits in hex)', () => {
  const canonical =
    '{"max_tokens":64,"messages":[{"content":"Be brief.","role":"system"},{"content":"Hi  there","role":"user"}],' +
    '"model":"gpt-4o","temperature":0}';
  const expected = createHash('sha256').update(`sluice-cache-v1\n${canonical}`).digest('hex').slice(0, 32);
  assert.equal(cacheKey('gpt-4o', body), expected);
  assert.match(cacheKey('gpt-4o', body), /^[0-9a-f]{32}$/);
});

test('cacheKey: key order and JSON whitespace do not matter', () => {
  const a = JSON.parse('{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"Hi"}]}');
  const b = JSON.parse(`{
    "messages" : [ { "content" : "Hi", "role" : "user" } ],
    "temperature" : 0 ,
    "model" : "gpt-4o"
  }`);
  assert.equal(cacheKey('gpt-4o', a), cacheKey('gpt-4o', b));
});

test('cacheKey: stream, user and other non-semantic fields are excluded; defaults are implied', () => {
  const k = cacheKey('gpt-4o', body);
  assert.equal(cacheKey('gpt-4o', { ...body, stream: true, stream_options: { include_usage: true } }), k);
  assert.equal(cacheKey('gpt-4o', { ...body, user: 'alice', metadata: { run: 1 }, store: true }), k);
  assert.equal(cacheKey('gpt-4o', { ...body, n: 1, top_p: 1, presence_penalty: 0, tools: null }), k);
  // The served model counts, not the body's.
  assert.equal(cacheKey('gpt-4o', { ...body, model: 'alias' }), k);
  assert.notEqual(cacheKey('gpt-4o-mini', body), k);
  // An absent temperature is 1, the same as an explicit 1, and not the same as 0.
  const { temperature: _t, ...noTemp } = body;
  assert.equal(cacheKey('gpt-4o', noTemp), cacheKey('gpt-4o', { ...body, temperature: 1 }));
  assert.notEqual(cacheKey('gpt-4o', noTemp), k);
});

test('cacheKey: what changes the answer changes the key', () => {
  const k = cacheKey('gpt-4o', body);
  const variants: unknown[] = [
    { ...body, temperature: 0.2 },
    { ...body, max_tokens: 65 },
    { ...body, top_p: 0.9 },
    { ...body, stop: ['\n'] },
    { ...body, response_format: { type: 'json_object' } },
    { ...body, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] },
    { ...body, messages: [body.messages[0], { role: 'user', content: 'Hi there' }] },
    { ...body, messages: [body.messages[1], body.messages[0]] },
  ];
  const keys = new Set(variants.map((v) => cacheKey('gpt-4o', v)));
  assert.equal(keys.size, variants.length);
  assert.ok(!keys.has(k));
  // A single stop string means the same as a one-element list.
  assert.equal(cacheKey('gpt-4o', { ...body, stop: 'END' }), cacheKey('gpt-4o', { ...body, stop: ['END'] }));
});

test('normaliseRequest: refuses a body that is not an object', () => {
  assert.throws(() => normaliseRequest('m', [1]), { code: 'SLUICE_BAD_REQUEST' });
  assert.throws(() => cacheKey('m', 'text'), { code: 'SLUICE_BAD_REQUEST' });
  assert.deepEqual(normaliseRequest('m', { user: 'u', stop: 'x', n: 2 }), { stop: ['x'], n: 2, model: 'm' });
});

test('isCacheable: never for n > 1, never sampled unless allowed (absent temperature is 1)', () => {
  assert.equal(isCacheable({ temperature: 0 }), true);
  assert.equal(isCacheable({ temperature: 0, n: 1 }), true);
  assert.equal(isCacheable({ temperature: 0, n: 2 }), false);
  assert.equal(isCacheable({ temperature: 0.7 }), false);
  assert.equal(isCacheable({}), false);
  assert.equal(isCacheable({ temperature: 0.7 }, { allowTemperature: true }), true);
  assert.equal(isCacheable({}, { allowTemperature: true }), true);
  assert.equal(isCacheable({ temperature: 0.7, n: 3 }, { allowTemperature: true }), false);
  assert.equal(isCacheable({ temperature: '0' }), false);
  assert.equal(isCacheable(null), false);
  assert.equal(isCacheable([]), false);
});
