/**
 * The Diebold-Mariano test of equal forecast accuracy, with the Harvey-Leybourne-Newbold
 * small-sample correction, as R's `forecast::dm.test` computes it (tests hold it to R's values):
 *
 *   d_t = |e1_t|^p - |e2_t|^p,   V = (gamma_0 + 2 sum_{k=1}^{h-1} w_k gamma_k) / n,
 *   DM = mean(d) / sqrt(V) * sqrt((n + 1 - 2h + h (h - 1) / n) / n),   DM ~ t(n - 1)
 *
 * gamma_k is the lag-k autocovariance of d (centred, divided by n); w_k = 1 ('acf', the
 * rectangular window of the original test) or 1 - k / h ('bartlett', Newey-West, never negative).
 * Forecasts h steps ahead, or from origins whose horizons overlap, have loss differentials that
 * are correlated up to lag h - 1; that is what the h - 1 autocovariances account for.
 * Where the 'acf' variance comes out negative R retries with h = 1 and warns; so does this, and
 * says so in `fellBackToOneStep`.
 */
import { studentTCdf } from '../../gateway-core/student-t.js';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface DieboldMarianoOptions {
  /** Lags of correlation allowed: the forecast horizon, or the overlap of origins' horizons. */
  h: number;
  /** Loss |e|^power: 1 for absolute, 2 for squared errors. */
  power: number;
  /** 'less': the first forecast is more accurate (its losses are lower). */
  alternative: Alternative;
  varEstimator: 'acf' | 'bartlett';
}

export interface DieboldMarianoResult {
  statistic: number;
  pValue: number;
  /** The h the statistic used (1 where the 'acf' variance was negative at the h asked for). */
  h: number;
  fellBackToOneStep: boolean;
}

const DEFAULTS: DieboldMarianoOptions = { h: 1, power: 2, alternative: 'two-sided', varEstimator: 'acf' };

/** `e1`, `e2`: the two forecasts' errors (or losses) at the same targets, in the same order. */
export function dieboldMariano(
  e1: ArrayLike<number>,
  e2: ArrayLike<number>,
  options: Partial<DieboldMarianoOptions> = {},
): DieboldMarianoResult {
  const o = { ...DEFAULTS, ...options };
  if (e1.length !== e2.length) throw new Error(`dieboldMariano: ${e1.length} errors against ${e2.length}`);
  if (!Number.isInteger(o.h) || o.h < 1)
    throw new Error(`dieboldMariano: h must be a whole number >= 1, not ${o.h}`);
  const n = e1.length;
  if (n < 2) throw new Error('dieboldMariano: at least 2 error pairs are needed');
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(e1[i]) ** o.power - Math.abs(e2[i]) ** o.power;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const maxLag = Math.min(o.h - 1, n - 1);
  let variance = autocovariance(d, mean, 0);
  for (let k = 1; k <= maxLag; k++) {
    const weight = o.varEstimator === 'acf' ? 1 : 1 - k / o.h;
    variance += 2 * weight * autocovariance(d, mean, k);
  }
  variance /= n;
  if (!(variance > 0)) {
    if (o.h === 1)
      throw new Error('dieboldMariano: the loss differential has zero variance (identical losses)');
    const one = dieboldMariano(e1, e2, { ...o, h: 1 });
    return { ...one, fellBackToOneStep: true };
  }
  const correction = (n + 1 - 2 * o.h + (o.h / n) * (o.h - 1)) / n;
  if (!(correction > 0))
    throw new Error(
      `dieboldMariano: ${n} pairs are too few for h = ${o.h} (the small-sample correction is not positive)`,
    );
  const statistic = (mean / Math.sqrt(variance)) * Math.sqrt(correction);
  return { statistic, pValue: pValueOf(statistic, n - 1, o.alternative), h: o.h, fellBackToOneStep: false };
}

function autocovariance(d: Float64Array, mean: number, lag: number): number {
  let s = 0;
  for (let i = lag; i < d.length; i++) s += (d[i] - mean) * (d[i - lag] - mean);
  return s / d.length;
}

function pValueOf(t: number, df: number, alternative: Alternative): number {
  if (alternative === 'less') return studentTCdf(t, df);
  if (alternative === 'greater') return studentTCdf(-t, df); // P(T > t), without 1 - x's rounding
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}
