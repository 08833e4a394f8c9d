/**
 * Times for rows in the order they arrived, where a file's timestamps go back.
 */
import { inferStep } from './regular-grid.js';
import type { RawSeries } from './series-csv.js';

/** A row whose timestamp is earlier than the row before it (a clock set back). */
export interface ClockStep {
  /** Index of the row (0-based, in file order). */
  row: number;
  /** How far back its time went from the row before, ms. */
  backMs: number;
}

/**
 * Rows in arrival order get times that never go back: a row stamped before the row above it (a
 * clock set back, an hour written twice: a public machine-temperature series repeats one) is
 * taken one step after that row, and every later row moves by the same amount. A stream scores
 * rows as they arrive, so their order is the truth and their stamps are read as a clock that can
 * be wrong; the rows keep their own scores and file order.
 */
export function arrivalTimes(times: ArrayLike<number>): { times: Float64Array; steps: ClockStep[] } {
  const out = Float64Array.from(times);
  const steps: ClockStep[] = [];
  if (out.length < 2) return { times: out, steps };
  let step = 0;
  let shift = 0;
  for (let i = 1; i < out.length; i++) {
    out[i] = times[i] + shift;
    if (out[i] < out[i - 1]) {
      steps.push({ row: i, backMs: out[i - 1] - out[i] });
      step ||= inferStep(times);
      shift += out[i - 1] + step - out[i];
      out[i] = out[i - 1] + step;
    }
  }
  return { times: out, steps };
}

/**
 * The rows a detector scores: those with a value, in file order, at their arrival times. The
 * times are read over every row, those without a value too (their stamps are still clock
 * readings), so `sluice detect` and the labelled-series reader give a row the same time.
 */
export function rowsToScore(raw: Pick<RawSeries, 'times' | 'values'>): {
  rows: number[];
  times: Float64Array;
  values: Float64Array;
  steps: ClockStep[];
} {
  const arrival = arrivalTimes(raw.times);
  const rows = raw.values.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  return {
    rows,
    times: Float64Array.from(rows, (i) => arrival.times[i]),
    values: Float64Array.from(rows, (i) => raw.values[i]),
    steps: arrival.steps,
  };
}
