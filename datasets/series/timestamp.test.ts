import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, parseTimestamp } from './timestamp.js';

test('ISO with T or space, zones, 7 fractional digits, dates and epoch seconds', () => {
  assert.equal(parseTimestamp('2014-04-01 00:00:00'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('2014-04-01T00:00:00Z'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('2014-04-01T02:00:00+02:00'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('2014-04-01'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('2023-11-16 18:15:46.6805900'), Date.UTC(2023, 10, 16, 18, 15, 46) + 680.59);
  assert.equal(parseTimestamp('1396310400'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('1396310400.5'), Date.UTC(2014, 3, 1) + 500);
  assert.ok(Number.isNaN(parseTimestamp('yesterday')));
  assert.ok(Number.isNaN(parseTimestamp('2014-13-01 00:00:00')));
});

test('epoch milliseconds (13 digits) and slashed dates are read too', () => {
  // As seconds, 1396310400000 would be the year 46,217.
  assert.equal(parseTimestamp('1396310400000'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('1396310400123'), Date.UTC(2014, 3, 1) + 123);
  // The boundary: 1e11 seconds would be the year 5138; as milliseconds it is 1973.
  assert.equal(parseTimestamp('99999999999'), 99_999_999_999_000);
  assert.equal(parseTimestamp('100000000000'), 100_000_000_000);
  assert.equal(parseTimestamp('2014/04/01 00:05'), Date.UTC(2014, 3, 1, 0, 5));
  assert.ok(Number.isNaN(parseTimestamp('01/04/2014 00:05')));
});

test('formats UTC in the NAB style and round-trips', () => {
  const t = Date.UTC(2014, 3, 1, 5, 6, 7);
  assert.equal(formatTimestamp(t), '2014-04-01 05:06:07');
  assert.equal(formatTimestamp(t + 250), '2014-04-01 05:06:07.250');
  assert.equal(parseTimestamp(formatTimestamp(t + 250)), t + 250);
});
