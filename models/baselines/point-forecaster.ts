/**
 * Base for the classical forecasters: a subclass gives a point forecast (the p50); the p90 comes
 * from the empirical 90th percentile of its own h-step errors on origins inside the training
 * span (split-conformal style): p90[h] = p50[h] + q90({y[t+h] - p50_t[h]}).
 * Only training points are used, so the quantile is honest for the test span.
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { quantileSorted } from '../../datasets/series/robust-scaler.js';
import type { Forecast, Forecaster } from '../forecaster.js';

/** Calibration origins: up to this many, evenly spaced over the second half of the training span. */
const CALIBRATION_ORIGINS = 300;
const CALIBRATION_HORIZON = 60;

export abstract class PointForecaster implements Forecaster {
  abstract readonly name: string;
  /** Upper residual quantile per horizon step (index h-1). */
  private q90 = new Float64Array(0);

  /** Learn parameters from [0, end). */
  protected abstract fitPoint(series: RegularSeries, end: number): void;
  /** The median forecast for origin+1..origin+horizon from points [0, origin]. */
  abstract point(series: RegularSeries, origin: number, horizon: number): Float64Array;
  /** The first origin at which point() is defined. */
  protected abstract minOrigin(): number;

  async fit(series: RegularSeries, end: number): Promise<void> {
    this.fitPoint(series, end);
    this.calibrate(series, end);
  }

  private calibrate(series: RegularSeries, end: number): void {
    const H = Math.min(CALIBRATION_HORIZON, Math.max(1, Math.floor(end / 4)));
    const first = Math.max(this.minOrigin(), Math.floor(end / 2));
    const last = end - H - 1;
    const errors: number[][] = Array.from({ length: H }, () => []);
    if (last >= first) {
      const count = Math.min(CALIBRATION_ORIGINS, last - first + 1);
      for (let k = 0; k < count; k++) {
        const t = first + Math.round(((last - first) * k) / Math.max(1, count - 1));
        const p = this.point(series, t, H);
        for (let h = 0; h < H; h++) errors[h].push(series.values[t + 1 + h] - p[h]);
      }
    }
    this.q90 = Float64Array.from(errors, (e) =>
      e.length
        ? quantileSorted(
            e.sort((a, b) => a - b),
            0.9,
          )
        : 0,
    );
  }

  forecast(series: RegularSeries, origin: number, horizon: number): Forecast {
    const p50 = this.point(series, origin, horizon);
    const p90 = new Float64Array(horizon);
    const last = this.q90.length ? this.q90[this.q90.length - 1] : 0;
    for (let h = 0; h < horizon; h++) p90[h] = p50[h] + Math.max(0, h < this.q90.length ? this.q90[h] : last);
    return { p50, p90 };
  }
}
