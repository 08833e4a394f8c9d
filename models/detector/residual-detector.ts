/**
 * Learned, causal anomaly detector: two small online regressors (online-regressor.ts) forecast
 * each row from the past, and their residuals, measured against online scales, give the score.
 *   fast:     z[i] from the previous L rows (minus their mean c) and calendar features;
 *             e_f = z[i] - c - f(...),                       catches spikes, drops, bursts
 *   seasonal: (lagged-residual.ts) z[i] from the rows one day earlier, i-P-W..i-P+W, and calendar;
 *             E <- (1 - lambda) E + lambda clip(e_s, +-4 sigma_s),  catches slow drifts and
 *             sustained shifts, which the fast model follows and so cannot see
 *   level:    e_m = z[i] - median(z[i-L..i-1]),             catches small steps off a flat
 *             series (an error rate of 0 that turns 1%), where a regressor's own noise
 *             is larger than the step; its scale is 0 while the series is constant;
 *             judged against max(local, localScale sigma_m), local = 1.4826 MAD of those rows:
 *             noise that grows with the level (counts, latencies) hides a drop at a quiet hour
 *             from a series-wide scale; then calibrated by the tail of e_m / sigma_m over all
 *             rows (tail-calibration.ts): a series whose routine moves are many sigma (quantised
 *             CPU readings, bursts off zero) shows it there, and its level z shrinks to match
 *   control:  C <- (1 - lambda) C + lambda clip(e_m / sigma_m, +-4), an EWMA control chart of the
 *             level residual, judged against its own online scale sigma_C: a sustained shift
 *             of a few sigma, which no single row shows, accumulates there
 *   stuck:    r = how many rows in a row hold exactly the value of row i, longer than any run
 *             before it (a disk that writes nothing for hours does so routinely); p = the share of
 *             the N rows before that run that repeat their predecessor (Laplace-smoothed, N at
 *             least 100); under runs as common as p says, N p^(r-1) runs this long are expected, and
 *             z_r = sqrt(2 ln(1 / (N p^(r-1)))) (the normal z of that tail) where it is below 1:
 *             a sensor or exporter that stops updating repeats one value, which no residual sees
 *             once the fast model has followed it (a flat line is easy to forecast); a series that
 *             repeats values normally (counts at zero, quantised latencies) has a large p
 *   score[i] = max(zToScore(|e_f| / sigma_f), zToScore(|E| / sigma_E), zToScore(z_m),
 *                  zToScore(|C| / sigma_C), zToScore(z_r)), where the score written out has
 *              |e_f| / sigma_f calibrated by its own tail like z_m (rows are still left out of
 *              training by the raw one)
 * When more than half of the recent 64-row blocks hold a score of 0.5 or more, alarms are routine
 * for this series and each score is read against the series' own scores (routineShare,
 * routine-score-calibration.ts).
 * Then one alert per incident (holdDays, alert-hold.ts): a row keeps its full score only when it
 * is higher than every score of the previous quarter day, else half of it, so an incident alerts
 * at its onset and again only when it gets worse. Last, the score written out is the larger of
 * that and the EWMA control chart's on the raw values (rawChart; the baseline's statistic, whose
 * plain variance reads routine spikes as noise).
 * Both regressors' output layers start at 0: untrained, each forecasts its window's mean.
 * Rows are processed in chunks: a chunk is scored with the weights learnt from earlier chunks,
 * then the models train on it (rows that scored as anomalous are left out, so faults are not
 * learnt as normal), until half of the last day's rows were left out: then the new behaviour is
 * the normal and is learnt (relearnDays). z = robust scaling fitted on the warm-up rows, which
 * score 0.
 * P = rows per day from the median time step; the seasonal part waits until a day has passed.
 */
import { CALENDAR_FEATURES, calendarFeatures } from '../../datasets/series/calendar-features.js';
import { inferStep, toRegularGrid } from '../../datasets/series/regular-grid.js';
import { RobustScaler } from '../../datasets/series/robust-scaler.js';
import { EwmaControlDetector } from '../baselines/ewma-control.js';
import type { Detector } from '../detector.js';
import type { ProgressCallback } from '../forecaster.js';
import { zToScore } from '../detector.js';
import { holdAlerts } from './alert-hold.js';
import { LaggedResidual } from './lagged-residual.js';
import { OnlineRegressor } from './online-regressor.js';
import { OnlineScale } from './online-scale.js';
import { RoutineScoreCalibration } from './routine-score-calibration.js';
import { TailCalibration } from './tail-calibration.js';

