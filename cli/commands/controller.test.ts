import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ControllerArgs, controllerOptions, parseScalePool } from './controller.js';

const args: ControllerArgs = {
  gateway: ['http://127.0.0.1:8080'],
  influx: 'http://127.0.0.1:8086',
  influxDb: [],
  adminToken: 's3cret',
  interval: '10s',
  dryRun: false,
  canaryPercent: 20,
  prewarmK: 32,
  scalePool: [],
};

const invalid = (message: RegExp) => (e: unknown) =>
  (e as { code?: string }).code === 'SLUICE_CONFIG_INVALID' && message.test((e as Error).message);

test('--scale-pool NAME:MIN:MAX:DELAY becomes an adaptive backend; bad values name the fix', () => {
  assert.deepEqual(parseScalePool('gpu:4:16:90s'), [
    'gpu',
    { minInstances: 4, maxInstances: 16, provisioningDelayMs: 90_000 },
  ]);
  assert.throws(() => parseScalePool('gpu:4:16'), invalid(/expected NAME:MIN:MAX:DELAY, e.g. gpu:4:16:90s/));
  assert.throws(() => parseScalePool('gpu:8:4:90s'), invalid(/MAX must be a whole number >= MIN/));
  assert.throws(() => parseScalePool('gpu:x:4:90s'), invalid(/MIN must be a whole number/));
  assert.throws(() => parseScalePool('gpu:1:4:soon'), invalid(/--scale-pool/));
});

test('controller flags map to the live setup: pools, pre-warming, webhook, metrics port', () => {
  const o = controllerOptions(
    {
      ...args,
      scalePool: ['gpu:4:16:90s', 'cpu:1:2:30s'],
      prewarmK: 0,
      scaleWebhook: 'http://127.0.0.1:9000/scale',
      metricsPort: 9464,
    },
    () => {},
  );
  assert.deepEqual(o.adaptive?.backends, {
    gpu: { minInstances: 4, maxInstances: 16, provisioningDelayMs: 90_000 },
    cpu: { minInstances: 1, maxInstances: 2, provisioningDelayMs: 30_000 },
  });
  assert.equal(o.prewarm, false);
  assert.deepEqual(o.scale, { webhook: 'http://127.0.0.1:9000/scale', metricsPort: 9464 });
  const plain = controllerOptions(args, () => {});
  assert.deepEqual([plain.prewarm, plain.scale, plain.adaptive?.backends], [{ k: 32 }, {}, undefined]);
  assert.throws(
    () => controllerOptions({ ...args, metricsPort: 70_000 }, () => {}),
    invalid(/--metrics-port/),
  );
  assert.throws(
    () => controllerOptions({ ...args, scaleWebhook: 'not a url' }, () => {}),
    invalid(/--scale-webhook must be a URL/),
  );
});
