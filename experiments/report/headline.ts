/**
 * The headline: which arm won on the first metric of the spec, by how much, and where in time
 * the difference came from. "Where" is the contiguous window of intervals with the largest
 * summed advantage of the winner over the baseline (maximum subarray, Kadane):
 *
 *   g(t) = baseline(t) - winner(t)   (lower is better; the sign flips when higher is better)
 *   window = argmax over [a, b] of sum_{t=a..b} g(t),  share = that sum / sum of positive g(t)
 *   (narrowed to the shortest window holding 80% of the positive gap when that is shorter)
 *
 * on the per-interval series that drives the metric (worst-tier p99 for latency and SLO
 * metrics, interval cost for cost metrics).
 */
import type { Comparison } from '../stats.js';
import { formatNumber, formatP } from '../stats.js';
import type { ArmView, ReportData } from './report-data.js';

export interface Headline {
  metric: string;
  baseline: string;
  winner: string | null;
  /** The arm the time window compares with the baseline (the winner, else the best nominal). */
  challenger: string | null;
  text: string;
  details: string[];
  window: { from: number; to: number; share: number; label: string } | null;
  /** The per-interval series behind the window, for the chart that shows it. */
  driver: { label: string; unit: string; pick: (p: ArmView['points'][number]) => number | null };
}

export function metricLabel(metric: string): string {
  const m: Record<string, string> = {
    'latencyMs.p50': 'p50 latency',
    'latencyMs.p90': 'p90 latency',
    'latencyMs.p99': 'p99 latency',
    'latencyMs.mean': 'mean latency',
    costUsd: 'cost',
    goodputRps: 'goodput',
    sloViolationMinutes: 'SLO-violation minutes',
    jainFairness: "Jain's fairness",
    instanceHours: 'instance-hours',
    cacheHitRatio: 'cache hit ratio',
  };
  return m[metric] ?? metric;
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'ms' && Math.abs(v) >= 1000) return `${formatNumber(v / 1000)} s`;
  if (unit === 'USD') return `$${formatNumber(v)}`;
  return unit ? `${formatNumber(v)} ${unit}` : formatNumber(v);
}

/** A range in the unit's display scale: `55.5 to 60.5 s`, `$3.45 to $8.54`. */
export function formatRange(lo: number, hi: number, unit: string): string {
  if (unit === 'ms' && Math.max(Math.abs(lo), Math.abs(hi)) >= 1000) {
    return `${formatNumber(lo / 1000)} to ${formatNumber(hi / 1000)} s`;
  }
  if (unit === 'USD') return `$${formatNumber(lo)} to $${formatNumber(hi)}`;
  return `${formatNumber(lo)} to ${formatNumber(hi)}${unit ? ` ${unit}` : ''}`;
}

function driverFor(metric: string): Headline['driver'] {
  if (/^(costUsd|instanceHours)/.test(metric)) {
    return { label: 'cost per interval', unit: 'USD', pick: (p) => p.costUsd };
  }
  return {
    label: 'p99 latency of the worst tier',
    unit: 'ms',
    pick: (p) => {
      const v = Object.values(p.p99ByTier).filter((x): x is number => x !== null);
      return v.length === 0 ? null : Math.max(...v);
    },
  };
}

/** The arm matched the baseline exactly on every seed. */
function identical(c: Comparison): boolean {
  return c.meanDiff === 0 && c.diffCi[0] === 0 && c.diffCi[1] === 0;
}

function pct(c: Comparison): string {
  return c.relativeChangePct === null
    ? ''
    : `${c.relativeChangePct >= 0 ? '+' : ''}${c.relativeChangePct.toFixed(1)}%`;
}

