/**
 * Paired t-test (two-sided) on differences d_i = x_i - y_i:
 *
 *   t = mean(d) / (sd(d) / sqrt(n)),  df = n - 1,
 *   CI = mean(d) +- t_(1 - alpha/2, df) * sd(d) / sqrt(n).
 *
 * Not simple-statistics' tTest: it divides by the population standard deviation (n, not n - 1),
 * which inflates t (sleep data: -4.28 instead of the textbook -4.06). The mean and the sample
 * standard deviation come from simple-statistics; p and the quantile from gateway-core/student-t.ts.
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { studentTQuantile, studentTTwoSidedP } from '../gateway-core/student-t.js';

export interface PairedTResult {
  n: number;
  meanDiff: number;
  sdDiff: number;
  t: number;
  df: number;
  p: number;
  ci: [number, number];
}

export function pairedTTest(x: readonly number[], y: readonly number[], level = 0.95): PairedTResult {
  if (x.length !== y.length) throw new RangeError('pairedTTest: samples must be paired');
  const d = x.map((xi, i) => xi - y[i]);
  const n = d.length;
  if (n < 2) throw new RangeError('pairedTTest: need at least 2 pairs');
  const m = mean(d);
  const sd = sampleStandardDeviation(d);
  const df = n - 1;
  if (sd === 0) {
    // Every pair differs by the same amount: no spread to test against.
    return {
      n,
      meanDiff: m,
      sdDiff: 0,
      t: m === 0 ? 0 : Math.sign(m) * Infinity,
      df,
      p: m === 0 ? 1 : 0,
      ci: [m, m],
    };
  }
  const t = m / (sd / Math.sqrt(n));
  const half = studentTQuantile(1 - (1 - level) / 2, df) * (sd / Math.sqrt(n));
  return { n, meanDiff: m, sdDiff: sd, t, df, p: studentTTwoSidedP(t, df), ci: [m - half, m + half] };
}

/** Cohen's d for paired data (d_z): mean difference over the standard deviation of differences. */
export function cohensDz(x: readonly number[], y: readonly number[]): number {
  const d = x.map((xi, i) => xi - y[i]);
  const sd = sampleStandardDeviation(d);
  const m = mean(d);
  if (sd === 0) return m === 0 ? 0 : Math.sign(m) * Infinity;
  return m / sd;
}
