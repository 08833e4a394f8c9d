/**
 * Mann-Whitney U (Wilcoxon rank-sum) test over grouped observations (see rank-groups.ts).
 *
 *   U_A   = R_A - n1 (n1 + 1) / 2            R_A = sum of A's midranks
 *         = #{(a, b): a > b} + #{a = b} / 2
 *   mean  = n1 n2 / 2
 *   var   = n1 n2 / 12 * ((N + 1) - sum_g (t_g^3 - t_g) / (N (N - 1)))     (tie correction)
 *   z     = (U_A - mean -+ 1/2) / sqrt(var)                                 (continuity correction)
 *
 * `auc` = U_A / (n1 n2) estimates P(A > B) + P(A = B)/2: 0.5 when the samples are alike, above
 * 0.5 when A tends to be larger (slower, for latencies).
 * Exact p-values (no ties, n1, n2 <= 30) come from the null distribution of U counted by
 *   f(m, n; u) = f(m - 1, n; u - n) + f(m, n - 1; u)
 * (is the largest observation an A, beating all n Bs, or a B?).
 */
import { normalCdf, normalSf } from './normal.js';
import { groupTotals, type RankGroup } from './rank-groups.js';

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of sample A. */
  u: number;
  /** U_A / (n1 n2). */
  auc: number;
  /** Null variance of U (tie-corrected). */
  variance: number;
  /** Normal-approximation z with continuity correction (0 when |U - mean| <= 1/2). */
  z: number;
  /** Two-sided p-value (exact when `exact`, else normal approximation). */
  pTwoSided: number;
  /** One-sided p-value for "A tends to be larger than B". */
  pGreater: number;
  /** One-sided p-value for "A tends to be smaller than B". */
  pLess: number;
  exact: boolean;
}

const EXACT_MAX = 30;

export function mannWhitney(
  groups: readonly RankGroup[],
  options: { exact?: boolean } = {},
): MannWhitneyResult {
  const { n1, n2 } = groupTotals(groups);
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitney: both samples need observations');
  const n = n1 + n2;
  let before = 0;
  let rankSumA = 0;
  let tieSum = 0;
  for (const g of groups) {
    const t = g.a + g.b;
    rankSumA += g.a * (before + (t + 1) / 2);
    tieSum += t * t * t - t;
    before += t;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - (n > 1 ? tieSum / (n * (n - 1)) : 0));
  const sd = Math.sqrt(variance);
  const d = u - mean;
  const z = sd > 0 && Math.abs(d) > 0.5 ? (d - 0.5 * Math.sign(d)) / sd : 0;
  const hasTies = tieSum > 0;
  const useExact = (options.exact ?? true) && !hasTies && n1 <= EXACT_MAX && n2 <= EXACT_MAX;
  let pGreater: number;
  let pLess: number;
  if (useExact) {
    const dist = uDistribution(n1, n2);
    const total = dist.reduce((s, c) => s + c, 0);
    let atMost = 0;
    let atLeast = 0;
    for (let k = 0; k < dist.length; k++) {
      if (k <= u) atMost += dist[k];
      if (k >= u) atLeast += dist[k];
    }
    pGreater = atLeast / total;
    pLess = atMost / total;
  } else if (sd === 0) {
    pGreater = 1;
    pLess = 1;
  } else {
    pGreater = normalSf((d - 0.5) / sd);
    pLess = normalCdf((d + 0.5) / sd);
  }
  const pTwoSided = Math.min(1, 2 * Math.min(pGreater, pLess));
  return { n1, n2, u, auc: u / (n1 * n2), variance, z, pTwoSided, pGreater, pLess, exact: useExact };
}

const cache = new Map<string, number[]>();

/** Number of orderings of m As and n Bs with U_A = u, for u = 0..m*n. */
export function uDistribution(m: number, n: number): number[] {
  if (m === 0 || n === 0) return [1];
  const key = `${m},${n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const withA = uDistribution(m - 1, n); // largest is an A: it beats all n Bs
  const withB = uDistribution(m, n - 1); // largest is a B: adds nothing
  const out = new Array<number>(m * n + 1).fill(0);
  for (let k = 0; k < withA.length; k++) out[k + n] += withA[k];
  for (let k = 0; k < withB.length; k++) out[k] += withB[k];
  cache.set(key, out);
  return out;
}