export function headline(data: ReportData): Headline {
  const spec = data.results.spec;
  const metric = spec.metrics[0].name;
  const baseline = spec.baseline;
  const driver = driverFor(metric);
  const comps = data.results.stats.comparisons.filter((c) => c.gridKey === data.gridKey);
  const primary = comps.filter((c) => c.metric === metric);
  const gain = (c: Comparison) => (c.better === 'lower' ? -c.meanDiff : c.meanDiff);
  const wins = primary.filter((c) => c.improved === true).sort((a, b) => gain(b) - gain(a));
  const losses = primary.filter((c) => c.improved === false).map((c) => c.arm);
  const label = metricLabel(metric);
  let text: string;
  let winner: string | null = null;
  let challenger: string | null = null;
  const n = primary[0]?.n ?? 0;
  if (wins.length > 0) {
    const w = wins[0];
    winner = w.arm;
    challenger = w.arm;
    text =
      `${w.arm} wins on ${label}: ${formatValue(w.armMean, w.unit)} against ${formatValue(w.baselineMean, w.unit)} ` +
      `for ${baseline} (${pct(w)}; difference ${formatValue(w.meanDiff, w.unit)}, 95% CI ` +
      `${formatRange(w.diffCi[0], w.diffCi[1], w.unit)}; paired t ${formatP(w.tTest.p)}, ${n} seeds).`;
  } else if (primary.length > 0 && primary.every(identical)) {
    const b = primary[0];
    text = `No difference on ${label}: every arm gave exactly what ${baseline} gave on every seed (${formatValue(b.baselineMean, b.unit)}, ${n} seeds).`;
  } else {
    const best = [...primary].sort((a, b) => gain(b) - gain(a))[0];
    challenger = best?.arm ?? null;
    text = `No arm beat ${baseline} on ${label} significantly (${n} seeds)`;
    text +=
      losses.length > 0
        ? `; ${losses.join(', ')} ${losses.length === 1 ? 'was' : 'were'} significantly worse.`
        : '.';
    if (best && best.improved !== false) {
      text += ` Best nominal: ${best.arm}, ${pct(best)}, not significant (${formatP(best.tTest.p)}).`;
    }
  }
  const details: string[] = [];
  const same = [...new Set(comps.map((c) => c.arm))].filter((arm) =>
    comps.filter((c) => c.arm === arm).every(identical),
  );
  if (same.length > 0) {
    details.push(
      `${same.join(', ')}: identical to ${baseline} on every seed and every metric (the mode changed nothing in this run).`,
    );
  }
  if (challenger) {
    for (const c of comps.filter((x) => x.arm === challenger && x.metric !== metric)) {
      const what = c.significant ? `significantly ${c.improved ? 'better' : 'worse'}` : 'not significant';
      details.push(
        `${metricLabel(c.metric)}: ${formatValue(c.armMean, c.unit)} vs ${formatValue(c.baselineMean, c.unit)} (${pct(c)}, ${what}, ${formatP(c.tTest.p)})`,
      );
    }
  }
  const base = data.arms.find((a) => a.arm === baseline);
  const other = data.arms.find((a) => a.arm === challenger);
  const better = spec.metrics[0].better;
  const window = base && other ? differenceWindow(base, other, driver, better) : null;
  if (window && challenger) {
    // Latency and cost have per-interval series of their own; other metrics (fairness, goodput)
    // are located through the latency series, and the sentence says so.
    const proxy = driver.unit === 'ms' && !/^(latencyMs|ttftMs|sloViolationMinutes)/.test(metric);
    const what = proxy ? `${driver.label} (the per-interval signal closest to ${label})` : driver.label;
    details.unshift(
      `Where: ${Math.round(window.share * 100)}% of the gap in ${what} between ${challenger} and ${baseline} came from minute ${window.from.toFixed(0)} to ${window.to.toFixed(0)} of the run. ${window.label}`,
    );
  }
  return { metric, baseline, winner, challenger, text, details, window, driver };
}

export function differenceWindow(
  base: ArmView,
  other: ArmView,
  driver: Headline['driver'],
  better: 'lower' | 'higher',
): Headline['window'] {
  const otherAt = new Map(other.points.map((p) => [p.t, driver.pick(p)]));
  const rows = base.points.flatMap((p) => {
    const b = driver.pick(p);
    const o = otherAt.get(p.t);
    if (b === null || o === null || o === undefined) return [];
    return [{ t: p.t, b, o, g: better === 'lower' ? b - o : o - b }];
  });
  const positive = rows.reduce((a, r) => a + Math.max(0, r.g), 0);
  if (rows.length === 0 || positive <= 0) return null;
  let best = Number.NEGATIVE_INFINITY;
  let bestFrom = 0;
  let bestTo = 0;
  let sum = 0;
  let from = 0;
  rows.forEach((r, i) => {
    if (sum <= 0) {
      sum = 0;
      from = i;
    }
    sum += r.g;
    if (sum > best) {
      best = sum;
      bestFrom = from;
      bestTo = i;
    }
  });
  // The shortest window holding 80% of the whole positive gap reads better than Kadane's, whose
  // ends drift over long flat stretches of small gains; keep Kadane's when none is shorter.
  const target = 0.8 * positive;
  let shortest: [number, number] | null = null;
  for (let i = 0; i < rows.length; i++) {
    let s = 0;
    for (let j = i; j < rows.length; j++) {
      s += rows[j].g;
      if (s >= target) {
        if (!shortest || j - i < shortest[1] - shortest[0]) shortest = [i, j];
        break;
      }
    }
  }
  if (shortest && shortest[1] - shortest[0] < bestTo - bestFrom) {
    [bestFrom, bestTo] = shortest;
    best = rows.slice(bestFrom, bestTo + 1).reduce((a, r) => a + r.g, 0);
  }
  const slice = rows.slice(bestFrom, bestTo + 1);
  const step = rows.length > 1 ? rows[1].t - rows[0].t : 0;
  const peak = slice.reduce((a, r) => (Math.abs(r.g) > Math.abs(a.g) ? r : a), slice[0]);
  const u = driver.unit;
  return {
    from: slice[0].t,
    to: slice.at(-1)!.t + step,
    share: Math.min(1, best / positive),
    label: `At its peak (minute ${peak.t.toFixed(0)}) ${base.arm} had ${formatValue(peak.b, u)} against ${formatValue(peak.o, u)}.`,
  };
}
