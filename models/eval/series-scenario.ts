/**
 * A forecasting scenario for any series: the neural forecaster (sized by neural-sizing.ts) beside
 * the naive forecast and, for each season (a day, a week) the training span holds more than
 * twice, the seasonal naive and the Holt-Winters fitted for the horizon; the last `holdout` of
 * the series backtested, MASE scaled by the in-sample daily seasonal naive (naive where the span
 * holds under two days). Shared by `npm run eval -- --series` and `sluice forecast compare`.
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { holdoutSplit } from '../../datasets/series/time-split.js';
import { HoltWintersForecaster } from '../baselines/holt-winters.js';
import { NaiveForecaster } from '../baselines/naive.js';
import { SeasonalNaiveForecaster } from '../baselines/seasonal-naive.js';
import type { Forecaster } from '../forecaster.js';
import { pointsPerDay } from '../forecaster.js';
import { type ForecastUnits, logScaleFor } from '../forecaster/forecast-units.js';
import { NeuralForecaster } from '../forecaster/neural-forecaster.js';
import { neuralOptionsForSeries } from '../forecaster/neural-sizing.js';
import type { ScenarioSpec } from './forecast-evaluation.js';

/** Seasonal naive and Holt-Winters for each season the training span holds more than twice. */
export function seasonalBaselines(day: number, trainEnd: number, horizon: number): Forecaster[] {
  const out: Forecaster[] = [];
  for (const [period, name] of [
    [day, 'daily'],
    [7 * day, 'weekly'],
  ] as const) {
    if (trainEnd <= 2 * period) continue;
    out.push(new SeasonalNaiveForecaster(period, `seasonal-naive-${name}`));
    out.push(new HoltWintersForecaster(period, { label: `holt-winters-${name}`, horizon }));
  }
  return out;
}

export function seriesScenario(
  name: string,
  series: RegularSeries,
  opts: { horizon: number; step: number; holdout: number; holidays?: string[]; units?: ForecastUnits },
): ScenarioSpec {
  const day = pointsPerDay(series.stepMs);
  const { train } = holdoutSplit(series.values.length, opts.holdout);
  return {
    name,
    series,
    trainEnd: train.end,
    horizon: opts.horizon,
    step: opts.step,
    scalePeriod: train.end > 2 * day ? day : 1,
    baselines: [new NaiveForecaster(), ...seasonalBaselines(day, train.end, opts.horizon)],
    candidate: new NeuralForecaster({
      ...neuralOptionsForSeries({ stepMs: series.stepMs, horizon: opts.horizon, trainPoints: train.end }),
      holidays: opts.holidays ?? [],
      logScale: logScaleFor(opts.units),
    }),
  };
}
