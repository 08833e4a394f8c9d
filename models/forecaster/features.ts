/**
 * Inputs of the neural forecaster for origin t (last observed index), all in robust-scaled units
 * minus the window level c = mean(z[t-L+1..t]):
 *   recent   z[t-L+1 .. t] - c                                  (L values)
 *   per season (period p, K seasons): the mean over k = 1..K of
 *                        z[t+j-kp] - c for j = -L+1..0, then    (the same window k seasons back)
 *                        z[t+j-(k-1)p-p ceil(j/p)] - c, j=1..H  (the k-th seasonal-naive value per target)
 *                        (averaging K seasons is the neural analogue of Holt-Winters' smoothed
 *                        seasonal state: one season back alone is as noisy as the series;
 *                        in log units the mean of the values, not of their logs: logUnits)
 *   calendar features of time t+1                               (4 values)
 * Targets: z[t+h] - c, h = 1..H. Subtracting c makes a level shift look like the same pattern;
 * giving the lag's own lookback lets the model compare "then" with "now".
 * With `holidays` (holiday-calendar.ts), "a week back" is the latest day that behaves like the
 * point's own day (a Friday holiday reads last Saturday; the Friday after a holiday reads the
 * Friday before it), and the calendar features are those of the weekday the day behaves like.
 * Without holidays both are exactly as above.
 */
import { CALENDAR_FEATURES, calendarFeatures } from '../../datasets/series/calendar-features.js';
import { dayNumber, HolidayCalendar } from '../../datasets/series/holiday-calendar.js';
import type { SeriesScaler } from '../../datasets/series/log-robust-scaler.js';
import { BASELINE_INPUTS, type LevelSpec, levelOf, writeBaselines } from './robust-levels.js';

export interface FeatureConfig {
  lookback: number;
  horizon: number;
  /** Seasons (e.g. one day, one week, in points), each averaged over `count` past seasons. */
  seasons: Array<{ period: number; count: number }>;
  /**
   * Which calendar features carry values (the others are 0). Time of day means nothing to a
   * model trained on less than two days: it would read it as a trend and extrapolate it.
   */
  calendar?: { day: boolean; week: boolean };
  /** The level c: a mean over this many points, or a fitted spec (default: mean of the lookback). */
  level?: number | LevelSpec;
  /** Append the robust baselines of robust-levels.ts (means, medians, EWMAs minus c). */
  baselines?: boolean;
  /** Holiday day numbers (holiday-calendar.ts): weekly lags and calendar features follow similar days. */
  holidays?: number[];
  /**
   * Set when z is log-scaled (log-robust-scaler.ts), with that scaler's scale, so that the mean
   * over past seasons is taken of the values, not of their logs (seasonMean). A geometric mean is
   * fragile: on nyc_taxi one blizzard night (8 rides in half an hour against a training least of
   * 1,431) pulled the week's mean of logs down for days after it. Rolling MASE (naive scale, 48
   * steps, 2026-11-28) in log units with the mean of logs / of values: nyc_taxi 1.514 / 1.484
   * (linear units 1.422), simulated 30-minute 1.714 / 1.673 of the rate-knowing MAE (linear
   * 1.872), 1-minute 1.055 / 1.056 (1.072), `taylor` 0.495 / 0.503 (0.510).
   */
  logUnits?: { scale: number };
}

const DAY_MS = 86_400_000;
/** How many days back a similar day is looked for, beyond the K weeks asked for. */
const SIMILAR_DAY_SLACK = 14;

/** One calendar per holiday list (the list is the saved state's; built once, memoised per day). */
const calendars = new WeakMap<number[], HolidayCalendar>();

function calendarOf(cfg: FeatureConfig): HolidayCalendar | null {
  if (!cfg.holidays) return null;
  let cal = calendars.get(cfg.holidays);
  if (!cal) {
    cal = new HolidayCalendar(cfg.holidays);
    calendars.set(cfg.holidays, cal);
  }
  return cal;
}

/**
 * The mean of the `count` values z[first], z[first + step], ...: in log units (scale s) the mean
 * of the values they stand for, (1/s) log(mean(exp(s z))) (taken from the largest, so that exp
 * cannot overflow), else of z itself.
 */
function seasonMean(
  z: ArrayLike<number>,
  first: number,
  step: number,
  count: number,
  logUnits: FeatureConfig['logUnits'],
): number {
  if (logUnits === undefined) {
    let sum = 0;
    for (let k = 0; k < count; k++) sum += z[first + k * step];
    return sum / count;
  }
  const s = logUnits.scale;
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) top = Math.max(top, z[first + k * step]);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(s * (z[first + k * step] - top));
  return top + Math.log(sum / count) / s;
}

/** The similar days' values, newest first; reused, as features are built synchronously. */
let alike = new Float64Array(16);

/**
 * The mean (seasonMean) of z over the `count` latest points at or before `last` whose day
 * behaves like point i's (same time of day, whole days back), or NaN where fewer than `count` lie
 * in the series within count weeks and SIMILAR_DAY_SLACK days.
 */
