import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../gateway-core/rng.js';
import { ratioInterval } from './ratio-interval.js';

test('ratioInterval: a constant ratio has no spread, and one block of all origins only rotates them', () => {
  const den = Array.from({ length: 50 }, (_, i) => 1 + (i % 7));
  const num = den.map((d) => 0.8 * d);
  const [lo, hi] = ratioInterval(num, den, { block: 5 });
  assert.ok(Math.abs(lo - 0.8) < 1e-12 && Math.abs(hi - 0.8) < 1e-12, `${lo}, ${hi}`);
  // A circular block as long as the series holds every origin once, whatever its start.
  const mixed = den.map((d, i) => d * (i % 2 === 0 ? 0.5 : 1.5));
  const whole = mixed.reduce((a, b) => a + b, 0) / den.reduce((a, b) => a + b, 0);
  const [a, b] = ratioInterval(mixed, den, { block: 50 });
  assert.ok(Math.abs(a - whole) < 1e-12 && Math.abs(b - whole) < 1e-12, `${a}, ${b} vs ${whole}`);
});

/** Losses whose ratio to the baseline's is `truth` in expectation, correlated over `run` origins. */
function losses(rng: SeededRng, n: number, run: number, truth: number): [number[], number[]] {
  const num: number[] = [];
  const den: number[] = [];
  let level = 0;
  let edge = 0;
  for (let i = 0; i < n; i++) {
    // Shared by the `run` origins of one stretch: how hard the stretch is, and which model it suits.
    if (i % run === 0) [level, edge] = [rng.next() - 0.5, rng.next() - 0.5];
    const base = 1 + 0.8 * level + 0.2 * rng.next();
    den.push(base);
    num.push(base * (truth + 0.6 * edge + 0.1 * (rng.next() - 0.5)));
  }
  return [num, den];
}

function coverage(run: number, block: number): number {
  const rng = new SeededRng(11);
  let covered = 0;
  const datasets = 200;
  for (let k = 0; k < datasets; k++) {
    const [num, den] = losses(rng, 120, run, 0.8);
    const [lo, hi] = ratioInterval(num, den, { block, resamples: 400, seed: k });
    if (lo <= 0.8 && 0.8 <= hi) covered++;
  }
  return covered / datasets;
}

test('ratioInterval covers the true ratio about 95% of the time, when the blocks span the dependence', () => {
  // Independent origins: single-origin blocks are right.
  const independent = coverage(1, 1);
  assert.ok(independent >= 0.88 && independent <= 0.99, `independent origins: coverage ${independent}`);
  // Origins that move together in runs of 10: single-origin resampling is overconfident, blocks
  // of the run's length are not.
  const naive = coverage(10, 1);
  const blocked = coverage(10, 10);
  assert.ok(naive < 0.8, `runs of 10 resampled one by one: coverage ${naive}`);
  assert.ok(blocked >= 0.85, `runs of 10 resampled in blocks of 10: coverage ${blocked}`);
});

test('ratioInterval names what is wrong with its input', () => {
  assert.throws(() => ratioInterval([1, 2], [1]), /2 numerators against 1/);
  assert.throws(() => ratioInterval([], []), /no losses/);
  assert.throws(() => ratioInterval([1], [1], { block: 0 }), /block must be/);
});
