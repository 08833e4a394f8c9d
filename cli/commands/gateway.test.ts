import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSluiceError } from '../../gateway-core/errors.js';
import { validatePolicy } from '../../gateway-core/policy/validate.js';
import { type GatewayArgs, gatewayOptions } from './gateway.js';

const base: GatewayArgs = {
  port: 0,
  host: '127.0.0.1',
  redisMode: 'exact',
  leaseSize: 20,
  logLevel: 'silent',
};

test('quick start builds a valid one-backend policy with per-key limits', () => {
  const o = gatewayOptions({ ...base, upstream: 'http://127.0.0.1:9/v1', rpm: 60, tpm: 1000 });
  assert.equal(validatePolicy(o.policy).ok, true);
  assert.deepEqual(o.quickStart, { key: 'sluice-quick-start-key', model: 'default' });
  const doc = o.policy as {
    defaults: { limits: unknown[] };
    backends: { upstream: { instances: { url: string }[] } };
  };
  assert.deepEqual(doc.defaults.limits, [
    { id: 'rpm-per-key', rpm: 60, by: ['user'] },
    { id: 'tpm-per-key', tpm: 1000, by: ['user'] },
  ]);
  assert.equal(doc.backends.upstream.instances[0].url, 'http://127.0.0.1:9/v1');
});

test('bad flag combinations are SLUICE_CONFIG_INVALID', () => {
  const codes: string[] = [];
  for (const a of [{ ...base }, { ...base, upstream: 'not a url' }, { ...base, config: 'x.yaml', rpm: 5 }]) {
    try {
      gatewayOptions(a);
    } catch (e) {
      if (isSluiceError(e)) codes.push(e.code);
    }
  }
  assert.deepEqual(codes, ['SLUICE_CONFIG_INVALID', 'SLUICE_CONFIG_INVALID', 'SLUICE_CONFIG_INVALID']);
});

test('redis and influx flags become gateway options', () => {
  const o = gatewayOptions({
    ...base,
    upstream: 'http://h:1',
    redis: 'redis://r:6379',
    redisMode: 'leased',
    leaseSize: 7,
    influx: 'http://i:8086',
  });
  assert.deepEqual(o.redis, { url: 'redis://r:6379', mode: 'leased', leaseSize: 7 });
  assert.deepEqual(o.influx, { url: 'http://i:8086' });
});
