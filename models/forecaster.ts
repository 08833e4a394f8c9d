/**
 * The forecaster interface every model implements, classical or neural. A forecast for origin t
 * covers t+1..t+H and may use only the points [0, t]: the backtest relies on it.
 */
import type { RegularSeries } from '../datasets/series/regular-series.js';

export interface Forecast {
  /** Median forecast, one per horizon step. */
  p50: Float64Array;
  /** 90th percentile forecast, one per horizon step (>= p50). */
  p90: Float64Array;
}

export interface Forecaster {
  readonly name: string;
  /** Learns from the points [0, end) of the series. */
  fit(series: RegularSeries, end: number): Promise<void>;
  /** Forecast steps origin+1..origin+horizon from the points [0, origin]. */
  forecast(series: RegularSeries, origin: number, horizon: number): Forecast;
  /** Many origins at once (ascending), where batching is faster; same answers as forecast(). */
  forecastBatch?(series: RegularSeries, origins: readonly number[], horizon: number): Forecast[];
}

/**
 * Progress of long model work, for a command line to show: networks fitted (`fit`), origins
 * forecast (`forecast`), rows scored by a detector (`score`). Called synchronously; it must not
 * throw.
 */
export type ProgressCallback = (event: {
  phase: 'fit' | 'forecast' | 'score';
  done: number;
  total: number;
}) => void;

/** Points per day for a series' step (the daily season). */
export function pointsPerDay(stepMs: number): number {
  return Math.max(1, Math.round(86_400_000 / stepMs));
}
