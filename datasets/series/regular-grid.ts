/**
 * Puts irregular rows on a regular grid: step = the median gap between rows (or as given),
 * index = round((t - t0) / step), rows sharing a slot are averaged, and empty slots are flagged in
 * `filled` and filled by linear interpolation between their observed neighbours (forecasting
 * looks at whole spans), or with the last value before them (`'previous'`: causal, for a
 * detector that must not see a later row in an earlier slot).
 */
export type GapFill = 'linear' | 'previous';
import { SluiceError } from '../../gateway-core/errors.js';
import type { RegularSeries } from './regular-series.js';

/** Median positive gap between consecutive times (ms). */
export function inferStep(times: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1];
    if (d > 0) gaps.push(d);
  }
  if (gaps.length === 0)
    throw new SluiceError('SLUICE_TRACE_INVALID', 'cannot infer a step: fewer than 2 distinct times');
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

export function toRegularGrid(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  stepMs?: number,
  fill: GapFill = 'linear',
): RegularSeries {
  if (times.length === 0) throw new SluiceError('SLUICE_TRACE_INVALID', 'empty series');
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < times.length; i++) {
    t0 = Math.min(t0, times[i]);
    t1 = Math.max(t1, times[i]);
  }
  const step = stepMs ?? (times.length > 1 ? inferStep(times) : 1000);
  const n = Math.round((t1 - t0) / step) + 1;
  const sum = new Float64Array(n);
  const count = new Uint32Array(n);
  for (let i = 0; i < times.length; i++) {
    const k = Math.round((times[i] - t0) / step);
    sum[k] += values[i];
    count[k]++;
  }
  const out = new Float64Array(n);
  const filled = new Uint8Array(n);
  let prev = -1;
  for (let k = 0; k < n; k++) {
    if (count[k] === 0) continue;
    out[k] = sum[k] / count[k];
    // Fill the gap (prev, k) on the straight line between the two observed neighbours.
    for (let j = prev + 1; j < k; j++) {
      out[j] =
        prev < 0
          ? out[k]
          : fill === 'previous'
            ? out[prev]
            : out[prev] + ((out[k] - out[prev]) * (j - prev)) / (k - prev);
      filled[j] = 1;
    }
    prev = k;
  }
  return { start: t0, stepMs: step, values: out, filled };
}
