/**
 * Seasonal naive: y[t+h] = y[t + h - m * ceil(h / m)], the last value one season back
 * (m = points per day for the daily season, 7 times that for the weekly one).
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { PointForecaster } from './point-forecaster.js';

export class SeasonalNaiveForecaster extends PointForecaster {
  readonly name: string;

  constructor(
    readonly period: number,
    label = `seasonal-naive-${period}`,
  ) {
    super();
    this.name = label;
  }

  protected fitPoint(): void {}
  protected minOrigin(): number {
    return this.period - 1;
  }

  point(series: RegularSeries, origin: number, horizon: number): Float64Array {
    const out = new Float64Array(horizon);
    const m = this.period;
    for (let h = 1; h <= horizon; h++) {
      const back = origin + h - m * Math.ceil(h / m);
      out[h - 1] = series.values[Math.max(0, back)];
    }
    return out;
  }
}