function similarDayMean(
  cal: HolidayCalendar,
  z: ArrayLike<number>,
  start: number,
  stepMs: number,
  perDay: number,
  i: number,
  last: number,
  count: number,
  logUnits: FeatureConfig['logUnits'],
): number {
  const weekday = cal.effectiveWeekday(dayNumber(start + i * stepMs));
  if (alike.length < count) alike = new Float64Array(count);
  let found = 0;
  for (let k = 1; k <= 7 * count + SIMILAR_DAY_SLACK && found < count; k++) {
    const j = i - k * perDay;
    if (j < 0) break;
    if (j > last || cal.effectiveWeekday(dayNumber(start + j * stepMs)) !== weekday) continue;
    alike[found++] = z[j];
  }
  return found === count ? seasonMean(alike, 0, 1, count, logUnits) : Number.NaN;
}

export function inputSize(cfg: FeatureConfig): number {
  return (
    cfg.lookback +
    cfg.seasons.length * (cfg.lookback + cfg.horizon) +
    (cfg.baselines ? BASELINE_INPUTS : 0) +
    CALENDAR_FEATURES
  );
}

/** Where season q's seasonal-naive value for each horizon h = 1..H sits in an input row. */
export function seasonLagInputs(cfg: FeatureConfig, q: number): number[] {
  const { lookback: L, horizon: H } = cfg;
  // After the L recent values, each season holds its L lookback values, then its H lag values.
  return Array.from({ length: H }, (_, h) => L + q * (L + H) + L + h);
}

/** The first origin whose inputs lie inside the series. */
export function firstOrigin(cfg: FeatureConfig): number {
  return Math.max(cfg.lookback - 1, ...cfg.seasons.map((s) => s.period * s.count + cfg.lookback - 1));
}

export interface FeatureBatch {
  count: number;
  inputs: Float32Array;
  /** Targets (count x horizon) where every target lies inside `targetsEnd`, else null. */
  targets: Float32Array | null;
  /** The level c of each row, to add back to outputs. */
  levels: Float64Array;
}

/**
 * Builds rows for the given origins from scaled values `z` (times: start + i * stepMs).
 * With `withTargets`, every origin + horizon must be < z.length.
 */
export function buildFeatures(
  cfg: FeatureConfig,
  z: ArrayLike<number>,
  start: number,
  stepMs: number,
  origins: ArrayLike<number>,
  withTargets: boolean,
): FeatureBatch {
  const { lookback: L, horizon: H, seasons } = cfg;
  const width = inputSize(cfg);
  const count = origins.length;
  const inputs = new Float32Array(count * width);
  const targets = withTargets ? new Float32Array(count * H) : null;
  const levels = new Float64Array(count);
  const cal = calendarOf(cfg);
  const perDay = DAY_MS % stepMs === 0 ? DAY_MS / stepMs : 0;
  for (let r = 0; r < count; r++) {
    const t = origins[r];
    const spec: LevelSpec =
      typeof cfg.level === 'object' ? cfg.level : { kind: 'mean', window: Math.min(cfg.level ?? L, L) };
    const c = levelOf(z, t, spec);
    levels[r] = c;
    let o = r * width;
    for (let j = t - L + 1; j <= t; j++) inputs[o++] = z[j] - c;
    for (const { period: p, count: K } of seasons) {
      // Similar days apply to the week season (whole days in a week), intraday or daily.
      const similar = cal !== null && perDay >= 1 && p === 7 * perDay;
      for (let j = -L + 1; j <= 0; j++) {
        const alike = similar
          ? similarDayMean(cal, z, start, stepMs, perDay, t + j, t + j - 1, K, cfg.logUnits)
          : Number.NaN;
        if (!Number.isNaN(alike)) {
          inputs[o++] = alike - c;
          continue;
        }
        inputs[o++] = seasonMean(z, t + j - p, -p, K, cfg.logUnits) - c;
      }
      for (let j = 1; j <= H; j++) {
        const alike = similar
          ? similarDayMean(cal, z, start, stepMs, perDay, t + j, t, K, cfg.logUnits)
          : Number.NaN;
        if (!Number.isNaN(alike)) {
          inputs[o++] = alike - c;
          continue;
        }
        const back = t + j - p * Math.ceil(j / p);
        inputs[o++] = seasonMean(z, back, -p, K, cfg.logUnits) - c;
      }
    }
    if (cfg.baselines) {
      writeBaselines(z, t, L, c, inputs, o);
      o += BASELINE_INPUTS;
    }
    const next = start + (t + 1) * stepMs;
    calendarFeatures(cal ? cal.effectiveTime(next) : next, inputs, o);
    if (cfg.calendar && !cfg.calendar.day) inputs.fill(0, o, o + 2);
    if (cfg.calendar && !cfg.calendar.week) inputs.fill(0, o + 2, o + 4);
    if (targets) for (let h = 1; h <= H; h++) targets[r * H + h - 1] = z[t + h] - c;
  }
  return { count, inputs, targets, levels };
}

/** Scales a whole series once (cheaper than per window). */
export function scaleValues(values: ArrayLike<number>, scaler: SeriesScaler): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = scaler.transform(values[i]);
  return out;
}
