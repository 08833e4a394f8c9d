import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BacktestRow } from './backtest.js';
import { compareForecasts, originLosses } from './forecast-comparison.js';
import { dieboldMariano } from './diebold-mariano.js';

/** Rows of a backtest whose p50 misses each target by `miss(origin, step)`. */
function rows(
  origins: number,
  horizon: number,
  step: number,
  miss: (o: number, h: number) => number,
): BacktestRow[] {
  const out: BacktestRow[] = [];
  for (let k = 0; k < origins; k++) {
    const origin = 100 + k * step;
    for (let h = 1; h <= horizon; h++) {
      const actual = 50 + ((origin + h) % 7);
      out.push({
        origin,
        index: origin + h,
        step: h,
        actual,
        p50: actual + miss(origin, h),
        p90: actual + 10,
      });
    }
  }
  return out;
}

test('originLosses sums absolute errors per origin over the observed targets only', () => {
  const r = rows(2, 3, 1, (o, h) => (h === 2 ? -2 : 1) * (o - 99));
  r[1].actual = Number.NaN; // a target filled into a gap: not scored
  assert.deepEqual(
    [...originLosses(r)],
    [
      [100, 1 + 1],
      [101, 2 + 4 + 2],
    ],
  );
});

test('compareForecasts: the overlap of horizons sets the lags, and the test and interval read per-origin losses', () => {
  const base = rows(60, 12, 4, (o, h) => ((o * 7 + h * 3) % 11) - 5);
  // Half the baseline's error at every target: the ratio is 0.5 in every resample.
  const half = base.map((r) => ({ ...r, p50: r.actual + (r.p50 - r.actual) / 2 }));
  const c = compareForecasts(half, base, 'baseline', 12, 4);
  assert.equal(c.against, 'baseline');
  assert.equal(c.origins, 60);
  assert.equal(c.overlap, 3);
  assert.ok(Math.abs(c.ratioInterval95![0] - 0.5) < 1e-12 && Math.abs(c.ratioInterval95![1] - 0.5) < 1e-12);
  const losses = (r: BacktestRow[]) => [...originLosses(r).values()];
  const direct = dieboldMariano(losses(half), losses(base), {
    h: 3,
    power: 1,
    alternative: 'less',
    varEstimator: 'bartlett',
  });
  assert.deepEqual(c.dieboldMariano, { statistic: direct.statistic, pValue: direct.pValue });
  assert.ok('pValue' in c.dieboldMariano && c.dieboldMariano.pValue < 1e-6, JSON.stringify(c.dieboldMariano));
  // The same forecasts: no difference to test, a ratio of exactly 1.
  const same = compareForecasts(base, base, 'baseline', 12, 4);
  assert.deepEqual(same.dieboldMariano, {
    none: 'the loss differential has zero variance (identical losses)',
  });
  assert.deepEqual(same.ratioInterval95, [1, 1]);
  // 24 origins whose 12-step horizons overlap 3 apiece hold 8 blocks; 12 would hold 4: no interval.
  assert.notEqual(
    compareForecasts(half.slice(0, 24 * 12), base.slice(0, 24 * 12), 'b', 12, 4).ratioInterval95,
    null,
  );
  const few = compareForecasts(half.slice(0, 14 * 12), base.slice(0, 14 * 12), 'b', 12, 4);
  assert.equal(few.origins, 14);
  assert.equal(few.ratioInterval95, null);
  assert.ok('pValue' in few.dieboldMariano);
});
