/**
 * A forecast combination: the network's p50 averaged with a Holt-Winters p50, the weight and the
 * season (a day or a week) chosen by MAE on the network's validation windows (the latest training
 * windows, which no gradient step saw). Why: the two err in different places. On the simulated
 * half-hourly demand the network is better on weekdays (it reads level shifts and growth from its
 * lookback) and worse on weekends (its one mapping for every day leans on the seven-day average),
 * where the weekly Holt-Winters, whose seasonal state is last week smoothed, is at its best; their
 * mean had 0.80 of the network's MAE on the held-out span, either alone 0.96-1.0 of Holt-Winters'.
 * Combining forecasts by weights fitted on recent data is the classical remedy for that.
 */
import type { HoltWintersParams } from '../baselines/holt-winters.js';

/** The weights tried; 0 (the network alone) is the default that each must beat. */
const BLEND_WEIGHTS = [0.25, 0.5, 0.75] as const;

export interface HoltWintersBlend {
  period: number;
  /** The Holt-Winters share of the p50. */
  weight: number;
  params: HoltWintersParams;
}

export interface BlendCandidate {
  period: number;
  params: HoltWintersParams;
  /** Holt-Winters' p50 on the validation windows, rows x H, in the same units as `targets`. */
  p50: ArrayLike<number>;
}

/**
 * The candidate and weight with the lowest MAE on the validation windows, or null where the
 * network alone (`net`, rows x H) does at least as well; with `fixed`, that season at that
 * weight wherever it is a candidate.
 */
export function chooseBlend(
  net: ArrayLike<number>,
  targets: ArrayLike<number>,
  candidates: readonly BlendCandidate[],
  fixed: { period: number; weight: number } | null = null,
): HoltWintersBlend | null {
  // A fixed share of a given season, where that season is a candidate: no choice made (a short
  // span's few validation windows would choose by noise).
  const given = fixed && fixed.weight > 0 ? candidates.find((c) => c.period === fixed.period) : undefined;
  if (fixed && given) return { period: given.period, weight: fixed.weight, params: given.params };
  let bestMae = 0;
  for (let i = 0; i < targets.length; i++) bestMae += Math.abs(targets[i] - net[i]);
  let best: HoltWintersBlend | null = null;
  for (const c of candidates) {
    for (const w of BLEND_WEIGHTS) {
      let mae = 0;
      for (let i = 0; i < targets.length; i++)
        mae += Math.abs(targets[i] - ((1 - w) * net[i] + w * c.p50[i]));
      if (mae < bestMae) {
        bestMae = mae;
        best = { period: c.period, weight: w, params: c.params };
      }
    }
  }
  return best;
}
