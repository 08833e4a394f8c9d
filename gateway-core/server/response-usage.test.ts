import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseUsage } from './response-usage.js';

test('reads usage from the bytes of a completion, nested details and all', () => {
  const body = Buffer.from(
    JSON.stringify({
      id: 'x',
      choices: [{ message: { content: 'the "usage" word in content' } }],
      usage: {
        prompt_tokens: 41,
        completion_tokens: 78,
        total_tokens: 119,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    }),
  );
  assert.deepEqual(responseUsage(body), { inputTokens: 41, outputTokens: 78 });
  assert.deepEqual(responseUsage(Buffer.from('{"data":[]}')), { inputTokens: null, outputTokens: null });
  assert.deepEqual(responseUsage(Buffer.from('{"usage":{"prompt_tokens":3,"total_tokens":3}}')), {
    inputTokens: 3,
    outputTokens: null,
  });
});
