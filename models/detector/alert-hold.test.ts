import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdAlerts } from './alert-hold.js';

test('holdAlerts: a row scores in full only above every score of the span before it', () => {
  const raw = [0.1, 0.9, 0.9, 0.95, 0.2, 0.1, 0.1, 0.8, 0.3];
  // span 3: row 7 (0.8) is compared with rows 4-6 (0.2, 0.1, 0.1): a new incident, in full.
  assert.deepEqual(Array.from(holdAlerts(raw, 3)), [0.1, 0.9, 0.45, 0.95, 0.1, 0.05, 0.05, 0.8, 0.15]);
  // span 6: row 7 still sees row 3's 0.95: the same incident, held.
  assert.deepEqual(Array.from(holdAlerts(raw, 6)), [0.1, 0.9, 0.45, 0.95, 0.1, 0.05, 0.05, 0.4, 0.15]);
});

test('holdAlerts: matches the direct definition on a long random series', () => {
  let x = 12345;
  const raw = Array.from({ length: 2000 }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  });
  const span = 17;
  const held = holdAlerts(raw, span, 0.25);
  raw.forEach((s, i) => {
    const before = raw.slice(Math.max(0, i - span), i);
    const expected = before.every((b) => s > b) ? s : 0.25 * s;
    assert.equal(held[i], expected, `row ${i}`);
  });
});
