/**
 * Is the candidate's lead over the best baseline more than luck? Two answers a sceptical analyst
 * asks for beside a MASE ratio, both on the per-origin absolute errors of one backtest:
 * - the Diebold-Mariano test (diebold-mariano.ts), one-sided: the candidate's losses are lower;
 * - a 95% interval of the MASE ratio by the circular block bootstrap (ratio-interval.ts).
 * Origins `step` apart whose horizons of H steps overlap share targets, so their losses are
 * correlated over ceil(H / step) origins: the test allows that many lags and the bootstrap
 * resamples blocks that long. With few origins per overlap (an hour of 10-second data, 30 steps
 * ahead, every step an origin) the test says how little one backtest can show, and no interval
 * is given.
 */
import type { BacktestRow } from './backtest.js';
import { dieboldMariano } from './diebold-mariano.js';
import { ratioInterval } from './ratio-interval.js';

export interface ForecastComparison {
  /** The baseline compared against. */
  against: string;
  origins: number;
  /** Origins that share targets with each one: ceil(H / step). */
  overlap: number;
  /** One-sided Diebold-Mariano (absolute errors, Bartlett variance, HLN correction), or why there is none. */
  dieboldMariano: { statistic: number; pValue: number } | { none: string };
  /**
   * 95% block-bootstrap interval of the MASE ratio (candidate / baseline); null where the origins
   * hold fewer than MIN_BLOCKS blocks: a resample of one or two blocks nearly repeats the whole
   * span, and its spread would claim a precision the backtest does not have.
   */
  ratioInterval95: [number, number] | null;
}

/** Fewer blocks of overlapping origins than this give no interval. */
const MIN_BLOCKS = 5;

/** The sum of absolute p50 errors per origin, over the targets that were observed. */
export function originLosses(rows: readonly BacktestRow[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) {
    if (!Number.isFinite(r.actual)) continue;
    out.set(r.origin, (out.get(r.origin) ?? 0) + Math.abs(r.actual - r.p50));
  }
  return out;
}

export function compareForecasts(
  candidate: readonly BacktestRow[],
  baseline: readonly BacktestRow[],
  against: string,
  horizon: number,
  step: number,
): ForecastComparison {
  const c = originLosses(candidate);
  const b = originLosses(baseline);
  const origins = [...c.keys()].filter((o) => b.has(o)).sort((x, y) => x - y);
  const cl = origins.map((o) => c.get(o)!);
  const bl = origins.map((o) => b.get(o)!);
  const overlap = Math.ceil(horizon / step);
  let dm: ForecastComparison['dieboldMariano'];
  try {
    const r = dieboldMariano(cl, bl, { h: overlap, power: 1, alternative: 'less', varEstimator: 'bartlett' });
    dm = { statistic: r.statistic, pValue: r.pValue };
  } catch (e) {
    // Too few origins for the overlap, or identical losses: no test, and the reason. Anything
    // else is a bug, and stays an error.
    const message = e instanceof Error ? e.message : '';
    if (!message.startsWith('dieboldMariano: ')) throw e;
    dm = { none: message.slice('dieboldMariano: '.length) };
  }
  return {
    against,
    origins: origins.length,
    overlap,
    dieboldMariano: dm,
    ratioInterval95:
      origins.length >= MIN_BLOCKS * overlap ? ratioInterval(cl, bl, { block: overlap }) : null,
  };
}
