import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidDuration, parseDurationMs } from './duration.js';

test('a bare number is seconds', () => {
  assert.equal(parseDurationMs(30), 30_000);
  assert.equal(parseDurationMs(0.25), 250);
});

test('every unit', () => {
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('10s'), 10_000);
  assert.equal(parseDurationMs('1m'), 60_000);
  assert.equal(parseDurationMs('2h'), 7_200_000);
  assert.equal(parseDurationMs('1d'), 86_400_000);
});

test('decimals come out exact to the microsecond', () => {
  assert.equal(parseDurationMs('1.1s'), 1100);
  assert.equal(parseDurationMs('1.5m'), 90_000);
  assert.equal(parseDurationMs('0.5ms'), 0.5);
});

test('refuses what the schema refuses, and zero', () => {
  for (const bad of ['5 min', '10', '-1s', 's', '1.s', '0s', '0ms']) {
    assert.throws(() => parseDurationMs(bad), RangeError, bad);
    assert.equal(isValidDuration(bad), false, bad);
  }
  assert.throws(() => parseDurationMs(0), RangeError);
  assert.throws(() => parseDurationMs(-3), RangeError);
  assert.throws(() => parseDurationMs(Number.POSITIVE_INFINITY), RangeError);
  assert.equal(isValidDuration(null), false);
  assert.equal(isValidDuration('10s'), true);
});
