/**
 * A run summary (CONTRACTS.md) computed from a run's telemetry interval records: counters are
 * sums, percentiles come from the merged DDSketch histograms (1% relative error), and
 *
 *   goodputRps          = sum(withinSlo) / simulated seconds
 *   sloViolationMinutes = #minutes where some tier's p99 > its SLO or (failed + timedOut) / arrived > 1%
 *   jainFairness        = (sum x)^2 / (n sum x^2),  x_t = served share_t / entitled share_t
 *   instanceHours       = sum over intervals and pools of instances x interval hours
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import type { Breakdown, Percentiles, Rollout, RunSummary } from './run-summary.js';

export interface SummaryContext {
  scenario: string;
  policy: string;
  seed: number;
  durationSeconds: number;
  sloMsByTier: Record<string, number>;
  /** Entitled share per tenant (default 1 each). */
  entitledShare: Record<string, number>;
  rollouts: Rollout[];
  wallSeconds?: number;
}

class Tally {
  requests = 0;
  completed = 0;
  rejected = 0;
  failed = 0;
  timedOut = 0;
  costUsd = 0;
  input = 0;
  output = 0;
  readonly hist = new LatencyHistogram();

  add(r: IntervalRecord, h: LatencyHistogram): void {
    this.requests += r.arrived;
    this.completed += r.completed;
    this.rejected += r.rejected;
    this.failed += r.failed;
    this.timedOut += r.timedOut;
    this.costUsd += r.costUsd;
    this.input += r.inputTokens;
    this.output += r.outputTokens;
    this.hist.merge(h);
  }

  percentiles(): Percentiles {
    const h = this.hist;
    return { p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99), mean: h.mean() };
  }

  breakdown(): Breakdown {
    return {
      requests: this.requests,
      completed: this.completed,
      rejected: this.rejected,
      failed: this.failed,
      timedOut: this.timedOut,
      latencyMs: this.percentiles(),
      costUsd: this.costUsd,
      tokens: { input: this.input, output: this.output },
    };
  }
}

function tallyBy(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) {
    t = new Tally();
    map.set(key, t);
  }
  return t;
}

export function summariseIntervals(records: readonly IntervalRecord[], ctx: SummaryContext): RunSummary {
  const total = new Tally();
  const byTier = new Map<string, Tally>();
  const byTenant = new Map<string, Tally>();
  const byModel = new Map<string, Tally>();
  const minutes = new Map<number, Map<string, Tally>>();
  const poolInstances = new Map<string, { instances: number; ms: number }>();
  let withinSlo = 0;
  let cacheHits = 0;
  let cacheLookups = 0;
  for (const r of records) {
    const h = LatencyHistogram.fromJSON(r.latencyHistogram);
    total.add(r, h);
    tallyBy(byTier, r.tier).add(r, h);
    tallyBy(byTenant, r.tenant).add(r, h);
    tallyBy(byModel, r.model).add(r, h);
    const minute = Math.floor(r.start / 60000);
    const m = minutes.get(minute) ?? new Map<string, Tally>();
    minutes.set(minute, m);
    tallyBy(m, r.tier).add(r, h);
    withinSlo += r.withinSlo;
    cacheHits += r.cacheHits;
    cacheLookups += r.cacheLookups;
    if (r.instances !== null) {
      // One value per pool and interval, however many tenants' records repeat it.
      const k = `${r.model}@${r.start}`;
      const prev = poolInstances.get(k);
      if (!prev || prev.instances < r.instances)
        poolInstances.set(k, { instances: r.instances, ms: r.intervalMs });
    }
  }
  let sloViolationMinutes = 0;
  for (const tiers of minutes.values()) {
    const violated = [...tiers].some(([tier, t]) => {
      const p99 = t.hist.quantile(0.99);
      const slo = ctx.sloMsByTier[tier];
      const errorRate = t.requests > 0 ? (t.failed + t.timedOut) / t.requests : 0;
      return (slo !== undefined && p99 !== null && p99 > slo) || errorRate > 0.01;
    });
    if (violated) sloViolationMinutes++;
  }
  return {
    scenario: ctx.scenario,
    policy: ctx.policy,
    seed: ctx.seed,
    simulatedSeconds: ctx.durationSeconds,
    wallSeconds: ctx.wallSeconds ?? 0,
    requests: total.requests,
    completed: total.completed,
    rejected: total.rejected,
    failed: total.failed,
    timedOut: total.timedOut,
    latencyMs: total.percentiles(),
    ttftMs: null,
    goodputRps: withinSlo / ctx.durationSeconds,
    sloViolationMinutes,
    costUsd: total.costUsd,
    tokens: { input: total.input, output: total.output },
    cacheHitRatio: cacheLookups > 0 ? cacheHits / cacheLookups : null,
    jainFairness: jainFairness(byTenant, ctx.entitledShare),
    instanceHours:
      poolInstances.size === 0
        ? null
        : [...poolInstances.values()].reduce((a, p) => a + (p.instances * p.ms) / 3.6e6, 0),
    byTier: breakdowns(byTier),
    byTenant: breakdowns(byTenant),
    byModel: breakdowns(byModel),
    rollouts: ctx.rollouts,
  };
}

function breakdowns(map: Map<string, Tally>): Record<string, Breakdown> {
  return Object.fromEntries(
    [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => [k, t.breakdown()]),
  );
}

/** Jain's index over tenants' served share divided by their entitled share; null with < 1 tenant served. */
export function jainFairness(byTenant: Map<string, Tally>, entitled: Record<string, number>): number | null {
  const served = [...byTenant].map(([k, t]) => ({ served: t.completed, entitled: entitled[k] ?? 1 }));
  const totalServed = served.reduce((a, s) => a + s.served, 0);
  const totalEntitled = served.reduce((a, s) => a + s.entitled, 0);
  if (served.length === 0 || totalServed === 0) return null;
  const x = served.map((s) => s.served / totalServed / (s.entitled / totalEntitled));
  const sum = x.reduce((a, b) => a + b, 0);
  const sumSq = x.reduce((a, b) => a + b * b, 0);
  return (sum * sum) / (x.length * sumSq);
}
