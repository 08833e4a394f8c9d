import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../gateway-core/errors.js';
import { errorReport } from './error-report.js';

test('errorReport: details the message already lists are printed once; others follow it', () => {
  const listed = new SluiceError('SLUICE_CONFIG_INVALID', 's.yaml: invalid scenario:\n  a: bad\n  b: worse', [
    'a: bad',
    'b: worse',
  ]);
  assert.equal(errorReport(listed), 'sluice: s.yaml: invalid scenario:\n  a: bad\n  b: worse\n');
  const apart = new SluiceError('SLUICE_CONFIG_INVALID', 'the policy is invalid', ['tiers: required']);
  assert.equal(errorReport(apart), 'sluice: the policy is invalid\n  tiers: required\n');
  assert.match(errorReport(new Error('boom')), /^sluice: Error: boom\n {4}at /);
});
