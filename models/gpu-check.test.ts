import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuCheck } from './gpu-check.js';

test('the GPU check trains the real forecaster at the size asked and says why a backend did not start', async () => {
  const lines = await gpuCheck(['webgpu', 'wasm'], { days: 3, options: { epochs: 1, hidden: 16 } });
  assert.deepEqual(
    lines.map((l) => l.backend),
    ['webgpu', 'wasm'],
  );
  const [webgpu, wasm] = lines;
  // This machine has no GPU; on one that has, the line is 'ok' like the WASM one.
  if (webgpu.status === 'unavailable') assert.match(webgpu.detail, /webgpu/i);
  assert.equal(wasm.status, 'ok');
  assert.equal(wasm.trainPoints, 3 * 1440);
  assert.equal(wasm.hidden, 16);
  assert.equal(wasm.epochs, 1);
  assert.ok((wasm.trainSeconds ?? 0) > 0 && (wasm.inferenceMsPerStep ?? 0) > 0);
});
