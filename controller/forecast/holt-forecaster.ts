/**
 * HoltForecaster: the controller's default online DemandForecaster (the ML models in models/
 * can replace it through the same interface). Holt's linear exponential smoothing with a
 * damped trend, and a spread from its own one-step errors:
 *
 *   level_t = a x_t + (1 - a)(level_{t-1} + phi trend_{t-1})
 *   trend_t = b (level_t - level_{t-1}) + (1 - b) phi trend_{t-1}
 *   p50(h)  = max(0, level + (phi + phi^2 + ... + phi^h) trend)
 *   e_t     = x_t - p50_{t-1}(1)                      (one-step error)
 *   s2      = EWMA(c) of 2 max(0, e_t)^2              (upper semi-variance; equals the variance
 *                                                     for symmetric errors)
 *   p90(h)  = p50(h) + 1.2816 sqrt(s2 * h)          (random-walk growth of uncertainty)
 *
 * Only surprises upward widen the p90: a sudden drop in demand must not make the forecast
 * (and the capacity sized on it) jump up. Damping (phi < 1) stops a short burst's slope from
 * being extrapolated into a runaway forecast.
 */
import type { DemandForecaster } from '../interfaces.js';

export interface HoltOptions {
  alpha: number;
  beta: number;
  phi: number;
  /** Smoothing of the squared (upward) errors. */
  errorAlpha: number;
}

const Z90 = 1.2815515655446004;

export class HoltForecaster implements DemandForecaster {
  readonly options: HoltOptions;
  private level = 0;
  private trend = 0;
  private s2 = 0;
  private n = 0;

  constructor(options: Partial<HoltOptions> = {}) {
    this.options = { alpha: 0.5, beta: 0.2, phi: 0.9, errorAlpha: 0.2, ...options };
  }

  update(_t: number, value: number): void {
    const { alpha, beta, phi, errorAlpha } = this.options;
    if (this.n === 0) {
      this.level = value;
      this.n = 1;
      return;
    }
    const predicted = this.level + phi * this.trend;
    const err = value - predicted;
    const up = 2 * Math.max(0, err) ** 2;
    this.s2 = this.n === 1 ? up : errorAlpha * up + (1 - errorAlpha) * this.s2;
    const level = alpha * value + (1 - alpha) * predicted;
    this.trend = beta * (level - this.level) + (1 - beta) * phi * this.trend;
    this.level = level;
    this.n++;
  }

  forecast(h: number): { p50: number; p90: number } {
    const { phi } = this.options;
    let damp = 0;
    let p = 1;
    for (let i = 0; i < h; i++) {
      p *= phi;
      damp += p;
    }
    const p50 = Math.max(0, this.level + damp * this.trend);
    return { p50, p90: p50 + Z90 * Math.sqrt(this.s2 * Math.max(1, h)) };
  }

  get observations(): number {
    return this.n;
  }
}
