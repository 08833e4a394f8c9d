/**
 * Percentile bootstrap confidence interval of a statistic (default: the mean).
 *
 *   draw B resamples of size n with replacement (seeded Rng), compute the statistic of each,
 *   CI = [q_(alpha/2), q_(1 - alpha/2)] of those B values.
 *
 * Seeded so a report rebuilt from the same results shows the same intervals.
 */
import { mean, quantileSorted } from 'simple-statistics';
import { SeededRng } from '../gateway-core/rng.js';

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
  statistic?: (sample: number[]) => number;
}

export function bootstrapCi(values: readonly number[], options: BootstrapOptions = {}): [number, number] {
  const n = values.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const stat = options.statistic ?? mean;
  if (n === 1) {
    const s = stat([values[0]]);
    return [s, s];
  }
  const resamples = options.resamples ?? 2000;
  const alpha = 1 - (options.level ?? 0.95);
  const rng = new SeededRng(options.seed ?? 20240601);
  const stats = new Array<number>(resamples);
  const sample = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = values[rng.int(0, n - 1)];
    stats[b] = stat(sample);
  }
  stats.sort((a, b) => a - b);
  return [quantileSorted(stats, alpha / 2), quantileSorted(stats, 1 - alpha / 2)];
}
