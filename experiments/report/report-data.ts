/**
 * What the report draws, per arm: the time series averaged over seeds interval by interval
 * (seeds are paired, so interval t of every seed is the same simulated moment), the latency CDF
 * averaged quantile by quantile, controller signals, and cost and fairness per seed. Time
 * charts show one grid point (the first), the results table shows them all.
 */
import { mean } from 'simple-statistics';
import type { RolloutMarker, RunSeries } from '../run-series.js';
import type { StoredRun } from '../run-store.js';
import { RunStore } from '../run-store.js';
import type { RunSummary } from '../run-summary.js';
import { type ExperimentResults, readResults } from '../results.js';
import { armColors } from './chart-frame.js';

export interface ArmPoint {
  /** Minutes since the start. */
  t: number;
  arrivalRps: number;
  queueDepthMean: number;
  queueDepthMax: number;
  instances: number | null;
  costUsd: number;
  p50ByTier: Record<string, number | null>;
  p99ByTier: Record<string, number | null>;
}

export interface ArmView {
  arm: string;
  color: string;
  seeds: number[];
  points: ArmPoint[];
  forecast: { t: number; mean: number; p10: number; p90: number }[];
  scaleAhead: { t: number; target: number }[];
  rateLimits: Map<string, { t: number; value: number }[]>;
  queueWeights: Map<string, { t: number; value: number }[]>;
  /** Rollout markers of the first seed (each seed has its own; one is enough to read). */
  rollouts: RolloutMarker[];
  cdf: { ms: number; p: number }[];
  summaries: RunSummary[];
}

export interface ReportData {
  results: ExperimentResults;
  gridKey: string;
  arms: ArmView[];
  tiers: string[];
  tenants: string[];
  models: string[];
}

const avg = (values: readonly (number | null)[]): number | null => {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === 0 ? null : mean(v);
};

function byTime<T extends { t: number }>(lists: readonly (readonly T[])[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const list of lists) for (const p of list) m.set(p.t, [...(m.get(p.t) ?? []), p]);
  return new Map([...m].sort(([a], [b]) => a - b));
}

function averageKeyed(series: readonly RunSeries[], pick: (s: RunSeries) => RunSeries['rateLimits']) {
  const keys = new Map<string, { t: number; value: number }[]>();
  for (const s of series)
    for (const p of pick(s)) keys.set(p.key, [...(keys.get(p.key) ?? []), { t: p.t, value: p.value }]);
  const out = new Map<string, { t: number; value: number }[]>();
  for (const [k, pts] of [...keys].sort(([a], [b]) => a.localeCompare(b))) {
    out.set(
      k,
      [...byTime([pts])].map(([t, v]) => ({ t: t / 60, value: mean(v.map((x) => x.value)) })),
    );
  }
  return out;
}

export function armView(
  arm: string,
  color: string,
  runs: readonly StoredRun[],
  tiers: readonly string[],
): ArmView {
  const series = runs.map((r) => r.output.series);
  const points: ArmPoint[] = [];
  for (const [t, ps] of byTime(series.map((s) => s.points))) {
    const tier = (f: 'p50' | 'p99') =>
      Object.fromEntries(tiers.map((k) => [k, avg(ps.map((p) => p.latencyByTier[k]?.[f] ?? null))]));
    points.push({
      t: t / 60,
      arrivalRps: mean(ps.map((p) => p.arrivalRps)),
      queueDepthMean: mean(ps.map((p) => p.queueDepthMean)),
      queueDepthMax: mean(ps.map((p) => p.queueDepthMax)),
      instances: avg(ps.map((p) => p.instances)),
      costUsd: mean(ps.map((p) => p.costUsd)),
      p50ByTier: tier('p50'),
      p99ByTier: tier('p99'),
    });
  }
  const forecast = [...byTime(series.map((s) => s.forecast))].map(([t, f]) => ({
    t: t / 60,
    mean: mean(f.map((x) => x.mean)),
    p10: mean(f.map((x) => x.p10)),
    p90: mean(f.map((x) => x.p90)),
  }));
  const scaleAhead = [...byTime(series.map((s) => s.scaleAhead))].map(([t, f]) => ({
    t: t / 60,
    target: mean(f.map((x) => x.target)),
  }));
  const quantiles = new Map<number, number[]>();
  for (const s of series)
    for (const c of s.latencyCdf) quantiles.set(c.p, [...(quantiles.get(c.p) ?? []), c.ms]);
  return {
    arm,
    color,
    seeds: runs.map((r) => r.request.seed),
    points,
    forecast,
    scaleAhead,
    rateLimits: averageKeyed(series, (s) => s.rateLimits),
    queueWeights: averageKeyed(series, (s) => s.queueWeights),
    rollouts: (series[0]?.rollouts ?? []).map((m) => ({ ...m, t: m.t / 60 })),
    cdf: [...quantiles].sort(([a], [b]) => a - b).map(([p, ms]) => ({ p, ms: mean(ms) })),
    summaries: runs.map((r) => r.output.summary),
  };
}

export function reportDataFrom(
  results: ExperimentResults,
  stored: ReadonlyMap<string, StoredRun>,
): ReportData {
  const gridKey = results.runs[0]?.gridKey ?? '-';
  const armNames = results.spec.arms.map((a) => a.name);
  const colors = armColors(armNames, results.spec.baseline);
  const runsOf = (arm: string) =>
    results.runs
      .filter((r) => r.arm === arm && r.gridKey === gridKey)
      .sort((a, b) => a.seed - b.seed)
      .map((r) => stored.get(r.key))
      .filter((r): r is StoredRun => r !== undefined);
  const all = [...stored.values()];
  const keysOf = (pick: (s: RunSummary) => Record<string, unknown>) =>
    [...new Set(all.flatMap((r) => Object.keys(pick(r.output.summary) ?? {})))].sort();
  const tierSet = new Set<string>();
  for (const r of all)
    for (const p of r.output.series.points) for (const k of Object.keys(p.latencyByTier)) tierSet.add(k);
  const tiers = [...tierSet];
  return {
    results,
    gridKey,
    arms: armNames.map((a) => armView(a, colors.get(a)!, runsOf(a), tiers)),
    tiers,
    tenants: keysOf((s) => s.byTenant),
    models: keysOf((s) => s.byModel),
  };
}

export function loadReportData(outDir: string): ReportData {
  const results = readResults(outDir);
  const store = new RunStore(outDir);
  const stored = new Map<string, StoredRun>();
  for (const r of results.runs)
    if (!stored.has(r.key) && store.has(r.key)) stored.set(r.key, store.read(r.key));
  return reportDataFrom(results, stored);
}
