import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aciStep, calibrationScores, replayAlpha, shiftsAt } from './aci.js';

const nine = (offset: number) => Float64Array.from({ length: 9 }, (_, i) => 9 - i + offset);

test('shiftsAt: the ceil((n+1)(1-alpha))-th smallest score, smoothed over 5 horizons', () => {
  const c = calibrationScores([nine(0), nine(1), nine(2)]);
  assert.deepEqual(c.sorted[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // alpha 0.1: rank ceil(10 * 0.9) = 9 -> 9, 10, 11; each horizon averages all three -> 10.
  assert.deepEqual(shiftsAt(c, 0.1), [10, 10, 10]);
  // alpha 0.5: rank 5 -> 5, 6, 7 -> 6; alpha 0: the largest score; below 0 it grows at the slope
  // between the 90th-percentile score and the largest, 0 here (with n = 9 both are rank 9).
  assert.deepEqual(shiftsAt(c, 0.5), [6, 6, 6]);
  assert.deepEqual(shiftsAt(c, 0), [10, 10, 10]);
  assert.deepEqual(shiftsAt(c, -0.3), [10, 10, 10]);
  assert.deepEqual(shiftsAt(calibrationScores([nine(0)]), 0.5), [5]);
});

test('shiftsAt below alpha 0: past the largest score at the slope of the top decile', () => {
  // Scores 1..19: the 90th-percentile rank is ceil(20 * 0.9) = 18 -> 18, the largest 19; each
  // 0.1 of alpha below 0 adds 19 - 18 = 1. (Before, every alpha <= 0 gave 19.)
  const c = calibrationScores([Float64Array.from({ length: 19 }, (_, i) => 19 - i)]);
  assert.deepEqual(shiftsAt(c, 0), [19]);
  assert.deepEqual(shiftsAt(c, -0.1), [20]);
  assert.ok(Math.abs(shiftsAt(c, -0.35)[0] - 22.5) < 1e-12);
  // A shift never falls below the largest score, even where the top decile is flat.
  const flat = calibrationScores([Float64Array.from({ length: 19 }, (_, i) => Math.min(5, i))]);
  assert.deepEqual(shiftsAt(flat, -1), [5]);
});

test('calibrationScores keeps at most 256 order statistics, the extremes included', () => {
  const e = Float64Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const c = calibrationScores([e]);
  assert.equal(c.n, 1000);
  assert.equal(c.sorted[0].length, 256);
  assert.equal(c.sorted[0][0], 0);
  assert.equal(c.sorted[0][255], 999);
  // alpha 0.1 -> rank 901 of 1000 (index 900) -> kept index round(900 * 255 / 999) = 230.
  assert.equal(shiftsAt(c, 0.1)[0], c.sorted[0][230]);
});

test('replayAlpha: every miss lowers alpha by 0.9 gamma, every covered point raises it by 0.1 gamma', () => {
  const p90 = () => [0, 0];
  // 10 points, all above the p90: alpha = 0.1 - 10 * 0.01 * 0.9 = 0.01.
  assert.ok(Math.abs(replayAlpha(0.01, 0, 10, 2, p90, () => 1) - 0.01) < 1e-12);
  // All covered: 0.1 + 10 * 0.01 * 0.1 = 0.11.
  assert.ok(Math.abs(replayAlpha(0.01, 0, 10, 2, p90, () => -1) - 0.11) < 1e-12);
  // Nothing replayed: the split-conformal level.
  assert.equal(
    replayAlpha(0.01, 5, 5, 2, p90, () => 1),
    0.1,
  );
  // Half of the settled pairs missed: y[s] = 1 exceeds the p90s of even origins only (p90 = 0
  // there, 2 at odd ones); from the second point on each point settles one even and one odd.
  const alt = (u: number) => (u % 2 ? [2, 2] : [0, 0]);
  const a = replayAlpha(0.01, 0, 3, 2, alt, () => 1);
  // s=1 settles (0,1): miss; s=2: (1,1) covered, (0,2) miss; s=3: (2,1) miss, (1,2) covered.
  assert.ok(Math.abs(a - (0.1 + 0.01 * (0.1 - 1) + 2 * 0.01 * (0.1 - 0.5))) < 1e-12);
});

test("aciStep: 'auto' is 1 / (calibration windows), never under 0.01; a number is kept", () => {
  assert.equal(aciStep('auto', 40), 0.025);
  assert.equal(aciStep('auto', 100), 0.01);
  assert.equal(aciStep('auto', 1200), 0.01);
  assert.equal(aciStep('auto', 0), 0);
  assert.equal(aciStep(0.002, 1200), 0.002);
  assert.equal(aciStep(0, 40), 0);
});
