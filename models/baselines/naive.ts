/** Naive forecast: y[t+h] = y[t] for every h (the random-walk forecast). */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { PointForecaster } from './point-forecaster.js';

export class NaiveForecaster extends PointForecaster {
  readonly name = 'naive';
  protected fitPoint(): void {}
  protected minOrigin(): number {
    return 0;
  }
  point(series: RegularSeries, origin: number, horizon: number): Float64Array {
    return new Float64Array(horizon).fill(series.values[origin]);
  }
}
