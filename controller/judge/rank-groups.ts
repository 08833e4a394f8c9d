/**
 * Two samples laid out for rank statistics: observations sorted by value and grouped where they
 * tie. A group holds how many observations of sample A and of sample B share its value (or its
 * histogram bin), so raw samples and binned histograms feed the same rank test:
 *
 *   midrank(group g) = (observations before g) + (a_g + b_g + 1) / 2
 *
 * Histograms with the same alpha share bucket boundaries, so the bin index orders the values and
 * everything in one bin counts as one tie. The DDSketch bins are ~2*alpha wide (2% at the
 * default alpha), so a shift much smaller than that is invisible to a test on bins.
 */
import { LatencyHistogram } from '../../gateway-core/histogram.js';

export interface RankGroup {
  /** The group's value (a histogram bin's representative value, 2 gamma^i / (gamma + 1)). */
  value: number;
  /** Observations of sample A at this value. */
  a: number;
  /** Observations of sample B at this value. */
  b: number;
}

export type HistogramJson = ReturnType<LatencyHistogram['toJSON']>;

/** Groups two raw samples (exact ties only). */
export function groupsFromSamples(a: readonly number[], b: readonly number[]): RankGroup[] {
  const tagged: [number, 0 | 1][] = [];
  for (const x of a) tagged.push([x, 0]);
  for (const x of b) tagged.push([x, 1]);
  tagged.sort((p, q) => p[0] - q[0]);
  const groups: RankGroup[] = [];
  let i = 0;
  while (i < tagged.length) {
    const v = tagged[i][0];
    const g: RankGroup = { value: v, a: 0, b: 0 };
    while (i < tagged.length && tagged[i][0] === v) {
      if (tagged[i][1] === 0) g.a++;
      else g.b++;
      i++;
    }
    groups.push(g);
  }
  return groups;
}

function asJson(h: LatencyHistogram | HistogramJson): HistogramJson {
  return h instanceof LatencyHistogram ? h.toJSON() : h;
}

/** Groups two histograms bin by bin (the zero bin first). Their alphas must match. */
export function groupsFromHistograms(
  a: LatencyHistogram | HistogramJson,
  b: LatencyHistogram | HistogramJson,
): RankGroup[] {
  const ja = asJson(a);
  const jb = asJson(b);
  if (ja.alpha !== jb.alpha) throw new RangeError('groupsFromHistograms: histogram alphas differ');
  const gamma = (1 + ja.alpha) / (1 - ja.alpha);
  const byIndex = new Map<number, RankGroup>();
  const at = (index: number): RankGroup =>
    byIndex.get(index) ?? { value: (2 * gamma ** index) / (gamma + 1), a: 0, b: 0 };
  for (const [index, count] of ja.buckets) {
    const g = at(index);
    g.a += count;
    byIndex.set(index, g);
  }
  for (const [index, count] of jb.buckets) {
    const g = at(index);
    g.b += count;
    byIndex.set(index, g);
  }
  const indices = [...byIndex.keys()].sort((x, y) => x - y);
  const groups: RankGroup[] = [];
  if (ja.zero + jb.zero > 0) groups.push({ value: 0, a: ja.zero, b: jb.zero });
  for (const index of indices) groups.push(byIndex.get(index)!);
  return groups;
}

/** Total observations of A and of B. */
export function groupTotals(groups: readonly RankGroup[]): { n1: number; n2: number } {
  let n1 = 0;
  let n2 = 0;
  for (const g of groups) {
    n1 += g.a;
    n2 += g.b;
  }
  return { n1, n2 };
}

/**
 * Counts of each sample strictly above the pooled q-quantile's group (ties at the threshold go
 * below it). The threshold comes from both samples together, so under "no difference" neither
 * arm is favoured by how it was chosen.
 */
export function exceedances(groups: readonly RankGroup[], q: number): { a: number; b: number } {
  const { n1, n2 } = groupTotals(groups);
  const rank = Math.max(1, Math.ceil(q * (n1 + n2)));
  let seen = 0;
  let i = 0;
  for (; i < groups.length; i++) {
    seen += groups[i].a + groups[i].b;
    if (seen >= rank) break;
  }
  let a = 0;
  let b = 0;
  for (let j = i + 1; j < groups.length; j++) {
    a += groups[j].a;
    b += groups[j].b;
  }
  return { a, b };
}

/** Mean and sample variance of each sample, from the groups' values. */
export function groupMoments(groups: readonly RankGroup[]): {
  a: { n: number; mean: number; variance: number };
  b: { n: number; mean: number; variance: number };
} {
  const { n1, n2 } = groupTotals(groups);
  let sa = 0;
  let sb = 0;
  for (const g of groups) {
    sa += g.a * g.value;
    sb += g.b * g.value;
  }
  const ma = n1 > 0 ? sa / n1 : 0;
  const mb = n2 > 0 ? sb / n2 : 0;
  let va = 0;
  let vb = 0;
  for (const g of groups) {
    va += g.a * (g.value - ma) ** 2;
    vb += g.b * (g.value - mb) ** 2;
  }
  return {
    a: { n: n1, mean: ma, variance: n1 > 1 ? va / (n1 - 1) : 0 },
    b: { n: n2, mean: mb, variance: n2 > 1 ? vb / (n2 - 1) : 0 },
  };
}
