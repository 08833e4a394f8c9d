import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseBlend } from './holt-winters-blend.js';

const params = { alpha: 0.1, beta: 0.01, gamma: 0.1, phi: 1 };

test('chooseBlend: the weight and season whose mix has the least MAE (known answer)', () => {
  // The network errs +2 where the targets are 0, the daily filter -2 and the weekly +1: the even
  // mix of network and daily is exact; the weekly's best mix (0.75: 0.5 + 0.75) is not.
  const targets = [0, 0, 0, 0];
  const net = [2, 2, 2, 2];
  const blend = chooseBlend(net, targets, [
    { period: 336, params, p50: [1, 1, 1, 1] },
    { period: 48, params, p50: [-2, -2, -2, -2] },
  ]);
  assert.deepEqual(blend, { period: 48, weight: 0.5, params });
});

test('chooseBlend: null where the network alone is at least as good', () => {
  assert.equal(chooseBlend([1, -1, 0], [1, -1, 0], [{ period: 48, params, p50: [5, 5, 5] }]), null);
  assert.equal(chooseBlend([1, 2], [0, 0], []), null);
});
