/**
 * One forecasting scenario: every model fitted on the same training span and backtested from the
 * same origins, with metrics scaled by the same in-sample seasonal naive MAE, so the rows of a
 * table compare like with like.
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import type { Forecaster } from '../forecaster.js';
import { type BacktestRow, rollingOrigin } from './backtest.js';
import { compareForecasts, type ForecastComparison } from './forecast-comparison.js';
import { type ForecastMetrics, forecastMetrics, seasonalNaiveScale } from './forecast-metrics.js';
import { type Clock, timed } from './timed.js';

export interface ScenarioSpec {
  name: string;
  series: RegularSeries;
  trainEnd: number;
  horizon: number;
  step: number;
  /** Season of the MASE scale (1 = naive). */
  scalePeriod: number;
  baselines: Forecaster[];
  candidate: Forecaster;
  /**
   * Scored like the others but neither a baseline nor the candidate: where the series was drawn
   * from a known rate, the forecaster that knows it (the floor the noise sets).
   */
  reference?: Forecaster;
}

export interface ModelResult extends ForecastMetrics {
  model: string;
  role: 'baseline' | 'candidate' | 'reference';
  fitSeconds: number;
  /** MASE divided by the best baseline's MASE (candidate only), computed as the ratio of MAEs. */
  ratioToBestBaseline: number | null;
}

export interface ScenarioResult {
  scenario: string;
  points: number;
  trainPoints: number;
  horizon: number;
  origins: number;
  scale: number;
  models: ModelResult[];
  bestBaseline: string;
  /** The candidate against the best baseline: a significance test and an interval of the ratio. */
  comparison: ForecastComparison;
}

/** `clock` (ms) times each fit. */
export async function evaluateScenario(spec: ScenarioSpec, clock: Clock): Promise<ScenarioResult> {
  const scale = seasonalNaiveScale(spec.series.values, spec.trainEnd, spec.scalePeriod, spec.series.filled);
  const models: ModelResult[] = [];
  let origins = 0;
  const rowsOf = new Map<ModelResult, BacktestRow[]>();
  const entries: Array<[Forecaster, ModelResult['role']]> = [
    ...spec.baselines.map((b): [Forecaster, 'baseline'] => [b, 'baseline']),
    [spec.candidate, 'candidate'],
    ...(spec.reference ? [[spec.reference, 'reference'] as [Forecaster, 'reference']] : []),
  ];
  for (const [model, role] of entries) {
    const [, fitSeconds] = await timed(clock, () => model.fit(spec.series, spec.trainEnd));
    const rows = await rollingOrigin(model, spec.series, {
      trainEnd: spec.trainEnd,
      horizon: spec.horizon,
      step: spec.step,
      fitted: true,
    });
    origins = rows.length / spec.horizon;
    const result: ModelResult = {
      model: model.name,
      role,
      fitSeconds,
      ratioToBestBaseline: null,
      ...forecastMetrics(rows, scale),
    };
    models.push(result);
    rowsOf.set(result, rows);
  }
  const baselines = models.filter((m) => m.role === 'baseline');
  // By MAE: every model shares the scale, so this is the MASE order, and it stays defined where
  // the scale is not (a series the seasonal naive repeats exactly).
  const best = baselines.reduce((a, b) => (b.mae < a.mae ? b : a));
  const candidate = models.find((m) => m.role === 'candidate')!;
  candidate.ratioToBestBaseline = candidate.mae / best.mae;
  const comparison = compareForecasts(
    rowsOf.get(candidate)!,
    rowsOf.get(best)!,
    best.model,
    spec.horizon,
    spec.step,
  );
  return {
    scenario: spec.name,
    points: spec.series.values.length,
    trainPoints: spec.trainEnd,
    horizon: spec.horizon,
    origins,
    scale,
    models,
    bestBaseline: best.model,
    comparison,
  };
}
