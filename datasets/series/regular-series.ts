/**
 * A series on a regular grid: value i belongs to time start + i * stepMs. Models work on this
 * shape; `filled` flags the points that the gap filler made up, so metrics can skip them.
 */
export interface RegularSeries {
  start: number;
  stepMs: number;
  values: Float64Array;
  /** 1 where the value was interpolated over a gap, 0 where it was observed. */
  filled: Uint8Array;
}

export function timeAt(series: RegularSeries, index: number): number {
  return series.start + index * series.stepMs;
}

/** A series with no gaps, for generators and tests. */
export function regularSeries(start: number, stepMs: number, values: ArrayLike<number>): RegularSeries {
  return { start, stepMs, values: Float64Array.from(values), filled: new Uint8Array(values.length) };
}

/** The points [from, to) as a series of their own (views, no copies). */
export function sliceSeries(series: RegularSeries, from: number, to: number): RegularSeries {
  return {
    start: timeAt(series, from),
    stepMs: series.stepMs,
    values: series.values.subarray(from, to),
    filled: series.filled.subarray(from, to),
  };
}
