/**
 * The file-to-file jobs behind `sluice detect` and `sluice forecast`: read a series CSV, run a
 * model, write CSV. The CLI only parses flags and calls these.
 */
import { type ScalerUnits, scalerUnits } from '../datasets/series/log-robust-scaler.js';
import type { HoltWintersBlend } from './forecaster/holt-winters-blend.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { calendarSpacing, inferStep, toRegularGrid } from '../datasets/series/regular-grid.js';
import { resolveHolidays } from '../datasets/series/holiday-calendar.js';
import { type RegularSeries, timeAt } from '../datasets/series/regular-series.js';
import { readSeriesCsv } from '../datasets/series/series-csv.js';
import { rowsToScore } from '../datasets/series/arrival-times.js';
import { formatTimestamp } from '../datasets/series/timestamp.js';
import { holdoutSplit } from '../datasets/series/time-split.js';
import { SluiceError } from '../gateway-core/errors.js';
import { type BackendChoice, type BackendLog, resolveBackendRequest, selectBackend } from './backend.js';
import { backtestCsv, rollingOrigin } from './eval/backtest.js';
import { forecastMetrics, seasonalNaiveScale } from './eval/forecast-metrics.js';
import { evaluateScenario, type ScenarioResult } from './eval/forecast-evaluation.js';
import { seriesScenario } from './eval/series-scenario.js';
import type { Clock } from './eval/timed.js';
import { type ProgressCallback, pointsPerDay } from './forecaster.js';
import type { ForecastUnits } from './forecaster/forecast-units.js';
import { loadForecaster, saveForecaster } from './forecaster/model-store.js';
import { ResidualDetector } from './detector/residual-detector.js';
import { NeuralForecaster } from './forecaster/neural-forecaster.js';
import { createDetector, createForecaster } from './registry.js';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export async function startBackend(flag: string | undefined, log?: BackendLog): Promise<BackendChoice> {
  return selectBackend(resolveBackendRequest(flag), log);
}

/**
 * Scores every row in file order and writes `timestamp,value,anomaly_score` (timestamps as given).
 * Where timestamps go back, rows are scored at their arrival times (arrivalTimes) and each such
 * place is returned.
 */
export async function detectSeriesFile(opts: {
  input: string;
  output: string;
  detector: string;
  progress?: ProgressCallback;
}): Promise<{ rows: number; detector: string; clockSteps: Array<{ line: number; backMs: number }> }> {
  const raw = await readSeriesCsv(opts.input);
  const arrival = rowsToScore(raw);
  const detector = createDetector(opts.detector);
  if (detector instanceof ResidualDetector) detector.onProgress = opts.progress ?? null;
  // Rows without a value are a gap to the detector; they are written back with no value, score 0.
  const scored = await detector.score(arrival.times, arrival.values);
  const scores = new Float64Array(raw.values.length);
  arrival.rows.forEach((i, k) => {
    scores[i] = scored[k];
  });
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < raw.values.length; i++) {
    const value = Number.isNaN(raw.values[i]) ? '' : raw.values[i];
    lines.push(`${raw.stamps[i]},${value},${+scores[i].toFixed(6)}`);
  }
  write(opts.output, `${lines.join('\n')}\n`);
  const clockSteps = arrival.steps.map((s) => ({ line: raw.lines[s.row], backMs: s.backMs }));
  return { rows: raw.values.length, detector: detector.name, clockSteps };
}

/** --holidays entries as dates for the years the series spans (and the next): holiday-calendar.ts. */
export function holidaysFor(
  series: RegularSeries,
  entries: readonly string[] | undefined,
): string[] | undefined {
  return entries && resolveHolidays(entries, series.start, timeAt(series, series.values.length - 1));
}

export async function readRegular(path: string): Promise<RegularSeries> {
  const raw = await readSeriesCsv(path);
  // A missing value is a gap: the grid (its step from every row's time) fills and flags it.
  const present = raw.values.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  const calendar = calendarSpacing(raw.times);
  if (calendar)
    throw new SluiceError(
      'SLUICE_TRACE_INVALID',
      `${path}: rows are calendar ${calendar} apart, whose lengths vary, and forecasting works on a fixed step (seconds to days): ` +
        `one step would put two of these rows in one slot and move the others off their dates. ` +
        `Forecast a fixed-step series (the same metric per hour or per day); \`sluice detect\` scores such rows as they are.`,
    );
  return toRegularGrid(
    present.map((i) => raw.times[i]),
    present.map((i) => raw.values[i]),
    raw.times.length > 1 ? inferStep(raw.times) : undefined,
  );
}

/** Rolling-origin backtest: fit on the first (1 - holdout), forecast from every step-th origin after. */
export async function backtestSeriesFile(opts: {
  input: string;
  output: string;
  model: string;
  horizon: number;
  step: number;
  holdout: number;
  /** --holidays entries (dates, calendar names) for the neural forecaster (holiday-calendar.ts). */
  holidays?: string[];
  /** --units: the units the neural forecaster learns in (forecast-units.ts). */
  units?: ForecastUnits;
  progress?: ProgressCallback;
}): Promise<{ origins: number; mase: number; coverage90: number }> {
  const series = await readRegular(opts.input);
  const { train } = holdoutSplit(series.values.length, opts.holdout);
  const model = createForecaster(opts.model, series.stepMs, opts.horizon, train.end, {
    holidays: holidaysFor(series, opts.holidays),
    units: opts.units,
  });
  if (model instanceof NeuralForecaster) model.onProgress = opts.progress ?? null;
  const rows = await rollingOrigin(model, series, {
    trainEnd: train.end,
    horizon: opts.horizon,
    step: opts.step,
    onProgress: opts.progress,
  });
  write(opts.output, backtestCsv(series, rows));
  const scale = seasonalNaiveScale(series.values, train.end, 1, series.filled);
  const m = forecastMetrics(rows, scale);
  return { origins: rows.length / opts.horizon, mase: m.mase, coverage90: m.coverage90 };
}

