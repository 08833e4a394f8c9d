/**
 * The neural demand forecaster: a quantile MLP (quantile-mlp.ts) over a lookback window, the
 * same window one day and one week back, and calendar features (features.ts), predicting
 * horizons 1..H at once (p50 and p90). Robust scaling is fitted on the training span only.
 * Seasonal lags are used only where the training span holds enough windows to learn them.
 * With `level: 'auto'` the inputs and targets are taken relative to a robust level (a mean or a
 * median of a window fitted on the training span by multi-horizon MAE, robust-levels.ts) and the
 * deep part starts at 0: the untrained network is that baseline, and training (with early
 * stopping) only adds what it can learn. `baselineInputs` adds means, medians and EWMAs of the
 * window as inputs, so the linear skip can learn to combine them.
 * `ensemble` networks with different seeds are averaged (less variance on short series).
 * The p90 is calibrated by split conformal on the latest `validation` windows (held out of the
 * gradient steps): p90_h += the ceil((n+1) 0.9)-th smallest of y_h - p90_h there, so that about
 * 90% of calibration targets fall below it, whatever the pinball fit did. After the fit end,
 * adaptive conformal inference (aci.ts, `adaptiveCalibration`) moves that quantile level with the
 * misses the model's own earlier p90s show on the points observed since, replayed from the data
 * at each forecast (so a forecast still depends only on points at or before its origin).
 * With `holtWintersBlend` the p50 may be averaged with a Holt-Winters p50 (holt-winters-blend.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { timeAt } from '../../datasets/series/regular-series.js';
import { HolidayCalendar } from '../../datasets/series/holiday-calendar.js';
import {
  firstUnloggable,
  fitsLogScale,
  LogRobustScaler,
  restoreScaler,
  type SeriesScaler,
  type SeriesScalerState,
} from '../../datasets/series/log-robust-scaler.js';
import { RobustScaler } from '../../datasets/series/robust-scaler.js';
import { SluiceError } from '../../gateway-core/errors.js';
import type { Forecast, Forecaster, ProgressCallback } from '../forecaster.js';
import { pointsPerDay } from '../forecaster.js';
import {
  buildFeatures,
  type FeatureConfig,
  firstOrigin,
  inputSize,
  scaleValues,
  seasonLagInputs,
} from './features.js';
import { aciStep, type CalibrationScores, calibrationScores, rankAt, replayAlpha, shiftsAt } from './aci.js';
import { fitLevel } from './robust-levels.js';
import { HoltWintersForecaster } from '../baselines/holt-winters.js';
import { type BlendCandidate, chooseBlend, type HoltWintersBlend } from './holt-winters-blend.js';
import { backendReadsSynchronously } from '../backend.js';
import {
  buildQuantileMlp,
  HostQuantileMlp,
  type TrainOptions,
  type TrainResult,
  trainQuantileMlp,
  trainQuantileMlpAsync,
} from './quantile-mlp.js';

export interface NeuralForecasterOptions {
  horizon: number;
  lookback: number;
  hidden: number;
  /**
   * 'auto' = one day (averaged over up to 7 days) and one week where the
   * training span allows; or explicit seasons in points.
   */
  seasons: 'auto' | Array<{ period: number; count: number }>;
  epochs: number;
  /** Largest batch; smaller where an epoch would hold under `minBatchesPerEpoch` steps. */
  batchSize: number;
  minBatchesPerEpoch: number;
  learningRate: number;
  seed: number;
  /** Cap on training windows per epoch (evenly strided over the span). */
  maxWindows: number;
  validation: number;
  patience: number;
  /** Window of the level the network works relative to: the lookback, fitted, or a number. */
  level: 'lookback' | 'auto' | number;
  /**
   * With level 'auto': adaptive-window means and medians (the longest window of up to 120 points
   * with no significant level change, robust-levels.ts) join the candidates.
   */
  adaptiveLevel: boolean;
  /** Give the network robust baselines (means, medians, EWMAs of the window) as inputs. */
  baselineInputs: boolean;
  /** Networks averaged (seeds seed, seed+1, ...). */
  ensemble: number;
  /** Split-conformal calibration of the p90 on the validation windows. */
  calibrate: boolean;
  /**
   * Step gamma of adaptive conformal inference (0 = off; aci.ts): after the fit, each observed
   * point moves the miss level alpha by gamma (0.1 - the share of the p90s it settles that it
   * exceeds), and the p90 shift is the (1 - alpha) quantile of the calibration scores. 'auto' =
   * 1 / (calibration windows), at least 0.01 (aci.ts, `aciStep`): each point weighs like one more
   * calibration window, so after about as many points as the calibration set held, the new
   * outcomes weigh as much as it; on long series the floor lets the p90 follow a change.
   */
  adaptiveCalibration: number | 'auto';
  /**
   * With level 'auto': the network may start at a seasonal-naive forecast (one of its seasons'
   * lag values, taken as they are) instead of at the level, whichever has the lower MAE on the
   * validation windows. For short spans, where a few hundred windows do not teach the network
   * to read the week-back inputs from a start at the level.
   */
  seasonalStart: boolean;
  /**
   * Where the network started at a season's lag: the p50 is this share of that lag plus the rest
   * of the network's p50 (0 = the network's alone). A forecast combination: on a month of hourly
   * demand the network fits its validation windows better than the lag and the held-out span
   * worse.
   */
  seasonalBlend: number;
  /**
   * Average the p50 with a daily or weekly Holt-Winters p50 where that lowers the MAE on the
   * validation windows (holt-winters-blend.ts; the weight and season are chosen there).
   */
  holtWintersBlend: boolean;
  /**
   * With holtWintersBlend, > 0: where the weekly Holt-Winters can be fitted, the p50 is this share
   * of it and the rest the network's, with no choice on the validation windows (0 = choose there;
   * a span with only a daily Holt-Winters still chooses). For short spans, whose few validation
   * windows choose a weight by noise (holt-winters-blend.ts).
   */
  fixedWeeklyBlend: number;
  /**
   * Holidays (YYYY-MM-DD, the series' clock): a day behaves like the weekday its class says
   * (holiday-calendar.ts) in the calendar features and the week-back inputs. Give the future
   * ones too: a forecast into a holiday reads it from here.
   */
  holidays: string[];
  /**
   * Learn in log units (log-robust-scaler.ts): true, or 'auto' where every value of the training
   * span is > 0 (default false). Demand often scales its daily swing with its level (shifts,
   * trends, weekends); logs make that a shift. The mixes (seasonalBlend, holtWintersBlend) are
   * taken in these units: a geometric mean in logs; the means over past days and weeks are of the
   * values (features.ts, logUnits), as one near-empty night (an outage, a blizzard) would
   * otherwise pull a week of them down. Not the default: against linear units ('auto' against
   * false, `npm run eval -- --units auto` and `--series`, 48 steps; models/README.md, twelfth
   * session) simulated 1-minute 0.844x -> 0.831x, 30-minute 0.783x -> 0.700x, `taylor` 0.944x ->
   * 0.932x, but nyc_taxi (`--holidays us`) 0.707x -> 0.739x, the Azure conversation trace's p90
   * coverage left 0.85-0.95 (0.848 requests, 0.950 tokens), and sixteen month-long hourly spans
   * moved nothing (geometric mean of the ratios 1.102 -> 1.109).
   */
  logScale: 'auto' | boolean;
}

