/**
 * Tests on two proportions x1/n1 (canary) and x2/n2 (control): error and timeout rates, which a
 * rank test on latency cannot see because failed requests have no latency.
 *
 *   pooled z:  p = (x1 + x2) / (n1 + n2),  z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))
 *   Fisher:    X ~ Hypergeometric(N = n1 + n2, K = x1 + x2, draws n1); P(X >= x1) etc., the exact
 *              test for sparse counts where the normal approximation is poor.
 *              P(x + 1) / P(x) = (K - x)(n1 - x) / ((x + 1)(N - K - n1 + x + 1))
 *   Wilson:    (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
 */
import { normalQuantile, normalSf } from './normal.js';

export interface TwoProportionResult {
  p1: number;
  p2: number;
  /** p1 - p2. */
  diff: number;
  /** Unpooled variance of p1 - p2 (for intervals on the difference). */
  variance: number;
  /** Pooled z (0 when both proportions are 0 or 1). */
  z: number;
  /** One-sided p for "p1 > p2". */
  pGreater: number;
  pTwoSided: number;
}

export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): TwoProportionResult {
  if (!(n1 > 0 && n2 > 0)) throw new RangeError('twoProportionZ: both n must be positive');
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? (p1 - p2) / se : 0;
  return {
    p1,
    p2,
    diff: p1 - p2,
    variance: (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2,
    z,
    pGreater: normalSf(z),
    pTwoSided: Math.min(1, 2 * normalSf(Math.abs(z))),
  };
}

export interface FisherResult {
  /** P(X >= x1): evidence that p1 > p2. */
  pGreater: number;
  /** P(X <= x1). */
  pLess: number;
  /** Sum of P(x) over tables no more likely than the one seen (R's fisher.test convention). */
  pTwoSided: number;
}

export function fisherExact(x1: number, n1: number, x2: number, n2: number): FisherResult {
  const N = n1 + n2;
  const K = x1 + x2;
  const lo = Math.max(0, n1 - (N - K));
  const hi = Math.min(K, n1);
  const logw: number[] = [0];
  for (let x = lo; x < hi; x++) {
    const ratio = ((K - x) * (n1 - x)) / ((x + 1) * (N - K - n1 + x + 1));
    logw.push(logw[logw.length - 1] + Math.log(ratio));
  }
  const max = Math.max(...logw);
  const w = logw.map((l) => Math.exp(l - max));
  const total = w.reduce((s, v) => s + v, 0);
  const prob = w.map((v) => v / total);
  const at = x1 - lo;
  let pGreater = 0;
  let pLess = 0;
  let pTwoSided = 0;
  const observed = prob[at];
  for (let i = 0; i < prob.length; i++) {
    if (i >= at) pGreater += prob[i];
    if (i <= at) pLess += prob[i];
    if (prob[i] <= observed * (1 + 1e-7)) pTwoSided += prob[i];
  }
  return { pGreater: Math.min(1, pGreater), pLess: Math.min(1, pLess), pTwoSided: Math.min(1, pTwoSided) };
}

/** Wilson score interval for x successes in n trials at two-sided confidence 1 - alpha. */
export function wilsonInterval(x: number, n: number, alpha = 0.05): { lower: number; upper: number } {
  if (!(n > 0)) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - alpha / 2);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}
