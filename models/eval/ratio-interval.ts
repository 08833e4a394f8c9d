/**
 * A confidence interval for a ratio of summed losses (one forecaster's over another's: the MASE
 * ratio when both are scored at the same targets), by the circular block bootstrap.
 *
 * Rolling-origin losses are not independent: origins `step` apart whose horizons `H` overlap share
 * targets, so neighbouring losses move together. Resampling single origins would treat 200
 * overlapping origins as 200 independent ones and give an interval too narrow to trust. Blocks of
 * `block` consecutive origins (ceil(H / step): the overlap) keep that dependence inside each
 * block; circular, so every origin is equally likely to be drawn. Seeded: the same losses give
 * the same interval.
 */
import { SeededRng } from '../../gateway-core/rng.js';

export interface RatioIntervalOptions {
  block: number;
  level: number;
  resamples: number;
  seed: number;
}

const DEFAULTS: RatioIntervalOptions = { block: 1, level: 0.95, resamples: 2000, seed: 20261128 };

/** Percentile interval of sum(numerator*) / sum(denominator*) over block resamples of the pairs. */
export function ratioInterval(
  numerator: ArrayLike<number>,
  denominator: ArrayLike<number>,
  options: Partial<RatioIntervalOptions> = {},
): [number, number] {
  const o = { ...DEFAULTS, ...options };
  const n = numerator.length;
  if (n !== denominator.length)
    throw new Error(`ratioInterval: ${n} numerators against ${denominator.length}`);
  if (n === 0) throw new Error('ratioInterval: no losses to resample');
  if (!Number.isInteger(o.block) || o.block < 1)
    throw new Error(`ratioInterval: block must be a whole number >= 1, not ${o.block}`);
  const block = Math.min(o.block, n);
  const blocks = Math.ceil(n / block);
  const rng = new SeededRng(o.seed);
  const ratios = new Float64Array(o.resamples);
  for (let b = 0; b < o.resamples; b++) {
    let num = 0;
    let den = 0;
    let drawn = 0;
    for (let k = 0; k < blocks; k++) {
      const start = rng.int(0, n - 1);
      for (let j = 0; j < block && drawn < n; j++, drawn++) {
        const i = (start + j) % n;
        num += numerator[i];
        den += denominator[i];
      }
    }
    ratios[b] = num / den;
  }
  ratios.sort();
  const alpha = 1 - o.level;
  return [quantile(ratios, alpha / 2), quantile(ratios, 1 - alpha / 2)];
}

/** Linear interpolation between order statistics (R's type 7). */
function quantile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}
