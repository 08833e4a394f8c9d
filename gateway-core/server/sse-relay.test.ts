import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseRelay } from './sse-relay.js';

const delta = (c: string): string => `data: {"choices":[{"index":0,"delta":{"content":"${c}"}}]}\n\n`;
const usage = 'data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}\n\n';

test('passes events whole, holding a split event until its end, and reads the usage chunk', () => {
  const r = new SseRelay(false);
  const stream = delta('a') + delta('b') + delta('c') + usage + 'data: [DONE]\n\n';
  const cut = 30;
  const first = r.push(stream.slice(0, cut));
  assert.equal(first, '');
  const second = r.push(stream.slice(cut));
  assert.equal(first + second + r.end(), stream);
  assert.deepEqual(r.usage, { inputTokens: 7, outputTokens: 3, exact: true, sawDone: true });
});

test('drops the usage-only chunk the gateway asked for; counts deltas when no usage comes', () => {
  const r = new SseRelay(true);
  const out = r.push(delta('a') + usage + 'data: [DONE]\n\n') + r.end();
  assert.equal(out, delta('a') + 'data: [DONE]\n\n');
  assert.equal(r.usage.outputTokens, 3);
  const counted = new SseRelay(true);
  counted.push(delta('a') + delta('b'));
  counted.push(`${delta('c')}data: [DONE]\n\n`);
  counted.end();
  assert.deepEqual(counted.usage, { inputTokens: null, outputTokens: 3, exact: false, sawDone: true });
});