export const DEFAULT_NEURAL_OPTIONS: NeuralForecasterOptions = {
  horizon: 60,
  lookback: 60,
  hidden: 96,
  seasons: 'auto',
  epochs: 20,
  batchSize: 256,
  minBatchesPerEpoch: 10,
  learningRate: 2e-3,
  seed: 1,
  maxWindows: 10_000,
  validation: 0.1,
  patience: 3,
  level: 'lookback',
  adaptiveLevel: true,
  baselineInputs: false,
  ensemble: 1,
  calibrate: true,
  adaptiveCalibration: 'auto',
  seasonalStart: false,
  seasonalBlend: 0,
  holtWintersBlend: false,
  fixedWeeklyBlend: 0,
  holidays: [],
  logScale: false,
};

/**
 * One origin's network output in scaled units relative to its level: the p50 (0 where the p50 is
 * the level itself) and the p90 before the conformal shift, p50 + softplus(gap).
 */
interface NetRow {
  mid: Float64Array;
  upper: Float64Array;
}

/**
 * Where short gaps are so frequent that most windows touch one, windows with at most this share of
 * filled points are trained on (trainingOrigins).
 */
const MAX_FILLED_SHARE = 0.1;

/** ACI replays at most this many horizons' worth of origins before each forecast. */
const ACI_WINDOW_HORIZONS = 2;

export interface DataSpan {
  start: number;
  end: number;
  stepMs: number;
  points: number;
}

export interface NeuralState {
  options: NeuralForecasterOptions;
  features: FeatureConfig;
  scaler: SeriesScalerState;
  dataSpan: DataSpan;
  /** The training span had no negative value (counts, tokens): forecasts are floored at 0. */
  nonNegative?: boolean;
  /** Per-horizon conformal shift of the p90 (scaled units). */
  p90Offset?: number[];
  /** Per-horizon calibration scores y - p90 (sorted, at most 256 order statistics), for ACI. */
  p90Scores?: CalibrationScores;
  /**
   * With level 'auto': the trained p50 lost to the level itself on the calibration windows, so the
   * p50 is the level (the network still gives the p90).
   */
  p50FromLevel?: boolean;
  /** Input index of each horizon's seasonal lag where the network started there (seasonalStart). */
  startLag?: number[];
  /** The Holt-Winters forecast the p50 is averaged with, where one is (holtWintersBlend). */
  holtWintersBlend?: HoltWintersBlend;
  training: TrainResult & { windows: number };
}

