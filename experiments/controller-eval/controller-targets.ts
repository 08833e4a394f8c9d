/**
 * The adaptive controller's targets (issue 6, "It must show"), judged on per-seed run metrics:
 *
 *   flash-sale    adaptive SLO-violation minutes <= 0.7 x the best baseline's (the baseline
 *                 with the fewest, ties to the cheaper), and adaptive cost <= that baseline's
 *   cost-overrun  adaptive cost <= 0.75 x static's, premium SLO attainment >= static's
 *   multi-tenant  each victim tenant's p99 under adaptive <= 1.1 x its p99 in the same mode
 *                 with the noisy neighbour switched off
 *
 * Means over seeds are compared (the table beside them carries the 95% CIs).
 */

export type ModeName = 'static' | 'reactive' | 'gradient2' | 'adaptive';
export const BASELINES: readonly ModeName[] = ['static', 'reactive', 'gradient2'];

/** Metrics of one run, as the targets need them. */
export interface RunMetrics {
  sloViolationMinutes: number;
  costUsd: number;
  goodputRps: number;
  jainFairness: number | null;
  /** Share of the premium tier's requests completed within its SLO (cost-overrun). */
  premiumSloAttainment: number | null;
  /** p99 latency (ms) per victim tenant (multi-tenant). */
  victimP99Ms: Record<string, number>;
}

/** Per case, per mode, the runs' metrics in seed order. */
export type CaseRuns = Partial<Record<ModeName, RunMetrics[]>>;

export interface TargetResult {
  target: string;
  pass: boolean;
  detail: string;
}

const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (v: number, d = 2): string => v.toFixed(d);

function need(runs: CaseRuns, mode: ModeName, label: string): RunMetrics[] {
  const r = runs[mode];
  if (r === undefined || r.length === 0) throw new RangeError(`${label}: no ${mode} runs`);
  return r;
}

export function flashSaleTarget(runs: CaseRuns): TargetResult {
  const adaptive = need(runs, 'adaptive', 'flash-sale');
  const slo = meanOf(adaptive.map((r) => r.sloViolationMinutes));
  const cost = meanOf(adaptive.map((r) => r.costUsd));
  const ranked = BASELINES.map((m) => {
    const r = need(runs, m, 'flash-sale');
    return {
      mode: m,
      slo: meanOf(r.map((x) => x.sloViolationMinutes)),
      cost: meanOf(r.map((x) => x.costUsd)),
    };
  }).sort((a, b) => a.slo - b.slo || a.cost - b.cost);
  const best = ranked[0];
  const reduction = best.slo > 0 ? 1 - slo / best.slo : slo === 0 ? 0 : -Infinity;
  const pass = slo <= 0.7 * best.slo && cost <= best.cost && !(best.slo === 0 && slo > 0);
  return {
    target: 'flash-sale: >= 30% fewer SLO-violation minutes than the best baseline at no more cost',
    pass,
    detail:
      `adaptive ${fmt(slo)} min, $${fmt(cost)}; best baseline ${best.mode} ${fmt(best.slo)} min, $${fmt(best.cost)}; ` +
      `reduction ${Number.isFinite(reduction) ? `${fmt(100 * reduction, 1)}%` : 'n/a'}, cost ${fmt((100 * (cost - best.cost)) / best.cost, 1)}%`,
  };
}

export function costOverrunTarget(runs: CaseRuns): TargetResult {
  const adaptive = need(runs, 'adaptive', 'cost-overrun');
  const base = need(runs, 'static', 'cost-overrun');
  const cost = meanOf(adaptive.map((r) => r.costUsd));
  const baseCost = meanOf(base.map((r) => r.costUsd));
  const att = meanOf(adaptive.map((r) => r.premiumSloAttainment ?? 0));
  const baseAtt = meanOf(base.map((r) => r.premiumSloAttainment ?? 0));
  const cut = 1 - cost / baseCost;
  return {
    target: 'cost-overrun: >= 25% lower cost than static, premium SLO attainment no worse',
    pass: cut >= 0.25 && att >= baseAtt,
    detail:
      `adaptive $${fmt(cost)} vs static $${fmt(baseCost)} (${fmt(100 * cut, 1)}% lower); ` +
      `premium attainment ${fmt(100 * att, 2)}% vs ${fmt(100 * baseAtt, 2)}%`,
  };
}

export function multiTenantTarget(withNeighbour: CaseRuns, without: CaseRuns): TargetResult {
  const noisy = need(withNeighbour, 'adaptive', 'multi-tenant');
  const quiet = need(without, 'adaptive', 'multi-tenant (no neighbour)');
  const victims = Object.keys(quiet[0].victimP99Ms).sort();
  const parts: string[] = [];
  let pass = victims.length > 0;
  for (const v of victims) {
    const a = meanOf(noisy.map((r) => r.victimP99Ms[v]));
    const b = meanOf(quiet.map((r) => r.victimP99Ms[v]));
    const ratio = a / b;
    if (!(ratio <= 1.1)) pass = false;
    parts.push(`${v} p99 ${fmt(a / 1000)} s vs ${fmt(b / 1000)} s (${fmt(100 * (ratio - 1), 1)}%)`);
  }
  return {
    target: "multi-tenant: victims' p99 within 10% of a run without the noisy neighbour",
    pass,
    detail: `adaptive: ${parts.join('; ')}`,
  };
}
