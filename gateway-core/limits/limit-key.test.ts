import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isFixedPerKey, type LimitKeyAttributes, limitKey } from './limit-key.js';

const attrs: LimitKeyAttributes = {
  keyId: 'k-1f3a',
  tenant: 'acme',
  model: 'gpt-4o',
  user: 'u42',
  ip: '10.0.0.7',
};

test('limitKey: the by-part values in order, NUL-separated', () => {
  assert.equal(limitKey(['tenant'], attrs), 'acme');
  assert.equal(limitKey(['tenant', 'model'], attrs), 'acme\u0000gpt-4o');
  assert.equal(limitKey(['model', 'tenant'], attrs), 'gpt-4o\u0000acme');
  assert.equal(limitKey(['apiKey', 'user', 'ip'], attrs), 'k-1f3a\u0000u42\u000010.0.0.7');
  assert.equal(limitKey(['global'], attrs), '*');
  assert.equal(limitKey(['tenant', 'global'], attrs), 'acme\u0000*');
  // A request without a user or ip shares the '' bucket.
  assert.equal(limitKey(['tenant', 'user'], { keyId: 'k', tenant: 'acme', model: 'm' }), 'acme\u0000');
  assert.equal(limitKey(['ip'], { keyId: 'k', tenant: 'acme', model: 'm', ip: '::1' }), '::1');
});

test('limitKey: a value holding NUL (or starting with \\u0001) is JSON-quoted, so it cannot forge another key', () => {
  const sneaky = limitKey(['user', 'ip'], { ...attrs, user: 'u42\u000010.0.0.7', ip: '' });
  assert.equal(sneaky, '\u0001"u42\\u000010.0.0.7"\u0000');
  assert.notEqual(sneaky, limitKey(['user', 'ip'], attrs));
  assert.equal(limitKey(['user'], { ...attrs, user: '\u0001x' }), '\u0001"\\u0001x"');
});

test('limitKey: distinct attribute tuples give distinct keys (property)', () => {
  const value = fc.string({
    unit: fc.constantFrom('a', 'b', '\u0000', '\u0001', '"', '\\', '*'),
    maxLength: 6,
  });
  const tuple = fc.tuple(value, value, value);
  fc.assert(
    fc.property(tuple, tuple, (x, y) => {
      const kx = limitKey(['tenant', 'user', 'ip'], {
        keyId: 'k',
        model: 'm',
        tenant: x[0],
        user: x[1],
        ip: x[2],
      });
      const ky = limitKey(['tenant', 'user', 'ip'], {
        keyId: 'k',
        model: 'm',
        tenant: y[0],
        user: y[1],
        ip: y[2],
      });
      assert.equal(kx === ky, x[0] === y[0] && x[1] === y[1] && x[2] === y[2]);
    }),
    { numRuns: 2000 },
  );
});

test('isFixedPerKey: only user and ip vary per request', () => {
  assert.equal(isFixedPerKey(['apiKey', 'tenant', 'model', 'global']), true);
  assert.equal(isFixedPerKey(['tenant', 'user']), false);
  assert.equal(isFixedPerKey(['ip']), false);
});
