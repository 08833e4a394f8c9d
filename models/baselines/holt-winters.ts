/**
 * Additive Holt-Winters with season length m:
 *   l[t] = alpha (y[t] - s[t-m]) + (1 - alpha) (l[t-1] + b[t-1])
 *   b[t] = beta (l[t] - l[t-1]) + (1 - beta) b[t-1]
 *   s[t] = gamma (y[t] - l[t]) + (1 - gamma) s[t-m]
 *   yhat[t+h] = l[t] + h b[t] + s[t + h - m ceil(h/m)]
 * Initial state from the first two seasons: l = mean(season 1) + b (m-1)/2 (the level at the end
 * of season 1), b = (mean(season 2) - mean(season 1)) / m, s[i] = y[i] - (l - b (m-1-i)).
 * alpha, beta, gamma minimise the one-step squared error on the training span: a coarse grid,
 * then Nelder-Mead from the best grid point.
 */
import type { RegularSeries } from '../../datasets/series/regular-series.js';
import { SluiceError } from '../../gateway-core/errors.js';
import { nelderMead } from './nelder-mead.js';
import { PointForecaster } from './point-forecaster.js';

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
}

interface State {
  /** Index of the last point absorbed. */
  t: number;
  level: number;
  trend: number;
  season: Float64Array;
}

function initialState(y: ArrayLike<number>, m: number): State {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < m; i++) {
    s1 += y[i];
    s2 += y[m + i];
  }
  const mean1 = s1 / m;
  const trend = (s2 / m - mean1) / m;
  const level = mean1 + (trend * (m - 1)) / 2;
  const season = new Float64Array(m);
  for (let i = 0; i < m; i++) season[i] = y[i] - (level - trend * (m - 1 - i));
  return { t: m - 1, level, trend, season };
}

/** Absorbs y[state.t + 1 .. to], returning the sum of squared one-step errors. */
function advance(state: State, y: ArrayLike<number>, to: number, p: HoltWintersParams): number {
  const m = state.season.length;
  let { level, trend } = state;
  const season = state.season;
  let sse = 0;
  for (let t = state.t + 1; t <= to; t++) {
    const k = t % m;
    const err = y[t] - (level + trend + season[k]);
    sse += err * err;
    const prev = level;
    level = p.alpha * (y[t] - season[k]) + (1 - p.alpha) * (level + trend);
    trend = p.beta * (level - prev) + (1 - p.beta) * trend;
    season[k] = p.gamma * (y[t] - level) + (1 - p.gamma) * season[k];
  }
  state.level = level;
  state.trend = trend;
  state.t = Math.max(state.t, to);
  return sse;
}

function copyState(s: State): State {
  return { t: s.t, level: s.level, trend: s.trend, season: Float64Array.from(s.season) };
}

const squash = (x: number) => 1 / (1 + Math.exp(-x));
const unsquash = (p: number) => Math.log(p / (1 - p));

export class HoltWintersForecaster extends PointForecaster {
  readonly name: string;
  params: HoltWintersParams;
  private readonly fixed: boolean;
  private initial: State | null = null;
  private cursor: State | null = null;

  constructor(
    readonly period: number,
    opts: { params?: HoltWintersParams; label?: string } = {},
  ) {
    super();
    this.name = opts.label ?? `holt-winters-${period}`;
    this.fixed = opts.params !== undefined;
    this.params = opts.params ?? { alpha: 0.1, beta: 0.01, gamma: 0.1 };
  }

  protected minOrigin(): number {
    return 2 * this.period - 1;
  }

  /** One-step SSE over y[2m .. end) for the given parameters. */
  private sse(y: ArrayLike<number>, end: number, p: HoltWintersParams): number {
    const s = copyState(this.initial!);
    advance(s, y, this.period * 2 - 1, p);
    return advance(s, y, end - 1, p);
  }

  protected fitPoint(series: RegularSeries, end: number): void {
    const m = this.period;
    if (end < 2 * m + 1) {
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `${this.name}: needs more than two seasons (${2 * m}) to fit, got ${end}`,
      );
    }
    const y = series.values;
    this.initial = initialState(y, m);
    this.cursor = null;
    if (this.fixed) return;
    let best = this.params;
    let bestSse = Number.POSITIVE_INFINITY;
    for (const alpha of [0.02, 0.1, 0.3, 0.6, 0.9]) {
      for (const beta of [0.001, 0.01, 0.1]) {
        for (const gamma of [0.01, 0.05, 0.2, 0.5]) {
          const p = { alpha, beta, gamma };
          const e = this.sse(y, end, p);
          if (e < bestSse) {
            bestSse = e;
            best = p;
          }
        }
      }
    }
    const toParams = (x: number[]) => ({ alpha: squash(x[0]), beta: squash(x[1]), gamma: squash(x[2]) });
    const start = [unsquash(best.alpha), unsquash(best.beta), unsquash(best.gamma)];
    const refined = nelderMead((x) => this.sse(y, end, toParams(x)), start, {
      maxEvaluations: 60,
      step: 0.5,
    });
    this.params = refined.value < bestSse ? toParams(refined.x) : best;
  }

  point(series: RegularSeries, origin: number, horizon: number): Float64Array {
    if (!this.initial) throw new SluiceError('SLUICE_INTERNAL', `${this.name}: forecast before fit`);
    // Origins usually ascend (calibration, then the backtest): keep the filter where it stopped.
    if (!this.cursor || this.cursor.t > origin) this.cursor = copyState(this.initial);
    advance(this.cursor, series.values, origin, this.params);
    const { level, trend, season } = this.cursor;
    const m = this.period;
    const out = new Float64Array(horizon);
    for (let h = 1; h <= horizon; h++) out[h - 1] = level + h * trend + season[(origin + h) % m];
    return out;
  }
}