export class NeuralForecaster implements Forecaster {
  readonly name = 'neural-mlp';
  readonly options: NeuralForecasterOptions;
  private models: tf.LayersModel[] = [];
  /**
   * The networks' forward passes in JavaScript, where the backend cannot read results
   * synchronously (WebGPU in Node): forecasting is synchronous. Null where tf.js predicts.
   */
  private hostModels: HostQuantileMlp[] | null = null;
  private scaler: SeriesScaler | null = null;
  private features: FeatureConfig | null = null;
  /** The blend's Holt-Winters filter and the values it was started on (it restarts on others). */
  private blendModel: HoltWintersForecaster | null = null;
  private blendValues: Float64Array | null = null;
  private scaledCache = new WeakMap<Float64Array, Float32Array>();
  /**
   * Network outputs by origin: ACI re-reads the outputs of the last few horizons' origins at every
   * forecast. A row of origin u depends only on values[0..u], the grid and the weights, so the
   * cache keeps a copy of the values it has seen (`seen`) and is emptied whenever a series
   * disagrees with that copy, its grid differs, or the weights change: it can never change an
   * answer, and checking it costs one pass over the values instead of rebuilding the features.
   */
  private rowCache = new Map<number, NetRow & { level: number }>();
  private seen: { start: number; stepMs: number; values: Float64Array } | null = null;
  state: NeuralState | null = null;
  /** Told after each network of the ensemble is trained (not saved with the model). */
  onProgress: ProgressCallback | null = null;

  constructor(options: Partial<NeuralForecasterOptions> = {}) {
    this.options = { ...DEFAULT_NEURAL_OPTIONS, ...options };
  }

  private chooseSeasons(stepMs: number, end: number): FeatureConfig['seasons'] {
    if (this.options.seasons !== 'auto') return this.options.seasons;
    const day = pointsPerDay(stepMs);
    const { lookback, horizon } = this.options;
    const out: FeatureConfig['seasons'] = [];
    // Daily or coarser data has no day season (a period of one point is only a moving average,
    // which the lookback already holds), and its week is a few points: averaging eight weeks
    // there is the analogue of the day season's seven days (a synthetic two-year daily series,
    // 14 steps: 1.101x of weekly Holt-Winters with the period-1 season and one week, 0.990x
    // with eight weeks and no period-1 season).
    const intraday = day > 1;
    for (const [period, most] of [
      ...(intraday ? [[day, 7]] : []),
      // One week back only, with a day season: averaging older weeks mixed in old levels and
      // holidays and cost training windows (30-minute synthetic eval: MASE 0.35 with one week,
      // 0.41-0.44 with 2-3).
      [7 * day, intraday ? 1 : 8],
    ]) {
      // As many past seasons as still leave half the span to train on. (Until 2026-11-27 also at
      // least 1,000 windows: a series shorter than about 2,000 points, two years of daily data
      // say, got no seasonal inputs at all.)
      const keep = Math.floor(end / 2);
      const count = Math.min(most, Math.floor((end - lookback - horizon - keep) / period));
      if (count >= 1) out.push({ period, count });
    }
    return out;
  }

  private scaled(series: RegularSeries): Float32Array {
    let z = this.scaledCache.get(series.values);
    if (!z || z.length !== series.values.length) {
      z = scaleValues(series.values, this.scaler!);
      this.scaledCache.set(series.values, z);
    }
    return z;
  }

  /**
   * Origins to train on, evenly strided to at most `cap`, leaving out those whose lookback or
   * targets hold points the grid filled in (a gap bridged by a straight line is no pattern to
   * learn: a two-day gap in the training span of a half-hourly demand series cost 24% in MASE).
   * Where that would leave out more than half of the origins (short gaps every day, as in hourly
   * ad-exchange data with 64 gaps of 1-9 hours in 64 days: every window with its seasons touched
   * one, and training had no window at all), an origin is left out only when more than
   * MAX_FILLED_SHARE of the points it reads were filled.
   */
  private trainingOrigins(
    series: RegularSeries,
    from: number,
    end: number,
    cap: number,
    features: FeatureConfig = this.features!,
  ): number[] {
    const { lookback, horizon } = this.options;
    const last = end - horizon - 1;
    const first = Math.max(from, firstOrigin(features));
    if (last < first) return [];
    // filledBefore[i] = filled points among 0..i-1.
    const filledBefore = new Int32Array(end + 1);
    for (let i = 0; i < end; i++) filledBefore[i + 1] = filledBefore[i] + (series.filled[i] ? 1 : 0);
    const filledIn = (a: number, b: number) => filledBefore[b + 1] - filledBefore[Math.max(0, a)];
    const seasons = features.seasons;
    /**
     * The share of filled points among those origin t reads (its lookback and targets, and theirs
     * a season back). With holidays a few week-back points come from another similar day instead;
     * the count reads the plain week back (the two differ only around holidays).
     */
    const filledShare = (t: number) => {
      let filled = filledIn(t - lookback + 1, t + horizon);
      let read = lookback + horizon;
      for (const { period, count } of seasons) {
        for (let k = 1; k <= count; k++) {
          filled += filledIn(t - lookback + 1 - k * period, t + horizon - k * period);
          read += lookback + horizon;
        }
      }
      return filled / read;
    };
    const shares: number[] = [];
    for (let t = first; t <= last; t++) shares.push(filledShare(t));
    const strict = shares.filter((x) => x === 0).length;
    const limit = strict >= shares.length / 2 ? 0 : MAX_FILLED_SHARE;
    const candidates: number[] = [];
    shares.forEach((x, k) => {
      if (x <= limit) candidates.push(first + k);
    });
    const stride = Math.max(1, Math.ceil(candidates.length / cap));
    const out: number[] = [];
    for (let k = candidates.length - 1; k >= 0; k -= stride) out.push(candidates[k]);
    return out.reverse();
  }

