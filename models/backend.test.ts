import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { resolveBackendRequest, selectBackend } from './backend.js';

test('flag beats SLUICE_TF_BACKEND, which beats auto; unknown names are config errors', () => {
  assert.equal(resolveBackendRequest('WASM', { SLUICE_TF_BACKEND: 'cpu' }), 'wasm');
  assert.equal(resolveBackendRequest(undefined, { SLUICE_TF_BACKEND: 'cpu' }), 'cpu');
  assert.equal(resolveBackendRequest(undefined, {}), 'auto');
  assert.throws(() => resolveBackendRequest('cuda', {}), { code: 'SLUICE_CONFIG_INVALID', message: /cuda/ });
});

test('wasm starts by name, computes, and is logged', async () => {
  const lines: string[] = [];
  const choice = await selectBackend('wasm', (l) => lines.push(l));
  assert.equal(choice.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(Array.from(tf.tensor1d([1, 2, 3]).mul(2).dataSync()), [2, 4, 6]);
  assert.match(lines[0], /backend wasm/);
});

test('auto takes the first backend that starts, in order, saying why each one before it did not', async () => {
  await selectBackend('cpu', () => {});
  const choice = await selectBackend('auto', () => {});
  const order = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
  const skipped = choice.skipped.map((s) => s.name);
  assert.deepEqual(skipped, order.slice(0, order.indexOf(choice.name)));
  assert.ok(choice.skipped.every((s) => s.reason.length > 0));
  // On the build machines neither tfjs-node nor webgpu is installed: auto lands on wasm.
  if (skipped.includes('webgpu'))
    assert.match(choice.skipped[skipped.indexOf('webgpu')].reason, /webgpu|adapter/);
});

test('webgpu by name fails with a clear error instead of falling back', async () => {
  await assert.rejects(
    selectBackend('webgpu', () => {}),
    {
      code: 'SLUICE_CONFIG_INVALID',
      message: /backend 'webgpu' was requested but cannot start/,
    },
  );
  assert.equal(tf.getBackend(), 'wasm');
});

test('cpu starts by name', async () => {
  const choice = await selectBackend('cpu', () => {});
  assert.equal(choice.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
});
