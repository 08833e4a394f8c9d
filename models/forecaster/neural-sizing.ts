/**
 * One rule that sizes the neural forecaster for a series, used by the command line, the
 * evaluation, the benchmark and the GPU check alike, so that every figure we publish is a figure
 * for the options a user gets (no per-dataset tuning in the evaluation).
 *
 * - The level the network works relative to is fitted (`level: 'auto'`), and the network starts
 *   at that level (zero-initialised deep part): it must earn every departure from it.
 * - Several seeds averaged: on real double-seasonal demand (half-hourly electricity, 12 weeks)
 *   one network's MASE moved between 0.72 and 0.82 of the weekly seasonal naive with the seed
 *   alone; three seeds, trained longer (patience 6), gave 0.65-0.68.
 * - A short span (under SMALL_SPAN_WINDOWS training windows, e.g. one hour of 10-second counts)
 *   gets a small network, small batches, a lower learning rate and five seeds: with a few hundred
 *   windows a 96-unit network memorises the noise.
 * - Long spans train on at most 4,000 windows (evenly strided): neighbouring windows of a
 *   1-minute series are nearly the same, and this keeps seven days of 1-minute data near 11 s on
 *   WASM with three seeds.
 * - The p50 may be averaged with a daily or weekly Holt-Winters p50 where that lowers the MAE on
 *   the validation windows (holt-winters-blend.ts; a season the span holds three times): over
 *   sixteen month-long hourly spans the network's MASE moved by a geometric mean of 0.953 (10
 *   better, 4 worse, 2 unchanged); one hour of 10-second counts holds no such season.
 */
import { pointsPerDay } from '../forecaster.js';
import type { NeuralForecasterOptions } from './neural-forecaster.js';

export const SMALL_SPAN_WINDOWS = 1_000;

export interface SeriesShape {
  stepMs: number;
  horizon: number;
  /** Points the model is fitted on. */
  trainPoints: number;
}

export function neuralOptionsForSeries(shape: SeriesShape): Partial<NeuralForecasterOptions> {
  return { ...optionsBySpan(shape), holtWintersBlend: true };
}

/** The options that differ between short and long spans. */
function optionsBySpan(shape: SeriesShape): Partial<NeuralForecasterOptions> {
  const { stepMs, horizon, trainPoints } = shape;
  const lookback = Math.min(60, Math.max(horizon, pointsPerDay(stepMs)));
  if (trainPoints - lookback - horizon < SMALL_SPAN_WINDOWS) {
    return {
      horizon,
      // More of a short span becomes windows with a shorter lookback.
      lookback: Math.min(lookback, Math.max(horizon, 30)),
      hidden: 16,
      epochs: 100,
      batchSize: 32,
      learningRate: 5e-4,
      patience: 5,
      validation: 0.15,
      level: 'auto',
      ensemble: 5,
      seasonalStart: true,
      seasonalBlend: 0.5,
      // Half and half with the weekly Holt-Winters where a span holds three weeks: over sixteen
      // month-long spans of two public demand series, 0.986x of the weekly Holt-Winters
      // (geometric mean; 9 better, 4 worse) against 1.014x with the weight chosen on 46-75
      // validation windows, which choose by noise (the forecast combination puzzle).
      fixedWeeklyBlend: 0.5,
      // ACI's step as 1 / n gives it on one hour of 10-second counts (32-33 calibration windows).
      // A month of hourly demand has 46-75 calibration windows, but 48-step windows that overlap
      // and span two to three days; at 1 / n (0.013-0.022) four of sixteen such spans covered
      // 0.95-0.98.
      adaptiveCalibration: 0.03,
    };
  }
  return {
    horizon,
    lookback,
    level: 'auto',
    ensemble: 3,
    epochs: 40,
    patience: 6,
    maxWindows: 4_000,
  };
}