/**
 * Every forecaster of `npm run eval -- --series` on one file (series-scenario.ts): the neural one
 * beside the naive, seasonal naive and Holt-Winters baselines, backtested on the last `holdout`,
 * with the neural one's ratio to the best baseline, its interval and a Diebold-Mariano test.
 */
export async function compareSeriesFile(opts: {
  input: string;
  horizon: number;
  step: number;
  holdout: number;
  holidays?: string[];
  units?: ForecastUnits;
  progress?: ProgressCallback;
  /** Times each fit (ms), reported as fit seconds: the caller's clock (the CLI passes the wall clock). */
  clock: Clock;
}): Promise<ScenarioResult> {
  const series = await readRegular(opts.input);
  const name = basename(opts.input).replace(/\.csv$/i, '');
  const spec = seriesScenario(name, series, { ...opts, holidays: holidaysFor(series, opts.holidays) });
  if (spec.candidate instanceof NeuralForecaster) spec.candidate.onProgress = opts.progress ?? null;
  return evaluateScenario(spec, opts.clock);
}

/** Trains the neural forecaster on the whole file and saves it as a directory. */
export async function trainSeriesFile(opts: {
  input: string;
  modelDir: string;
  horizon: number;
  epochs?: number;
  holidays?: string[];
  units?: ForecastUnits;
  progress?: ProgressCallback;
}): Promise<{ windows: number; epochs: number; blend: HoltWintersBlend | null; units: ScalerUnits }> {
  const series = await readRegular(opts.input);
  const n = series.values.length;
  const model = createForecaster('neural-mlp', series.stepMs, opts.horizon, n, {
    epochs: opts.epochs,
    holidays: holidaysFor(series, opts.holidays),
    units: opts.units,
  });
  if (!(model instanceof NeuralForecaster))
    throw new SluiceError('SLUICE_INTERNAL', 'neural-mlp is not neural');
  model.onProgress = opts.progress ?? null;
  // Hold out the last 10% to report honest metrics in the metadata, then train on everything.
  const { train } = holdoutSplit(n, 0.1);
  const rows = await rollingOrigin(model, series, {
    trainEnd: train.end,
    horizon: opts.horizon,
    step: opts.horizon,
    onProgress: opts.progress,
  });
  const m = forecastMetrics(
    rows,
    seasonalNaiveScale(series.values, train.end, pointsPerDay(series.stepMs), series.filled),
  );
  await model.fit(series, n);
  await saveForecaster(model, opts.modelDir, {
    holdoutMase: rows.length ? m.mase : null,
    holdoutCoverage90: rows.length ? m.coverage90 : null,
    holdoutPoints: rows.length,
  });
  const state = model.state!;
  return {
    windows: state.training.windows,
    epochs: state.training.epochs,
    blend: state.holtWintersBlend ?? null,
    units: scalerUnits(state.scaler),
  };
}

/**
 * Online update of a saved model with the points a series file holds after the model's data
 * span: a few epochs on the windows whose targets fall among them (NeuralForecaster.update), at
 * the learning rate's quarter, keeping the scaler; then saved back to the same directory. The
 * file must be the same series on the same grid (earlier points may be left out as long as the
 * lookback and the seasonal lags stay covered). Full retraining is `train` again.
 */
export async function updateSeriesFile(opts: {
  input: string;
  modelDir: string;
  epochs?: number;
}): Promise<{ newPoints: number; epochs: number; end: string }> {
  const series = await readRegular(opts.input);
  const { forecaster, metadata } = await loadForecaster(opts.modelDir);
  const span = metadata.dataSpan;
  if (series.stepMs !== span.stepMs || (span.end - series.start) % series.stepMs !== 0) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${opts.input}: its grid (start ${formatTimestamp(series.start)}, step ${series.stepMs} ms) is not the model's (step ${span.stepMs} ms, last point ${formatTimestamp(span.end)}): update with the series the model was trained on, extended`,
    );
  }
  const lastKnown = (span.end - series.start) / series.stepMs;
  const end = series.values.length;
  const newPoints = end - 1 - lastKnown;
  if (newPoints <= 0) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${opts.input}: nothing after the model's last point ${formatTimestamp(span.end)} (the file ends at ${formatTimestamp(timeAt(series, end - 1))}); append the new points and run again`,
    );
  }
  const result = await forecaster.update(series, end, { recent: newPoints, epochs: opts.epochs });
  await saveForecaster(forecaster, opts.modelDir, {
    ...metadata.metrics,
    updates: (metadata.metrics.updates ?? 0) + 1,
  });
  return { newPoints, epochs: result.epochs, end: formatTimestamp(forecaster.state!.dataSpan.end) };
}

/** Forecasts the horizon after the file's last point with a saved model. */
export async function predictSeriesFile(opts: {
  input: string;
  modelDir: string;
  output: string;
  horizon?: number;
  /** Holidays beyond those the model was trained with (its saved calendar is kept). */
  holidays?: string[];
}) {
  const series = await readRegular(opts.input);
  const { forecaster } = await loadForecaster(opts.modelDir);
  if (opts.holidays) forecaster.addHolidays(holidaysFor(series, opts.holidays)!);
  const horizon = opts.horizon ?? forecaster.options.horizon;
  const origin = series.values.length - 1;
  const rows = await rollingOrigin(forecaster, series, {
    trainEnd: origin + 1,
    horizon,
    step: 1,
    fitted: true,
    partial: true,
    firstOrigin: origin,
  });
  write(opts.output, backtestCsv(series, rows));
  return { rows: rows.length };
}