export interface ResidualDetectorOptions {
  lookback: number;
  /** Half-width of the seasonal window. */
  seasonalHalfWidth: number;
  chunk: number;
  warmup: number;
  hidden: number;
  epochs: number;
  smoothing: number;
  zHalf: number;
  /** Rows scoring above this are not trained on. */
  trainBelow: number;
  /** Use the fast model (the previous rows and calendar). Off only to test the other parts alone. */
  fast: boolean;
  /** Use the seasonal (one day back) model as well as the fast one. */
  seasonal: boolean;
  /** Forgetting rate of the seasonal residual scale. */
  seasonalScaleRate: number;
  /** Use the level (median of the lookback) residual as well. */
  level: boolean;
  /**
   * Weight lambda of an EWMA control statistic of the standardised level residual (0 = off):
   * a sustained shift of a few sigma, which no single row shows, accumulates there.
   */
  control: number;
  /**
   * > 0: the level residual is judged against the local noise (1.4826 MAD of the lookback's
   * unflagged rows) where that is larger than this fraction of the series-wide scale.
   */
  localScale: number;
  /** Score runs of exactly repeated values longer than any run before them. */
  stuck: boolean;
  /**
   * > 0: the level and fast residuals' z are calibrated by their own tails (tail-calibration.ts):
   * a z that this share of the series' rows exceed counts as 2.576 (0 = off).
   */
  tailShare: number;
  /**
   * Span M, in days (at least 4 lookbacks of rows; 0 = off): when half of the last M rows were
   * left out of training as anomalous, what looks anomalous has become the series' normal (a new
   * regime, a new routine pattern): earlier flags are forgiven and the next M rows are learnt
   * from, whatever they score. Without it a detector that flags a new pattern never learns it:
   * a public CPU series went 3,400 rows (12 days) with every window unclean and every score 0.
   */
  relearnDays: number;
  /**
   * > 0: when more than this share of the recent 64-row blocks hold a score of 0.5 or more, high
   * scores are routine for the series and each is read against the series' own scores
   * (routine-score-calibration.ts; 0 = off).
   */
  routineShare: number;
  /**
   * > 0: one alert per incident (alert-hold.ts): a row scores in full only when it is higher than
   * every score of this many days of rows before it, else half of it (0 = off).
   */
  holdDays: number;
  /**
   * Written out: the larger of this score and the EWMA control chart's on the raw values
   * (models/baselines/ewma-control.ts), after the warm-up. The chart's plain variance counts a
   * metric's routine spikes as noise, where the robust parts call them anomalies, and it sees a
   * sustained change of level the robust parts have learnt to expect.
   */
  rawChart: boolean;
  seed: number;
}

export const DEFAULT_RESIDUAL_OPTIONS: ResidualDetectorOptions = {
  lookback: 32,
  seasonalHalfWidth: 15,
  chunk: 256,
  warmup: 256,
  hidden: 32,
  epochs: 3,
  smoothing: 0.1,
  zHalf: 4,
  trainBelow: 0.5,
  fast: true,
  seasonal: true,
  seasonalScaleRate: 0.002,
  level: true,
  control: 0.3,
  localScale: 0.5,
  stuck: true,
  tailShare: 0.01,
  relearnDays: 1,
  routineShare: 0.5,
  holdDays: 0.25,
  rawChart: true,
  seed: 7,
};

/** Rows of history a run of repeated values is judged against, at least. */
const STUCK_HISTORY = 100;

export class ResidualDetector implements Detector {
  readonly name = 'neural-residual';
  readonly options: ResidualDetectorOptions;
  /** Told after each chunk of rows is scored. */
  onProgress: ProgressCallback | null = null;

  constructor(options: Partial<ResidualDetectorOptions> = {}) {
    this.options = { ...DEFAULT_RESIDUAL_OPTIONS, ...options };
  }

