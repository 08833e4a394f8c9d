/**
 * The run summary JSON of CONTRACTS.md, with the definitions used here:
 *
 *   goodputRps          completed within their tier's SLO / simulated seconds
 *   sloViolationMinutes minutes with any tier's p99 > its SLO or (failed + timedOut) / answered > 1%
 *   costUsd             sum over self-hosted pools of instance-hours x price + API token charges
 *                       (cache pre-warm calls' included; `prewarm` has their share)
 *   jainFairness        J = (sum x)^2 / (n * sum x^2), x_t = (completed_t / completed) /
 *                       (entitlement_t / sum of entitlements), over tenants that sent requests
 *   instanceHours       sum over self-hosted instances of hours provisioned (cold start included)
 *   littlesLaw          L (time-average number in system) beside lambda * W (arrival rate x mean
 *                       time in system of departed requests): the check the tests make
 *
 * Percentiles come from LatencyHistogram (DDSketch) with 1% relative error (percentileMethod).
 */
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { FaultLogEntry } from './backends/fault-schedule.js';
import type { UpstreamPool } from './backends/upstream.js';
import type { PrewarmSummary } from './cache/cache-prewarmer.js';
import type { OutcomeSummary } from './kernel/outcome-stats.js';
import type { RunStats } from './run-stats.js';
import type { Autoscaler } from './scaling/autoscaler.js';
import type { Scenario } from './scenario/scenario.js';

export interface RolloutRecord {
  atS: number;
  change: string;
  verdict: string;
  statistic: number | null;
  pValue: number | null;
  promoted: boolean;
}

export interface RunSummary extends Omit<OutcomeSummary, 'cacheHits'> {
  scenario: string;
  policy: string;
  seed: number;
  simulatedSeconds: number;
  wallSeconds: number | null;
  sloViolationMinutes: number;
  cacheHitRatio: number | null;
  jainFairness: number | null;
  instanceHours: number | null;
  byTier: Record<string, OutcomeSummary>;
  byTenant: Record<string, OutcomeSummary>;
  byModel: Record<string, OutcomeSummary>;
  rollouts: RolloutRecord[];
  faults: FaultLogEntry[];
  scaling: Record<string, { finalInstances: number; scaleUps: number; scaleDowns: number }>;
  percentileMethod: string;
  littlesLaw: { L: number | null; lambdaW: number | null; lambdaPerS: number; meanSojournMs: number | null };
  queueing: { queuedShare: number | null; meanWaitMs: number | null };
  peakRssMb: number;
  /** The gateway's cache pre-warm calls (only in runs that could pre-warm): not client requests. */
  prewarm?: PrewarmSummary;
}

export function jainIndex(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  let s2 = 0;
  for (const x of xs) {
    s += x;
    s2 += x * x;
  }
  return s2 === 0 ? null : (s * s) / (xs.length * s2);
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function buildSummary(input: {
  scenario: Scenario;
  policyName: string;
  seed: number;
  durationMs: number;
  wallSeconds: number | null;
  stats: RunStats;
  pools: ReadonlyMap<string, UpstreamPool>;
  policy: PolicyDocument;
  cache: { hits: number; lookups: number };
  faults: FaultLogEntry[];
  autoscalers: ReadonlyMap<string, Autoscaler>;
  prewarm?: PrewarmSummary | null;
}): RunSummary {
  const { stats, durationMs, pools, policy } = input;
  const seconds = durationMs / 1000;
  let instanceHours = 0;
  let hardware = 0;
  let selfHosted = false;
  for (const p of pools.values()) {
    if (p.kind !== 'llm') continue;
    selfHosted = true;
    instanceHours += p.instanceHours(durationMs);
    hardware += p.hardwareCostUsd(durationMs);
  }
  const { total, byTier, byTenant, byModel } = stats.breakdowns();
  const tenants = byTenant.entries().filter(([, s]) => s.requests > 0);
  const totalCompleted = tenants.reduce((a, [, s]) => a + s.completed, 0);
  const entitlement = (t: string) => policy.tenants[t]?.entitlement ?? 1;
  const totalEntitled = tenants.reduce((a, [t]) => a + entitlement(t), 0);
  const xs = tenants.map(([t, s]) => s.completed / totalCompleted / (entitlement(t) / totalEntitled));
  const base = total.toJSON(seconds);
  const L = stats.inSystem.average(durationMs);
  const lambda = stats.arrivals / seconds;
  const W = stats.departures > 0 ? stats.sojournMs / stats.departures : null;
  const scaling: RunSummary['scaling'] = {};
  for (const [name, a] of input.autoscalers)
    scaling[name] = {
      finalInstances: a.actuator.current,
      scaleUps: a.actuator.actions.up,
      scaleDowns: a.actuator.actions.down,
    };
  const { cacheHits: _hits, ...counters } = base;
  return {
    scenario: input.scenario.name,
    policy: input.policyName,
    seed: input.seed,
    simulatedSeconds: seconds,
    wallSeconds: input.wallSeconds === null ? null : Math.round(input.wallSeconds * 1000) / 1000,
    ...counters,
    sloViolationMinutes: stats.slo.violations,
    costUsd: r6(hardware + stats.apiCostUsd + (input.prewarm?.costUsd ?? 0)),
    cacheHitRatio: input.cache.lookups > 0 ? r6(input.cache.hits / input.cache.lookups) : null,
    jainFairness:
      tenants.length >= 2 && totalCompleted > 0
        ? (() => {
            const j = jainIndex(xs);
            return j === null ? null : r6(j);
          })()
        : null,
    instanceHours: selfHosted ? r6(instanceHours) : null,
    byTier: byTier.toJSON(seconds),
    byTenant: byTenant.toJSON(seconds),
    byModel: byModel.toJSON(seconds),
    rollouts: [],
    faults: input.faults,
    scaling,
    percentileMethod: 'DDSketch-style LatencyHistogram (gateway-core/histogram.ts), relative error 1%',
    littlesLaw: {
      L: L === null ? null : r6(L),
      lambdaW: W === null ? null : r6((lambda * W) / 1000),
      lambdaPerS: r6(lambda),
      meanSojournMs: W === null ? null : r6(W),
    },
    queueing: {
      queuedShare: stats.arrivals > 0 ? r6(stats.queued / stats.arrivals) : null,
      meanWaitMs: stats.departures > 0 ? r6(stats.waitMs / stats.departures) : null,
    },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(input.prewarm ? { prewarm: input.prewarm } : {}),
  };
}
