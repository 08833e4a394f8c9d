/**
 * Adaptive conformal inference (Gibbs and Candes 2021) for the multi-horizon p90:
 *   alpha <- alpha + gamma (0.1 - miss)   at each new point y[s], miss = the share of the pairs it
 *                                         settles, (origin s-h, horizon h), with y[s] > p90_{s-h}[h]
 *                                         (one step per point, as in the one-step original)
 *   p90_t[h] = raw p90_t[h] + q_h(1 - alpha_t)
 * q_h(1 - alpha) = the ceil((n+1)(1 - alpha))-th smallest calibration score y_h - p90_h (split
 * conformal on windows no gradient step saw), smoothed over 5 neighbouring horizons. At alpha < 0
 * (more misses than even the largest score would have covered) the quantile function is carried
 * on past the largest score at the slope of its top decile (tailShift). At alpha = 0.1 this is
 * the split-conformal shift, and the long-run miss rate tends to 0.1 whatever the series does
 * (the guarantee of ACI), so a held-out span calmer or wilder than the calibration windows pulls
 * the p90 back towards 90% coverage.
 * The state is replayed from the data on each call (from the fit end, or the last `window`
 * origins), so a forecast stays a function of the points at or before its origin.
 */

export interface CalibrationScores {
  /** Number of calibration windows the scores came from. */
  n: number;
  /** Per horizon, ascending order statistics (at most MAX_KEPT, evenly spaced in rank). */
  sorted: number[][];
}

const MAX_KEPT = 256;
const TARGET_MISS = 0.1;
/**
 * The least step of the 'auto' rule. Alpha is replayed over the last two horizons of points only,
 * so the step bounds how far it can move: on NYC taxi demand (391 calibration windows, 1 / n =
 * 0.0026, 48 steps), points missed at twice the target rate move alpha by 0.025 over the 96
 * points replayed, against 0.096 at 0.01. Its held-out span (Thanksgiving, Christmas, a
 * snowstorm) covered 0.835 at 1 / n, 0.860 at 0.005, 0.888 at 0.01.
 */
export const MIN_AUTO_STEP = 0.01;

/**
 * ACI's step: 'auto' is 1 / (calibration windows), each new point weighing like one more window,
 * and at least MIN_AUTO_STEP; a number is taken as it is (0 = off).
 */
export function aciStep(setting: number | 'auto', calibrationWindows: number): number {
  if (setting !== 'auto') return setting;
  return calibrationWindows > 0 ? Math.max(1 / calibrationWindows, MIN_AUTO_STEP) : 0;
}

export function calibrationScores(perHorizon: readonly Float64Array[]): CalibrationScores {
  const n = perHorizon[0]?.length ?? 0;
  const sorted = perHorizon.map((e) => {
    const a = Float64Array.from(e).sort();
    if (a.length <= MAX_KEPT) return Array.from(a);
    return Array.from({ length: MAX_KEPT }, (_, i) => a[Math.round((i * (a.length - 1)) / (MAX_KEPT - 1))]);
  });
  return { n, sorted };
}

/** The calibration rank (0-based) of the (1 - alpha) quantile; alpha <= 0 takes the largest. */
export function rankAt(c: CalibrationScores, alpha: number): number {
  return alpha <= 0 ? c.n - 1 : Math.max(0, Math.min(c.n - 1, Math.ceil((c.n + 1) * (1 - alpha)) - 1));
}

/** Per-horizon p90 shift at miss level alpha (scaled units), 5-wide running mean over horizons. */
export function shiftsAt(c: CalibrationScores, alpha: number): number[] {
  const k = rankAt(c, alpha);
  const at = (a: number[], rank: number) =>
    a[a.length === c.n ? rank : Math.round((rank * (a.length - 1)) / Math.max(1, c.n - 1))];
  const k90 = rankAt(c, TARGET_MISS);
  const raw = c.sorted.map((a) => (alpha < 0 ? tailShift(at(a, k), at(a, k90), alpha) : at(a, k)));
  const H = raw.length;
  return raw.map((_, h) => {
    const lo = Math.max(0, h - 2);
    const hi = Math.min(H, h + 3);
    let s = 0;
    for (let j = lo; j < hi; j++) s += raw[j];
    return s / (hi - lo);
  });
}

/**
 * The shift at alpha < 0, past the largest score. ACI's guarantee asks for an unbounded interval
 * there; staying at the largest score instead capped the p90 where a held-out span drifts beyond
 * every calibration window (a month of hourly demand whose last week turns up after three weeks
 * of decline covered 0.58). Carried on linearly: the quantile function rose by (largest - 90th
 * score) over its top 0.1 of alpha, and keeps that slope.
 */
function tailShift(largest: number, q90: number, alpha: number): number {
  return largest + (-alpha / TARGET_MISS) * Math.max(0, largest - q90);
}

/**
 * The miss level alpha in force at origin `to`, replayed over the origins from..to-1: each issues
 * its p90 (p90At(u, alpha), H values) with the alpha of its time, and each point y[s], s <= to,
 * settles the pairs (s - h, h) issued at or after `from`.
 */
export function replayAlpha(
  gamma: number,
  from: number,
  to: number,
  horizon: number,
  p90At: (origin: number, alpha: number) => ArrayLike<number>,
  actual: (index: number) => number,
): number {
  let alpha = TARGET_MISS;
  const issued: Array<ArrayLike<number>> = [];
  for (let u = from; u < to; u++) {
    issued.push(p90At(u, alpha));
    const s = u + 1;
    const y = actual(s);
    let misses = 0;
    let settled = 0;
    for (let h = 1; h <= horizon; h++) {
      const v = s - h;
      if (v < from) break;
      settled++;
      if (y > issued[v - from][h - 1]) misses++;
    }
    alpha += gamma * (TARGET_MISS - misses / settled);
  }
  return alpha;
}
