/**
 * A reference row, not a baseline: the forecaster that knows the rate the series was drawn from
 * (a simulated workload's expected arrivals per step). Its p50 is that expectation and its p90
 * the Poisson 90th percentile (normal approximation), so its MASE is the floor the counting noise
 * sets: how close to it a model comes says more than the ratio to a baseline alone, and a target
 * below it is out of any model's reach.
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import type { Forecast, Forecaster } from '../forecaster.js';

const Z90 = 1.2815515655446004;

export class KnownRateReference implements Forecaster {
  readonly name = 'known-rate (reference)';

  /** `expected[i]`: the expected value of point i of the series it is evaluated on. */
  constructor(private readonly expected: Float64Array) {}

  async fit(_series: RegularSeries, _end: number): Promise<void> {}

  forecast(_series: RegularSeries, origin: number, horizon: number): Forecast {
    const p50 = new Float64Array(horizon);
    const p90 = new Float64Array(horizon);
    for (let h = 0; h < horizon; h++) {
      const mean = this.expected[origin + 1 + h];
      p50[h] = mean;
      p90[h] = mean + Z90 * Math.sqrt(mean);
    }
    return { p50, p90 };
  }
}
