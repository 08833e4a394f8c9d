/**
 * Rolling-origin backtest: fit once on [0, trainEnd), then for origins t = trainEnd-1,
 * trainEnd-1+step, ... forecast t+1..t+H from a view of the series that ends at t, so no
 * forecast can see a point after its origin, whatever the model does.
 * Rows are `origin,timestamp,p50,p90` (origin = the time of the last point the forecast saw).
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { sliceSeries, timeAt } from '../../datasets/series/regular-series.js';
import { formatTimestamp } from '../../datasets/series/timestamp.js';
import type { Forecaster, ProgressCallback } from '../forecaster.js';
import type { ForecastPoint } from './forecast-metrics.js';

export interface BacktestRow extends ForecastPoint {
  origin: number;
  /** Index of the forecast target, and its step ahead (1..H). */
  index: number;
  step: number;
}

export interface BacktestOptions {
  trainEnd: number;
  horizon: number;
  step: number;
  /** Skip fitting (the model was trained already, e.g. loaded from disk). */
  fitted?: boolean;
  /** Forecast origins whose horizon runs past the end (actual = NaN); for live forecasting. */
  partial?: boolean;
  /** First origin to use (default trainEnd - 1). */
  firstOrigin?: number;
  /** Told after each origin is forecast. */
  onProgress?: ProgressCallback;
}

export async function rollingOrigin(
  forecaster: Forecaster,
  series: RegularSeries,
  opts: BacktestOptions,
): Promise<BacktestRow[]> {
  if (!opts.fitted) await forecaster.fit(series, opts.trainEnd);
  const n = series.values.length;
  const rows: BacktestRow[] = [];
  const lastOrigin = opts.partial ? n - 1 : n - 1 - opts.horizon;
  const firstOrigin = opts.firstOrigin ?? opts.trainEnd - 1;
  const total = Math.max(0, Math.floor((lastOrigin - firstOrigin) / opts.step) + 1);
  let done = 0;
  for (let t = firstOrigin; t <= lastOrigin; t += opts.step) {
    const view = sliceSeries(series, 0, t + 1);
    const f = forecaster.forecast(view, t, opts.horizon);
    for (let h = 1; h <= opts.horizon; h++) {
      const index = t + h;
      rows.push({
        origin: t,
        index,
        step: h,
        // A time the grid filled into a gap was never observed: nothing to score it against.
        actual: index < n && !series.filled[index] ? series.values[index] : Number.NaN,
        p50: f.p50[h - 1],
        p90: f.p90[h - 1],
      });
    }
    opts.onProgress?.({ phase: 'forecast', done: ++done, total });
  }
  return rows;
}

export function backtestCsv(series: RegularSeries, rows: readonly BacktestRow[]): string {
  const lines = ['origin,timestamp,p50,p90'];
  for (const r of rows) {
    lines.push(
      `${formatTimestamp(timeAt(series, r.origin))},${formatTimestamp(timeAt(series, r.index))},${+r.p50.toFixed(6)},${+r.p90.toFixed(6)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