  async fit(series: RegularSeries, end: number): Promise<void> {
    const o = this.options;
    const span = series.values.subarray(0, end);
    const loggable = fitsLogScale(span);
    if (o.logScale === true && !loggable) throw unloggableSpan(this.name, span);
    const logs = o.logScale === true || (o.logScale === 'auto' && loggable);
    this.scaler = logs ? LogRobustScaler.fit(span) : RobustScaler.fit(span);
    this.scaledCache = new WeakMap();
    this.forgetRows();
    const day = pointsPerDay(series.stepMs);
    this.features = {
      lookback: o.lookback,
      horizon: o.horizon,
      seasons: this.chooseSeasons(series.stepMs, end),
      calendar: { day: end >= 2 * day, week: end >= 14 * day },
      baselines: o.baselineInputs,
      ...(o.holidays.length > 0 ? { holidays: HolidayCalendar.fromDates(o.holidays).days } : {}),
      ...(this.scaler instanceof LogRobustScaler ? { logUnits: { scale: this.scaler.scale } } : {}),
      level:
        o.level === 'auto'
          ? fitLevel(series.values, end, o.lookback, o.horizon, o.adaptiveLevel)
          : o.level === 'lookback'
            ? o.lookback
            : o.level,
    };
    let origins = this.trainingOrigins(series, 0, end, o.maxWindows);
    // Seasons reach days back, so on a series with long gaps (a traffic sensor silent for days)
    // nearly every window reads a gap a day or a week back. Seasons are given up, the farthest
    // reach first, until the windows left are a quarter of those the lookback alone allows, up
    // to the cap on windows (seasons given by name are kept as given). Without the cap in that
    // count, a long gap-free series (four weeks of 1-minute data: 32,000 windows, 4,000 taken)
    // gave up every season.
    if (o.seasons === 'auto' && this.features.seasons.length > 0) {
      const noSeasons = { ...this.features, seasons: [] };
      const plain = this.trainingOrigins(series, 0, end, o.maxWindows, noSeasons).length;
      while (this.features.seasons.length > 0 && origins.length < plain / 4) {
        this.features = { ...this.features, seasons: fewerSeasons(this.features.seasons) };
        origins = this.trainingOrigins(series, 0, end, o.maxWindows);
      }
    }
    if (origins.length < 10) {
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `${this.name}: training span of ${end} points gives ${origins.length} windows (lookback ${o.lookback}, horizon ${o.horizon}, windows touching points filled into gaps left out: ${filledCount(series, end)} such points); need at least 10`,
      );
    }
    const batch = buildFeatures(
      this.features,
      this.scaled(series),
      series.start,
      series.stepMs,
      origins,
      true,
    );
    const start =
      o.level === 'auto' && o.seasonalStart
        ? this.bestStart(batch.inputs, batch.targets!, batch.count)
        : null;
    for (const m of this.models) m.dispose();
    this.models = [];
    let result: TrainResult = { epochs: 0, trainLoss: Number.NaN, validationLoss: null };
    for (let k = 0; k < Math.max(1, o.ensemble); k++) {
      const model = buildQuantileMlp({
        inputSize: inputSize(this.features),
        horizon: o.horizon,
        hidden: o.hidden,
        seed: o.seed + k,
        zeroInit: o.level === 'auto',
      });
      if (start) startAt(model, start, o.horizon);
      const trained = this.train(model, batch.inputs, batch.targets!, batch.count, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        minBatchesPerEpoch: o.minBatchesPerEpoch,
        learningRate: o.learningRate,
        seed: o.seed + k,
        validation: o.validation,
        patience: o.patience,
      });
      result = trained instanceof Promise ? await trained : trained;
      this.models.push(model);
      this.onProgress?.({ phase: 'fit', done: k + 1, total: Math.max(1, o.ensemble) });
    }
    const hostsRead = this.readHostModels();
    if (hostsRead) await hostsRead;
    const p90Scores = o.calibrate
      ? this.conformalScores(batch.inputs, batch.targets!, batch.count)
      : undefined;
    const p90Offset = p90Scores ? shiftsAt(p90Scores, 0.1) : undefined;
    const p50FromLevel =
      o.level === 'auto' ? this.levelBeatsNetwork(batch.inputs, batch.targets!, batch.count) : false;
    this.blendModel = null;
    const blend = o.holtWintersBlend ? await this.fitBlend(series, end, origins, batch, p50FromLevel) : null;
    this.state = {
      options: o,
      features: this.features,
      scaler: this.scaler.toJSON(),
      dataSpan: { start: series.start, end: timeAt(series, end - 1), stepMs: series.stepMs, points: end },
      nonNegative: series.values.subarray(0, end).every((v) => v >= 0),
      p90Offset,
      p90Scores,
      p50FromLevel,
      startLag: start ?? undefined,
      holtWintersBlend: blend ?? undefined,
      training: { ...result, windows: batch.count },
    };
  }

  /**
   * Online update: a few epochs on the windows whose targets fall in the last `recent` points
   * before `end`, at a lower learning rate, keeping the scaler (so old and new agree on units).
   */
  async update(
    series: RegularSeries,
    end: number,
    opts: { recent?: number; epochs?: number } = {},
  ): Promise<TrainResult> {
    this.requireFitted();
    const o = this.options;
    const recent = opts.recent ?? Math.max(4 * o.horizon, pointsPerDay(series.stepMs));
    const origins = this.trainingOrigins(series, end - recent - o.horizon, end, o.maxWindows);
    if (origins.length === 0) return { epochs: 0, trainLoss: Number.NaN, validationLoss: null };
    const batch = buildFeatures(
      this.features!,
      this.scaled(series),
      series.start,
      series.stepMs,
      origins,
      true,
    );
    let result: TrainResult = { epochs: 0, trainLoss: Number.NaN, validationLoss: null };
    this.forgetRows();
    for (const [k, model] of this.models.entries()) {
      const trained = this.train(model, batch.inputs, batch.targets!, batch.count, {
        epochs: opts.epochs ?? 3,
        batchSize: o.batchSize,
        learningRate: o.learningRate / 4,
        seed: o.seed + k + end,
        validation: 0,
        patience: 1,
      });
      result = trained instanceof Promise ? await trained : trained;
    }
    const hostsRead = this.readHostModels();
    if (hostsRead) await hostsRead;
    const span = this.state!.dataSpan;
    span.end = Math.max(span.end, timeAt(series, end - 1));
    span.points = Math.max(span.points, end);
    return result;
  }

  private requireFitted(): void {
    if (this.models.length === 0 || !this.scaler || !this.features) {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `${this.name}: forecast before fit or load`);
    }
  }

  /** What sets minOrigin(), for the error that names it. */
  private historyReason(): string {
    const inputs = firstOrigin(this.features!);
    const hw = this.blendModel;
    if (hw && hw.minOrigin() > inputs)
      return `two seasons of ${hw.period} points start the Holt-Winters filter its p50 is blended with`;
    return 'the lookback and the seasons its inputs reach back to';
  }

  /** The earliest origin this model can forecast from. */
  minOrigin(): number {
    this.requireFitted();
    return Math.max(firstOrigin(this.features!), this.blendModel?.minOrigin() ?? 0);
  }

  forecast(series: RegularSeries, origin: number, horizon: number): Forecast {
    return this.forecastBatch(series, [origin], horizon)[0];
  }

  forecastBatch(series: RegularSeries, origins: readonly number[], horizon: number): Forecast[] {
    this.requireFitted();
    const H = this.options.horizon;
    if (horizon > H) {
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `${this.name}: trained for horizon ${H}, asked for ${horizon}`,
      );
    }
    const min = this.minOrigin();
    const bad = origins.find((t) => t < min || t >= series.values.length);
    if (bad !== undefined) {
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `${this.name}: origin ${bad} needs ${min + 1} points of history (${this.historyReason()})`,
      );
    }
    const z = this.scaled(series);
    const nonNegative = this.state?.nonNegative === true;
    const floor = nonNegative ? 0 : Number.NEGATIVE_INFINITY;
    const floorZ = nonNegative ? this.scaler!.transform(0) : Number.NEGATIVE_INFINITY;
    const scores = this.state?.p90Scores;
    const setting = this.options.adaptiveCalibration;
    const gamma = scores ? aciStep(setting, scores.n) : 0;
    const fitEnd = this.state?.dataSpan.points ?? 0;
    // ACI replays from the fit end (the first origin whose outcomes no fit saw), or over the last
    // ACI_WINDOW_HORIZONS horizons' worth of origins on long backtests.
    const replayFrom = (t: number) => Math.max(min, fitEnd - 1, t - ACI_WINDOW_HORIZONS * H);
    const needed = new Set<number>(origins);
    if (gamma > 0) for (const t of origins) for (let u = replayFrom(t); u < t; u++) needed.add(u);
    const rows = this.rawRows(
      series,
      z,
      [...needed].sort((a, b) => a - b),
    );
    /** The p90 in scaled units at an origin's row under shifts s (as issued, floor included). */
    const p90Scaled = (row: NetRow & { level: number }, shift: readonly number[] | undefined, h: number) =>
      Math.max(floorZ, row.level + Math.max(row.mid[h], row.upper[h] + (shift ? shift[h] : 0)));
    // alpha moves in small steps: the shifts of one calibration rank are computed once.
    const shiftByRank = new Map<number, number[]>();
    const shiftFor = (alpha: number): number[] => {
      // Below 0 the shift grows with alpha itself, not with a rank (aci.ts, tailShift).
      if (alpha < 0) return shiftsAt(scores!, alpha);
      const k = rankAt(scores!, alpha);
      const known = shiftByRank.get(k);
      if (known) return known;
      const s = shiftsAt(scores!, alpha);
      shiftByRank.set(k, s);
      return s;
    };
    const out: Forecast[] = [];
    for (const t of origins) {
      let shift = this.state?.p90Offset;
      if (gamma > 0 && scores) {
        const alpha = replayAlpha(
          gamma,
          replayFrom(t),
          t,
          H,
          (u, a) => {
            const s = shiftFor(a);
            const row = rows.get(u)!;
            const p = new Float64Array(H);
            for (let h = 0; h < H; h++) p[h] = p90Scaled(row, s, h);
            return p;
          },
          (i) => z[i],
        );
        shift = shiftFor(alpha);
      }
      const row = rows.get(t)!;
      const f = { p50: new Float64Array(horizon), p90: new Float64Array(horizon) };
      for (let h = 0; h < horizon; h++) {
        f.p50[h] = Math.max(floor, this.scaler!.inverse(row.level + row.mid[h]));
        f.p90[h] = Math.max(floor, this.scaler!.inverse(p90Scaled(row, shift, h)));
      }
      out.push(f);
    }
    return out;
  }

  /**
   * Raw network outputs (2H per origin) and levels for the given origins, in chunks: one kernel
   * call and one read per chunk; p90 = p50 + softplus(gap) as in quantiles(), done in JS because
   * a handful of tiny kernels costs more than the arithmetic.
   */
  private rawRows(
    series: RegularSeries,
    z: Float32Array,
    origins: readonly number[],
  ): Map<number, NetRow & { level: number }> {
    const H = this.options.horizon;
    const fromLevel = this.state?.p50FromLevel === true;
    const lag = this.state?.startLag;
    const blend = lag ? this.options.seasonalBlend : 0;
    if (!this.agreesWithSeen(series)) this.forgetRows();
    const out = new Map<number, NetRow & { level: number }>();
    const missing: number[] = [];
    for (const t of origins) {
      const hit = this.rowCache.get(t);
      if (hit) out.set(t, hit);
      else missing.push(t);
    }
    const chunk = 2048;
    for (let c = 0; c < missing.length; c += chunk) {
      const part = missing.slice(c, c + chunk);
      const batch = buildFeatures(this.features!, z, series.start, series.stepMs, part, false);
      const raw = this.predictRaw(batch.inputs, batch.count);
      const width = batch.inputs.length / Math.max(1, batch.count);
      const hw = this.blendModel ? this.blendP50(series, part) : null;
      const weight = this.state?.holtWintersBlend?.weight ?? 0;
      part.forEach((t, k) => {
        const mid = new Float64Array(H);
        const upper = new Float64Array(H);
        for (let h = 0; h < H; h++) {
          const net = raw[k * 2 * H + h];
          mid[h] = fromLevel ? 0 : net;
          // Mixed in scaled units, as the weight was chosen (a geometric mean with log units;
          // on `taylor` in log units the arithmetic mean of the values scored the same: 0.931x
          // of weekly Holt-Winters against 0.932x, 2026-11-28).
          if (blend > 0) mid[h] = (1 - blend) * mid[h] + blend * batch.inputs[k * width + lag![h]];
          if (hw) mid[h] = (1 - weight) * mid[h] + weight * (hw[k * H + h] - batch.levels[k]);
          upper[h] = net + softplus(raw[k * 2 * H + H + h]);
        }
        const row = { mid, upper, level: batch.levels[k] };
        out.set(t, row);
        this.rowCache.delete(t);
        this.rowCache.set(t, row);
      });
    }
    if (missing.length > 0) {
      const last = missing[missing.length - 1];
      if (!this.seen || this.seen.values.length <= last) {
        this.seen = { start: series.start, stepMs: series.stepMs, values: series.values.slice(0, last + 1) };
      }
    }
    // Oldest insertions go first; enough stays for a replay window and the batch asked for.
    const keep = 2 * ACI_WINDOW_HORIZONS * H + origins.length;
    for (const key of this.rowCache.keys()) {
      if (this.rowCache.size <= keep) break;
      this.rowCache.delete(key);
    }
    return out;
  }

  /** Does the series hold the same grid and, where both have them, the same values as `seen`? */
  private agreesWithSeen(series: RegularSeries): boolean {
    const seen = this.seen;
    if (!seen) return true;
    if (seen.start !== series.start || seen.stepMs !== series.stepMs) return false;
    const n = Math.min(seen.values.length, series.values.length);
    const a = seen.values;
    const b = series.values;
    for (let i = 0; i < n; i++)
      if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
    return true;
  }

  /**
   * Adds holidays to a trained forecaster's calendar (days it did not know of when trained: next
   * year's, say). The networks are unchanged; forecasts into those days read them as the weekday
   * they behave like.
   */
  addHolidays(dates: readonly string[]): void {
    if (!this.features || !this.state)
      throw new SluiceError('SLUICE_INTERNAL', `${this.name}: holidays can be added only to a trained model`);
    const holidays = [...new Set([...this.options.holidays, ...dates])].sort();
    const days = HolidayCalendar.fromDates(holidays).days;
    this.options.holidays = holidays;
    this.features = { ...this.features, holidays: days };
    this.state = { ...this.state, features: this.features, options: { ...this.state.options, holidays } };
    this.forgetRows();
  }

  private forgetRows(): void {
    this.rowCache.clear();
    this.seen = null;
  }

  /**
   * Where the backend reads synchronously, training and everything else in fit() and update()
   * runs to its end inside the call, with no await that yields (the controller's simulated runs
   * depend on it, neural-demand-forecaster.ts); only a backend without synchronous reads awaits.
   */
  private train(
    model: tf.LayersModel,
    inputs: Float32Array,
    targets: Float32Array,
    count: number,
    opts: TrainOptions,
  ): TrainResult | Promise<TrainResult> {
    const H = this.options.horizon;
    return backendReadsSynchronously()
      ? trainQuantileMlp(model, inputs, targets, count, H, opts)
      : trainQuantileMlpAsync(model, inputs, targets, count, H, opts);
  }

  /** After the weights change: host copies of the networks where the backend cannot read synchronously. */
  private readHostModels(): undefined | Promise<void> {
    if (backendReadsSynchronously()) {
      this.hostModels = null;
      return undefined;
    }
    return Promise.all(this.models.map((m) => HostQuantileMlp.read(m))).then((hosts) => {
      this.hostModels = hosts;
    });
  }

  /** Raw outputs (count x 2H) averaged over the ensemble: one kernel call and read per network. */
  private predictRaw(inputs: Float32Array, count: number): Float32Array {
    const width = inputs.length / count;
    let sum: Float32Array | null = null;
    for (const [k, model] of this.models.entries()) {
      const raw = this.hostModels
        ? this.hostModels[k].predict(inputs, count)
        : (tf.tidy(() =>
            (model.predict(tf.tensor2d(inputs, [count, width])) as tf.Tensor).dataSync(),
          ) as Float32Array);
      if (!sum) sum = Float32Array.from(raw);
      else for (let i = 0; i < raw.length; i++) sum[i] += raw[i];
    }
    const out = sum!;
    if (this.models.length > 1) for (let i = 0; i < out.length; i++) out[i] /= this.models.length;
    return out;
  }

  /**
   * Fits the daily and the weekly Holt-Winters (for this horizon; a season the span holds three
   * times) and keeps the blend that lowers the MAE on the validation windows, if any
   * (holt-winters-blend.ts). The filters are fitted on the whole training span, the validation
   * windows included: the network's early stopping read those windows too.
   */
  private async fitBlend(
    series: RegularSeries,
    end: number,
    origins: readonly number[],
    batch: { inputs: Float32Array; targets: Float32Array | null; levels: Float64Array; count: number },
    p50FromLevel: boolean,
  ): Promise<HoltWintersBlend | null> {
    const H = this.options.horizon;
    const count = batch.count;
    const nCal = Math.floor(count * this.options.validation);
    if (nCal < 20) return null;
    const from = count - nCal;
    const width = batch.inputs.length / count;
    const raw = this.predictRaw(batch.inputs.subarray(from * width), nCal);
    const net = new Float64Array(nCal * H);
    if (!p50FromLevel)
      for (let r = 0; r < nCal; r++) for (let h = 0; h < H; h++) net[r * H + h] = raw[r * 2 * H + h];
    const targets = batch.targets!.subarray(from * H);
    const day = pointsPerDay(series.stepMs);
    const fitted = new Map<number, HoltWintersForecaster>();
    const candidates: BlendCandidate[] = [];
    for (const period of day > 1 ? [day, 7 * day] : [7 * day]) {
      if (end < 3 * period || origins[from] < 2 * period - 1) continue;
      const hw = new HoltWintersForecaster(period, { horizon: H });
      await hw.fit(series, end);
      const p50 = new Float64Array(nCal * H);
      for (let r = 0; r < nCal; r++) {
        const p = hw.point(series, origins[from + r], H);
        for (let h = 0; h < H; h++) p50[r * H + h] = this.scaler!.transform(p[h]) - batch.levels[from + r];
      }
      fitted.set(period, hw);
      candidates.push({ period, params: hw.params, p50 });
    }
    const blend = chooseBlend(net, targets, candidates, {
      period: 7 * day,
      weight: this.options.fixedWeeklyBlend,
    });
    if (blend) {
      this.blendModel = fitted.get(blend.period)!;
      this.blendValues = series.values;
    }
    return blend;
  }

  /** The blend's Holt-Winters p50 for each origin's next H points, scaled (origins x H). */
  private blendP50(series: RegularSeries, origins: readonly number[]): Float64Array {
    const hw = this.blendModel!;
    if (this.blendValues !== series.values) {
      hw.startOn(series);
      this.blendValues = series.values;
    }
    const H = this.options.horizon;
    const out = new Float64Array(origins.length * H);
    origins.forEach((t, r) => {
      const p = hw.point(series, t, H);
      for (let h = 0; h < H; h++) out[r * H + h] = this.scaler!.transform(p[h]);
    });
    return out;
  }

  /**
   * The input index holding each horizon's seasonal-naive value for the season whose lag has the
   * lowest MAE on the validation windows, or null where the level (output 0) does better.
   */
  private bestStart(inputs: Float32Array, targets: Float32Array, count: number): number[] | null {
    const features = this.features!;
    const H = features.horizon;
    const width = inputs.length / count;
    const from = count - Math.max(1, Math.floor(count * this.options.validation));
    let best: number[] | null = null;
    let bestMae = 0;
    for (let r = from; r < count; r++) for (let h = 0; h < H; h++) bestMae += Math.abs(targets[r * H + h]);
    features.seasons.forEach((_, q) => {
      const lag = seasonLagInputs(features, q);
      let mae = 0;
      for (let r = from; r < count; r++)
        for (let h = 0; h < H; h++) mae += Math.abs(targets[r * H + h] - inputs[r * width + lag[h]]);
      if (mae < bestMae) {
        bestMae = mae;
        best = lag;
      }
    });
    return best;
  }

  /** On the calibration windows: is the level alone (output 0) at least as good a p50 (MAE)? */
  private levelBeatsNetwork(inputs: Float32Array, targets: Float32Array, count: number): boolean {
    const H = this.options.horizon;
    const nCal = Math.floor(count * this.options.validation);
    if (nCal < 20) return false;
    const width = inputs.length / count;
    const from = count - nCal;
    const raw = this.predictRaw(inputs.subarray(from * width), nCal);
    let net = 0;
    let level = 0;
    for (let r = 0; r < nCal; r++) {
      for (let h = 0; h < H; h++) {
        const y = targets[(from + r) * H + h];
        net += Math.abs(y - raw[r * 2 * H + h]);
        level += Math.abs(y);
      }
    }
    return level <= net;
  }

  /**
   * Split conformal on the latest windows (the validation slice: early stopping read its loss,
   * but no gradient step saw it): per horizon, the scores y_h - p90_h there.
   */
  private conformalScores(
    inputs: Float32Array,
    targets: Float32Array,
    count: number,
  ): CalibrationScores | undefined {
    const H = this.options.horizon;
    const nCal = Math.floor(count * this.options.validation);
    if (nCal < 20) return undefined;
    const width = inputs.length / count;
    const from = count - nCal;
    const raw = this.predictRaw(inputs.subarray(from * width), nCal);
    const scores: Float64Array[] = [];
    for (let h = 0; h < H; h++) {
      const e = new Float64Array(nCal);
      for (let r = 0; r < nCal; r++) {
        const mid = raw[r * 2 * H + h];
        const gap = raw[r * 2 * H + H + h];
        e[r] = targets[(from + r) * H + h] - (mid + softplus(gap));
      }
      scores.push(e);
    }
    return calibrationScores(scores);
  }

  /** The trained networks (one per ensemble seed), for saving. */
  get networks(): readonly tf.LayersModel[] {
    this.requireFitted();
    return this.models;
  }

  /** Rebuilds a forecaster from its saved networks and state (model-store.ts). */
  static async restore(models: tf.LayersModel[], state: NeuralState): Promise<NeuralForecaster> {
    if (models.length === 0)
      throw new SluiceError('SLUICE_CONFIG_INVALID', 'a saved forecaster holds no network');
    const f = new NeuralForecaster(state.options);
    f.models = [...models];
    f.scaler = restoreScaler(state.scaler);
    f.features = state.features;
    f.state = state;
    const blend = state.holtWintersBlend;
    if (blend) f.blendModel = new HoltWintersForecaster(blend.period, { params: blend.params });
    await f.readHostModels();
    return f;
  }

  dispose(): void {
    for (const m of this.models) m.dispose();
    this.models = [];
    this.hostModels = null;
  }
}