  /**
   * Rows one step apart are scored as they are. Otherwise they go on a grid of the median step
   * first: a row scores as its slot (rows sharing a slot, as their mean), and an empty slot holds
   * the last value before it, is never trained on, and makes the windows that reach it unclean,
   * so lags stay in time (one day back is a day back) and a gap neither leaks a later value
   * into an earlier window nor shows as a run of repeats.
   */
  async score(times: Float64Array, values: Float64Array): Promise<Float64Array> {
    if (values.length < 2) return new Float64Array(values.length);
    const learned = await this.scoreRows(times, values);
    if (!this.options.rawChart) return learned;
    const chart = await new EwmaControlDetector().score(times, values);
    return learned.map((s, i) => (i < this.options.warmup ? s : Math.max(s, chart[i])));
  }

  private async scoreRows(times: Float64Array, values: Float64Array): Promise<Float64Array> {
    const step = inferStep(times);
    const slot = Int32Array.from(times, (t) => Math.round((t - times[0]) / step));
    let regular = true;
    for (let i = 1; i < slot.length && regular; i++) regular = slot[i] === slot[i - 1] + 1;
    if (regular) return this.scoreGrid(times, values, null, step);
    // Times are in order (the callers check), so the grid starts at times[0] like `slot`.
    const grid = toRegularGrid(times, values, step, 'previous');
    const gridTimes = Float64Array.from(grid.values, (_, k) => grid.start + k * step);
    const gridScores = await this.scoreGrid(gridTimes, grid.values, grid.filled, step);
    return Float64Array.from(slot, (k) => gridScores[k]);
  }

