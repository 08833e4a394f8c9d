/**
 * Models by name, for the command line and the controller: one place that knows every
 * forecaster and detector Sluice ships and their defaults for a series' time step.
 */
import { SluiceError } from '../gateway-core/errors.js';
import { EwmaControlDetector } from './baselines/ewma-control.js';
import { HoltWintersForecaster } from './baselines/holt-winters.js';
import { MovingAverageForecaster } from './baselines/moving-average.js';
import { NaiveForecaster } from './baselines/naive.js';
import { RobustZScoreDetector } from './baselines/robust-zscore.js';
import { SeasonalNaiveForecaster } from './baselines/seasonal-naive.js';
import type { Detector } from './detector.js';
import { ResidualDetector } from './detector/residual-detector.js';
import type { Forecaster } from './forecaster.js';
import { pointsPerDay } from './forecaster.js';
import { NeuralForecaster } from './forecaster/neural-forecaster.js';
import { type ForecastUnits, logScaleFor } from './forecaster/forecast-units.js';
import { neuralOptionsForSeries } from './forecaster/neural-sizing.js';

export const DETECTORS = ['neural-residual', 'robust-zscore', 'ewma-control'] as const;
export const FORECASTERS = [
  'neural-mlp',
  'naive',
  'moving-average',
  'seasonal-naive-daily',
  'seasonal-naive-weekly',
  'holt-winters-daily',
  'holt-winters-weekly',
] as const;

export function createDetector(name: string): Detector {
  switch (name) {
    case 'neural-residual':
      return new ResidualDetector();
    case 'robust-zscore':
      return new RobustZScoreDetector();
    case 'ewma-control':
      return new EwmaControlDetector();
    default:
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `unknown detector '${name}': use one of ${DETECTORS.join(', ')}`,
      );
  }
}

/** `trainPoints`: the span the model will be fitted on, which sizes the neural forecaster. */
export function createForecaster(
  name: string,
  stepMs: number,
  horizon: number,
  trainPoints: number,
  neural: { epochs?: number; seed?: number; holidays?: string[]; units?: ForecastUnits } = {},
): Forecaster {
  const day = pointsPerDay(stepMs);
  switch (name) {
    case 'neural-mlp': {
      const { units, ...flags } = neural;
      return new NeuralForecaster({
        ...neuralOptionsForSeries({ stepMs, horizon, trainPoints }),
        // A flag left unset must not blank the rule's value.
        ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
        logScale: logScaleFor(units),
      });
    }
    case 'naive':
      return new NaiveForecaster();
    case 'moving-average':
      return new MovingAverageForecaster();
    case 'seasonal-naive-daily':
      return new SeasonalNaiveForecaster(day, name);
    case 'seasonal-naive-weekly':
      return new SeasonalNaiveForecaster(7 * day, name);
    case 'holt-winters-daily':
      return new HoltWintersForecaster(day, { label: name, horizon });
    case 'holt-winters-weekly':
      return new HoltWintersForecaster(7 * day, { label: name, horizon });
    default:
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `unknown model '${name}': use one of ${FORECASTERS.join(', ')}`,
      );
  }
}
