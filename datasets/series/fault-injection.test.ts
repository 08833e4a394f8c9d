import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INJECTED_FAULTS, injectFaults } from './fault-injection.js';
import { regularSeries } from './regular-series.js';

// Three weeks of half-hourly values with a daily wave (48 rows a day).
const values = Array.from(
  { length: 21 * 48 },
  (_, i) => 1000 + 300 * Math.sin((2 * Math.PI * i) / 48) + (i % 7),
);
const series = regularSeries(Date.UTC(2024, 0, 1), 1_800_000, values);

test('one of each fault, sized by the rows per day, and the series untouched outside them', () => {
  const c = injectFaults(series, 'wave', 3);
  assert.deepEqual(c.labels.map((l) => l.type).sort(), [...INJECTED_FAULTS].sort());
  const len = Object.fromEntries(c.labels.map((l) => [l.type, l.end - l.start]));
  assert.deepEqual(len, { spike: 1, dip: 3, shift: 24, stuck: 12, noise: 12, shape: 48, drift: 48 });
  for (let k = 1; k < c.labels.length; k++) assert.ok(c.labels[k].start >= c.labels[k - 1].end, 'no overlap');
  assert.ok(c.labels[0].start >= values.length / 4);
  const inside = (i: number) => c.labels.some((l) => i >= l.start && i < l.end);
  for (let i = 0; i < values.length; i++) if (!inside(i)) assert.equal(c.series.values[i], values[i]);
  const stuck = c.labels.find((l) => l.type === 'stuck')!;
  const frozen = c.series.values.subarray(stuck.start, stuck.end);
  assert.ok(frozen.every((v) => v === frozen[0]));
  const dip = c.labels.find((l) => l.type === 'dip')!;
  assert.equal(c.series.values[dip.start], values[dip.start] * 0.7);
});

test('seeded: the same seed, the same case; another seed, other places', () => {
  assert.deepEqual(injectFaults(series, 'wave', 4), injectFaults(series, 'wave', 4));
  assert.notDeepEqual(injectFaults(series, 'wave', 4).labels, injectFaults(series, 'wave', 5).labels);
});

test('a series too short for a day per fault is refused with the sizes', () => {
  const short = regularSeries(Date.UTC(2024, 0, 1), 1_800_000, values.slice(0, 5 * 48));
  assert.throws(() => injectFaults(short, 'short', 1), /needs at least a day \(48 rows\)/);
});
