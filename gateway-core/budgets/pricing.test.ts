import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costUsd } from './pricing.js';

test('costUsd: tokens times USD per million tokens', () => {
  assert.equal(costUsd(1_000_000, 0, { inputPricePerMTok: 2.5, outputPricePerMTok: 10 }), 2.5);
  assert.equal(costUsd(0, 1_000_000, { inputPricePerMTok: 2.5, outputPricePerMTok: 10 }), 10);
  // 1000 * 3 + 500 * 15 = 10500 micro-dollars.
  assert.equal(costUsd(1000, 500, { inputPricePerMTok: 3, outputPricePerMTok: 15 }), 0.0105);
  assert.equal(costUsd(250_000, 125_000, { inputPricePerMTok: 0.15, outputPricePerMTok: 0.6 }), 0.1125);
  assert.equal(costUsd(0, 0, { inputPricePerMTok: 3, outputPricePerMTok: 15 }), 0);
  assert.throws(() => costUsd(-1, 0, { inputPricePerMTok: 3, outputPricePerMTok: 15 }), RangeError);
});
