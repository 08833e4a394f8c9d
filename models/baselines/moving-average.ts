/**
 * Moving average: y[t+h] = mean(y[t-w+1..t]) for every h. The window w is chosen on the training
 * span from a small set by the one-step absolute error (a fitted baseline, not a strawman).
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { PointForecaster } from './point-forecaster.js';

const WINDOWS = [2, 3, 6, 12, 30, 60];

export class MovingAverageForecaster extends PointForecaster {
  readonly name = 'moving-average';
  window: number;

  constructor(window?: number) {
    super();
    this.window = window ?? 0;
  }

  protected minOrigin(): number {
    return this.window - 1;
  }

  protected fitPoint(series: RegularSeries, end: number): void {
    if (this.window > 0) return;
    let best = WINDOWS[0];
    let bestErr = Number.POSITIVE_INFINITY;
    const v = series.values;
    for (const w of WINDOWS) {
      if (w * 4 > end) break;
      let sum = 0;
      for (let i = 0; i < w; i++) sum += v[i];
      let err = 0;
      for (let t = w - 1; t + 1 < end; t++) {
        err += Math.abs(v[t + 1] - sum / w);
        sum += v[t + 1] - v[t + 1 - w];
      }
      err /= end - w;
      if (err < bestErr) {
        bestErr = err;
        best = w;
      }
    }
    this.window = best;
  }

  point(series: RegularSeries, origin: number, horizon: number): Float64Array {
    const w = Math.min(this.window, origin + 1);
    let sum = 0;
    for (let i = origin - w + 1; i <= origin; i++) sum += series.values[i];
    return new Float64Array(horizon).fill(sum / w);
  }
}
