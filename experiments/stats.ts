/**
 * The statistics of an experiment: per metric and arm the mean over seeds with a 95% percentile
 * bootstrap CI; per non-baseline arm the paired differences against the baseline (paired by
 * seed at the same grid point) with a t CI, a paired t-test, a Wilcoxon signed-rank test, Cohen's
 * d_z and the relative change. The paired t-test decides significance (alpha = 0.05): with 5
 * seeds the exact Wilcoxon cannot go below p = 0.0625, so it is reported as a robustness check
 * and a disagreement is said out loud.
 */
import { mean } from 'simple-statistics';
import { bootstrapCi } from './bootstrap.js';
import { metricUnit, metricValue } from './metric.js';
import { cohensDz, pairedTTest } from './paired-t-test.js';
import type { MetricSpec, Params } from './spec.js';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank.js';

export const ALPHA = 0.05;

/** One finished run, as the statistics need it. */
export interface RunRecord {
  arm: string;
  gridKey: string;
  grid: Params;
  seed: number;
  summary: unknown;
}

export interface ArmMetric {
  arm: string;
  gridKey: string;
  metric: string;
  unit: string;
  n: number;
  mean: number | null;
  ci: [number, number] | null;
  /** Values by seed, in seed order; null where a run lacked the metric. */
  values: { seed: number; value: number | null }[];
}

export interface Comparison {
  arm: string;
  baseline: string;
  gridKey: string;
  metric: string;
  unit: string;
  better: 'lower' | 'higher';
  /** Seeds present in both arms with a value. */
  n: number;
  baselineMean: number;
  armMean: number;
  meanDiff: number;
  diffCi: [number, number];
  tTest: { t: number; df: number; p: number };
  wilcoxon: { v: number; p: number; exact: boolean };
  cohensDz: number;
  relativeChangePct: number | null;
  significant: boolean;
  /** True when the arm is better than the baseline, false when worse, null when no difference. */
  improved: boolean | null;
  verdict: string;
}

export interface ExperimentStats {
  armMetrics: ArmMetric[];
  comparisons: Comparison[];
}

export function gridKeyOf(grid: Params): string {
  const keys = Object.keys(grid).sort();
  return keys.length === 0 ? '-' : keys.map((k) => `${k}=${grid[k]}`).join(',');
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e6)) return v.toExponential(2);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(a >= 1 ? 2 : 3);
}

export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

export function analyse(
  runs: readonly RunRecord[],
  metrics: readonly MetricSpec[],
  baseline: string,
): ExperimentStats {
  const byArmGrid = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = `${r.arm}\u0000${r.gridKey}`;
    const list = byArmGrid.get(k) ?? [];
    list.push(r);
    byArmGrid.set(k, list);
  }
  const armMetrics: ArmMetric[] = [];
  const comparisons: Comparison[] = [];
  for (const [k, list] of byArmGrid) {
    const [arm, gridKey] = k.split('\u0000');
    const sorted = [...list].sort((a, b) => a.seed - b.seed);
    for (const m of metrics) {
      const values = sorted.map((r) => ({ seed: r.seed, value: metricValue(r.summary, m.name) }));
      const present = values.flatMap((v) => (v.value === null ? [] : [v.value]));
      armMetrics.push({
        arm,
        gridKey,
        metric: m.name,
        unit: metricUnit(m.name),
        n: present.length,
        mean: present.length > 0 ? mean(present) : null,
        ci: present.length > 0 ? bootstrapCi(present) : null,
        values,
      });
    }
    if (arm === baseline) continue;
    const base = byArmGrid.get(`${baseline}\u0000${gridKey}`);
    if (!base) continue;
    for (const m of metrics) {
      const c = compare(arm, baseline, gridKey, m, list, base);
      if (c) comparisons.push(c);
    }
  }
  return { armMetrics, comparisons };
}

function compare(
  arm: string,
  baseline: string,
  gridKey: string,
  metric: MetricSpec,
  armRuns: readonly RunRecord[],
  baseRuns: readonly RunRecord[],
): Comparison | null {
  const baseBySeed = new Map(baseRuns.map((r) => [r.seed, metricValue(r.summary, metric.name)]));
  const x: number[] = [];
  const y: number[] = [];
  for (const r of [...armRuns].sort((a, b) => a.seed - b.seed)) {
    const a = metricValue(r.summary, metric.name);
    const b = baseBySeed.get(r.seed);
    if (a !== null && b !== null && b !== undefined) {
      x.push(a);
      y.push(b);
    }
  }
  if (x.length < 2) return null;
  const t = pairedTTest(x, y);
  const w = wilcoxonSignedRank(x, y);
  const baselineMean = mean(y);
  const armMean = mean(x);
  const relativeChangePct =
    baselineMean === 0 ? null : (100 * (armMean - baselineMean)) / Math.abs(baselineMean);
  const significant = t.p < ALPHA;
  const better = metric.better === 'lower' ? t.meanDiff < 0 : t.meanDiff > 0;
  const improved = significant ? better : null;
  const c: Comparison = {
    arm,
    baseline,
    gridKey,
    metric: metric.name,
    unit: metricUnit(metric.name),
    better: metric.better,
    n: x.length,
    baselineMean,
    armMean,
    meanDiff: t.meanDiff,
    diffCi: t.ci,
    tTest: { t: t.t, df: t.df, p: t.p },
    wilcoxon: { v: w.v, p: w.p, exact: w.exact },
    cohensDz: cohensDz(x, y),
    relativeChangePct,
    significant,
    improved,
    verdict: '',
  };
  c.verdict = verdictOf(c);
  return c;
}

/** One plain sentence: direction, size, CI, tests, and whether it counts. */
export function verdictOf(c: Comparison): string {
  const unit = c.unit ? ` ${c.unit}` : '';
  const rel =
    c.relativeChangePct === null
      ? ''
      : ` (${c.relativeChangePct >= 0 ? '+' : ''}${c.relativeChangePct.toFixed(1)}%)`;
  const diff = `${c.meanDiff >= 0 ? '+' : ''}${formatNumber(c.meanDiff)}${unit}${rel}`;
  const ci = `95% CI ${formatNumber(c.diffCi[0])} to ${formatNumber(c.diffCi[1])}${unit}`;
  const tests = `paired t ${formatP(c.tTest.p)}, Wilcoxon ${formatP(c.wilcoxon.p)}, d_z = ${formatNumber(c.cohensDz)}, n = ${c.n}`;
  if (!c.significant) {
    return `${c.arm} vs ${c.baseline} on ${c.metric}: ${diff}, NOT significant: no evidence of a difference (${ci}; ${tests}).`;
  }
  const word = c.improved ? 'better' : 'worse';
  const caveat =
    c.wilcoxon.p >= ALPHA
      ? ` The Wilcoxon test does not confirm it at this sample size (${formatP(c.wilcoxon.p)}).`
      : '';
  return `${c.arm} vs ${c.baseline} on ${c.metric}: ${diff}, significantly ${word} (${ci}; ${tests}).${caveat}`;
}