  private async scoreGrid(
    times: Float64Array,
    values: Float64Array,
    filled: Uint8Array | null,
    step: number,
  ): Promise<Float64Array> {
    const o = this.options;
    const n = values.length;
    const out = new Float64Array(n);
    if (n <= o.warmup + o.lookback) return out;
    const L = o.lookback;
    const W = o.seasonalHalfWidth;
    const P = Math.round(86_400_000 / step);
    const scaler = RobustScaler.fit(values.subarray(0, o.warmup));
    const z = Float32Array.from(values, (v) => scaler.transform(v));
    const fastWidth = L + CALENDAR_FEATURES;
    const fast = new OnlineRegressor(fastWidth, o.hidden, o.seed);
    const lagged = (period: number, seed: number) =>
      new LaggedResidual({
        period,
        halfWidth: W,
        hidden: o.hidden,
        seed,
        smoothing: o.smoothing,
        scaleRate: o.seasonalScaleRate,
        zHalf: o.zHalf,
      });
    // One day back. A second part one week back (seed + 29) was measured on the injected faults
    // of a public half-hourly series: F1 0.827 -> 0.815, and no change on its hourly sums.
    const seasons: LaggedResidual[] = [];
    if (o.seasonal) seasons.push(lagged(P, o.seed + 17));
    const fastScale = new OnlineScale();
    const levelScale = new OnlineScale();
    // The control statistic's own scale: the level residuals are autocorrelated (a diurnal ramp
    // leaves the lookback median behind), so the textbook sd sqrt(lambda / (2 - lambda)) would
    // understate it; learning it online calibrates the statistic on this series.
    const controlScale = new OnlineScale();
    // The level z is calibrated where it is judged (a calibrated level flags fewer rows); the
    // fast z only in the score written out: calibrating it where rows are flagged as well (and
    // the control chart either way) was measured and dropped, see models/README.md.
    // Each calibration is null where its option turns it off.
    const levelTail = o.tailShare > 0 ? new TailCalibration(o.tailShare) : null;
    const fastTail = o.tailShare > 0 ? new TailCalibration(o.tailShare) : null;
    const routine = o.routineShare > 0 ? new RoutineScoreCalibration(o.routineShare) : null;
    let control = 0;
    let controlPending = false;
    // Flags before `forgiven` no longer make a window unclean; rows up to `relearnUntil` are
    // learnt from whatever they score (see relearnDays).
    const relearnSpan = o.relearnDays > 0 ? Math.max(4 * L, Math.round(o.relearnDays * P)) : 0;
    let forgiven = 0;
    let relearnUntil = -1;
    const past = new Float64Array(L);
    const dev = new Float64Array(L);
    /** flagSum[i] = rows flagged as anomalous among 0..i-1; filledSum[i] = empty slots (prefix sums). */
    const flagSum = new Int32Array(n + 1);
    const filledSum = new Int32Array(n + 1);
    // run[i] = rows ending at i that hold exactly values[i]; repeatsBefore[i] = rows before i
    // that repeat their predecessor. A run is judged by the rows before it began, so neither the
    // run itself nor the flagging of earlier rows (a constant warm-up has no scale) feeds its p.
    const run = new Int32Array(n);
    const repeatsBefore = new Int32Array(n + 1);
    /** longestBefore[i] = the longest run among rows 0..i-1. */
    const longestBefore = new Int32Array(n + 1);
    const isFilled = (i: number) => filled !== null && filled[i] === 1;
    for (let i = 0; i < n; i++) {
      filledSum[i + 1] = filledSum[i] + (isFilled(i) ? 1 : 0);
      const repeat = i > 0 && !isFilled(i) && !isFilled(i - 1) && values[i] === values[i - 1];
      run[i] = repeat ? run[i - 1] + 1 : 1;
      repeatsBefore[i + 1] = repeatsBefore[i] + (repeat ? 1 : 0);
      longestBefore[i + 1] = Math.max(longestBefore[i], run[i]);
    }
    /** Rows in [from, to) that a model must not read: empty slots, and flags not forgiven. */
    const unclean = (from: number, to: number) =>
      flaggedIn(flagSum, Math.max(from, forgiven), to) + flaggedIn(filledSum, from, to);
    try {
      // Rows before `start` are history only; warm-up rows are trained on but score 0.
      for (let s = L; s < n; s += o.chunk) {
        const e = Math.min(n, s + o.chunk);
        const count = e - s;
        const fx = new Float32Array(count * fastWidth);
        const fy = new Float32Array(count);
        for (let r = 0; r < count; r++) {
          const i = s + r;
          let c = 0;
          for (let j = i - L; j < i; j++) c += z[j];
          c /= L;
          const base = r * fastWidth;
          for (let j = 0; j < L; j++) fx[base + j] = z[i - L + j] - c;
          calendarFeatures(times[i], fx, base + L);
          fy[r] = z[i] - c;
        }
        for (const season of seasons) season.startChunk(z, times, s, e);
        levelTail?.refresh();
        fastTail?.refresh();
        routine?.refresh();
        const fPred = o.fast ? fast.predict(fx, count) : null;
        const keepF: number[] = [];
        for (let r = 0; r < count; r++) {
          const i = s + r;
          if (isFilled(i)) {
            // A slot no row fell in: no score, no learning, and unclean for the windows that reach it.
            flagSum[i + 1] = flagSum[i];
            continue;
          }
          // A model whose inputs hold flagged rows forecasts from a fault, not from normal
          // behaviour: its residual says nothing (the classic false alarm right after a fault).
          const fastClean = fPred !== null && unclean(i - L, i) === 0;
          const ef = fPred ? fy[r] - fPred[r] : 0;
          const fastScore = fPred && fastScale.count > 50 ? zToScore(fastScale.z(ef), o.zHalf) : 0;
          let em = 0;
          let zl = 0;
          let zGlobal = 0;
          let levelScore = 0;
          let levelClean = false;
          if (o.level) {
            // The median of the unflagged rows only: a fault (or a spike just before one) in the
            // lookback must not become the normal the next rows are judged against.
            let m = 0;
            for (let j = i - L; j < i; j++) if (unclean(j, j + 1) === 0) past[m++] = z[j];
            levelClean = m >= L / 4;
            if (levelClean) {
              const sorted = past.subarray(0, m).sort();
              const med = (sorted[(m - 1) >> 1] + sorted[m >> 1]) / 2;
              em = z[i] - med;
              zGlobal = levelScale.z(em);
              zl = zGlobal;
              if (o.localScale > 0 && levelScale.sigma() > 0) {
                for (let j = 0; j < m; j++) dev[j] = Math.abs(sorted[j] - med);
                const d = dev.subarray(0, m).sort();
                const local = 1.4826 * ((d[(m - 1) >> 1] + d[m >> 1]) / 2);
                zl = Math.abs(em) / Math.max(local, o.localScale * levelScale.sigma());
              }
              levelScore =
                levelScale.count > 50 ? zToScore(levelTail ? levelTail.apply(zl) : zl, o.zHalf) : 0;
            }
          }
          const zf = fastScale.z(ef);
          const fastOut =
            fastTail && fastScale.count > 50 ? zToScore(fastTail.apply(zf), o.zHalf) : fastScore;
          if (fastClean && fastScale.count > 50) fastTail?.push(zf);
          let score = levelScore;
          if (o.control > 0 && levelClean && levelScale.count > 50 && levelScale.sigma() > 0) {
            // Standardised and clipped, so one spike moves the statistic by at most lambda 4 (a
            // series that has been constant has no scale to standardise by: the level residual
            // alone judges it).
            const u = Math.max(-4, Math.min(4, levelScale.signedZ(em)));
            control = (1 - o.control) * control + o.control * u;
            if (controlScale.count > 50) score = Math.max(score, zToScore(controlScale.z(control), o.zHalf));
            controlPending = true;
          }
          const seasClean = seasons.map((season) => season.clean(i, unclean));
          seasons.forEach((season, q) => {
            if (seasClean[q]) score = Math.max(score, season.score(i));
          });
          const runStart = i - run[i] + 1;
          if (o.stuck && run[i] > 2 && runStart >= STUCK_HISTORY && run[i] > longestBefore[runStart]) {
            const p = (repeatsBefore[runStart] + 1) / (runStart + 2);
            const logExpected = Math.log(runStart) + (run[i] - 1) * Math.log(p);
            if (logExpected < 0) score = Math.max(score, zToScore(Math.sqrt(-2 * logExpected), o.zHalf));
          }
          // Rows are flagged (left out of training) by the raw fast score, written out with the
          // calibrated one.
          const outScore = Math.max(score, fastClean ? fastOut : 0);
          score = Math.max(score, fastClean ? fastScore : 0);
          if (i >= o.warmup) {
            out[i] = routine ? routine.apply(outScore) : outScore;
            routine?.push(outScore);
          }
          // Every row's level z feeds the tail, flagged or not: a series whose routine moves all
          // score as anomalies would otherwise never show its tail to the calibration.
          if (levelClean && levelScale.count > 50) levelTail?.push(zGlobal);
          // A suppressed row that still looks wrong stays flagged, so the suppression lasts as
          // long as the fault does and ends only when the lookback is clean again, or when the
          // fault has lasted so long that it is the new normal (relearnDays).
          if (
            relearnSpan > 0 &&
            i > relearnUntil &&
            i - relearnSpan >= forgiven &&
            flaggedIn(flagSum, i - relearnSpan, i) >= relearnSpan / 2
          ) {
            forgiven = i;
            relearnUntil = i + relearnSpan;
          }
          const flagged = i > relearnUntil && Math.max(score, fastScore, levelScore) >= o.trainBelow;
          flagSum[i + 1] = flagSum[i] + (flagged ? 1 : 0);
          if (flagged) continue;
          if (levelClean) levelScale.update(em);
          if (controlPending) controlScale.update(control);
          controlPending = false;
          if (fastClean) {
            fastScale.update(ef);
            keepF.push(r);
          }
          seasons.forEach((season, q) => {
            if (seasClean[q]) season.accept(i);
          });
        }
        if (o.fast) fast.train(...pick(fx, fy, keepF, fastWidth), o.epochs);
        for (const season of seasons) season.train(o.epochs);
        this.onProgress?.({ phase: 'score', done: e, total: n });
      }
    } finally {
      fast.dispose();
      for (const season of seasons) season.dispose();
    }
    return o.holdDays > 0 ? holdAlerts(out, Math.max(1, Math.round(o.holdDays * P))) : out;
  }
}

function flaggedIn(flagSum: Int32Array, from: number, to: number): number {
  return flagSum[Math.max(0, to)] - flagSum[Math.max(0, from)];
}

function pick(
  x: Float32Array,
  y: Float32Array,
  rows: number[],
  width: number,
): [Float32Array, Float32Array, number] {
  const px = new Float32Array(rows.length * width);
  const py = new Float32Array(rows.length);
  rows.forEach((r, k) => {
    px.set(x.subarray(r * width, (r + 1) * width), k * width);
    py[k] = y[r];
  });
  return [px, py, rows.length];
}