function filledCount(series: RegularSeries, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (series.filled[i]) n++;
  return n;
}

function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/**
 * One step less seasonal history: an averaged season keeps only its latest period; otherwise the
 * season reaching farthest back is dropped.
 */
function fewerSeasons(seasons: FeatureConfig['seasons']): FeatureConfig['seasons'] {
  if (seasons.some((x) => x.count > 1)) return seasons.map((x) => ({ ...x, count: 1 }));
  const farthest = seasons.reduce((a, b) => (b.period > a.period ? b : a));
  return seasons.filter((x) => x !== farthest);
}

/** Sets the linear skip so that the untrained network's p50 for horizon h is input lag[h]. */
function startAt(model: tf.LayersModel, lag: readonly number[], horizon: number): void {
  const layer = model.getLayer('skip_out');
  const [kernel, bias] = layer.getWeights();
  const k = kernel.arraySync() as number[][];
  for (let h = 0; h < horizon; h++) k[lag[h]][h] = 1;
  const next = tf.tensor2d(k);
  layer.setWeights([next, bias]);
  next.dispose();
}

/** Log units asked for by name on a span that cannot take them: names the first such value and the fix. */
function unloggableSpan(name: string, span: Float64Array): SluiceError {
  const at = firstUnloggable(span);
  const what = span.length === 0 ? 'is empty' : `holds ${span[at]} at point ${at}`;
  return new SluiceError(
    'SLUICE_CONFIG_INVALID',
    `${name}: log units need every training value finite and > 0, but the training span ${what}; use --units auto (logs only where they fit) or --units linear (logScale 'auto' or false in the API)`,
  );
}
