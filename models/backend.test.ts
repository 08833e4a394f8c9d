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

test('auto falls back past the absent native and webgpu packages to wasm, saying why', async () => {
  await selectBackend('cpu', () => {});
  const choice = await selectBackend('auto', () => {});
  assert.equal(choice.name, 'wasm');
  assert.deepEqual(
    choice.skipped.map((s) => s.name),
    ['tensorflow', 'webgpu'],
  );
  assert.match(choice.skipped[1].reason, /webgpu/);
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
