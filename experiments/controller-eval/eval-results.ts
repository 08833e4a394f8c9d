/**
 * The evaluation's results: per case and controller mode, each metric's mean over seeds with a
 * 95% percentile-bootstrap CI (experiments/bootstrap.ts, seeded, 2000 resamples) and the
 * per-seed values, so a reader can recompute anything.
 */
import { bootstrapCi } from '../bootstrap.js';
import type { CaseRuns, ModeName, RunMetrics, TargetResult } from './controller-targets.js';

export interface MetricEstimate {
  mean: number | null;
  ci95: [number, number] | null;
  values: (number | null)[];
}

export interface ModeResult {
  mode: ModeName;
  seeds: number;
  metrics: Record<string, MetricEstimate>;
}

export interface CaseResult {
  name: string;
  scenario: string;
  note: string;
  modes: ModeResult[];
}

export interface EvalResults {
  generatedBy: string;
  seeds: number;
  durationSeconds: number;
  intervalSeconds: number;
  wallSeconds: number;
  cases: CaseResult[];
  targets: TargetResult[];
}

/** The headline metrics first, then the ones the targets need. */
export const HEADLINE_METRICS = ['sloViolationMinutes', 'costUsd', 'goodputRps', 'jainFairness'] as const;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Reads one run summary (CONTRACTS.md) into the metrics the evaluation reports. */
export function metricsOf(summary: Record<string, unknown>, victims: readonly string[]): RunMetrics {
  const premium = rec(rec(summary.byTier).premium);
  const seconds = num(summary.simulatedSeconds) ?? 0;
  const premiumRequests = num(premium.requests) ?? 0;
  const premiumGood = num(premium.goodputRps);
  const victimP99Ms: Record<string, number> = {};
  for (const v of victims) {
    const p99 = num(rec(rec(rec(summary.byTenant)[v]).latencyMs).p99);
    if (p99 !== null) victimP99Ms[v] = p99;
  }
  return {
    sloViolationMinutes: num(summary.sloViolationMinutes) ?? 0,
    costUsd: num(summary.costUsd) ?? 0,
    goodputRps: num(summary.goodputRps) ?? 0,
    jainFairness: num(summary.jainFairness),
    premiumSloAttainment:
      premiumRequests > 0 && premiumGood !== null ? (premiumGood * seconds) / premiumRequests : null,
    victimP99Ms,
  };
}

export function estimate(values: readonly (number | null)[]): MetricEstimate {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return { mean: null, ci95: null, values: [...values] };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const [lo, hi] = bootstrapCi(xs);
  return { mean, ci95: [lo, hi], values: [...values] };
}

export function summariseCase(
  name: string,
  scenario: string,
  note: string,
  runs: CaseRuns,
  modes: readonly ModeName[],
): CaseResult {
  const out: ModeResult[] = [];
  for (const mode of modes) {
    const list = runs[mode] ?? [];
    const metrics: Record<string, MetricEstimate> = {};
    for (const m of HEADLINE_METRICS) metrics[m] = estimate(list.map((r) => r[m]));
    if (list.some((r) => r.premiumSloAttainment !== null))
      metrics.premiumSloAttainment = estimate(list.map((r) => r.premiumSloAttainment));
    const victims = new Set(list.flatMap((r) => Object.keys(r.victimP99Ms)));
    for (const v of [...victims].sort())
      metrics[`p99Ms.${v}`] = estimate(list.map((r) => r.victimP99Ms[v] ?? null));
    out.push({ mode, seeds: list.length, metrics });
  }
  return { name, scenario, note, modes: out };
}
