/**
 * ModelShareSteering: the adaptive controller's cost lever. For every routing rule that sends
 * a `share` of its traffic to a cheaper model, it learns from telemetry
 *
 *   - the traffic the rule matches and the target model's other traffic (Holt, per interval),
 *   - the target model's ceiling: its pools' declared quotas (`backends.B.quota.rpm`), lowered
 *     by what pushback teaches (CapacityCeiling: the load at its last refusals), and the most
 *     it served cleanly,
 *   - each tenant's budget runway (BudgetRunway), so a tenant whose budget downgrades it onto
 *     the target within `lookaheadMs` is counted there before it arrives,
 *
 * and proposes the share (tuneModelShare). Rules without a `share` are the operator's fixed
 * choices and are never touched. Only rules whose target is cheaper than every model they
 * match are steered: the lever is cost.
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { BudgetSpec, PolicyDocument, RoutingRule } from '../gateway-core/policy/schema.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import { CapacityCeiling, type CapacityCeilingOptions } from './forecast/capacity-ceiling.js';
import { HoltForecaster } from './forecast/holt-forecaster.js';
import type { DemandForecaster } from './interfaces.js';
import { type BackendOf, backendResolver } from './telemetry-view.js';
import { BudgetRunway } from './tuners/budget-runway.js';
import {
  type ModelShareDecision,
  type ModelShareOptions,
  tuneModelShare,
} from './tuners/model-share-tuner.js';

export interface ModelShareSteeringOptions extends ModelShareOptions {
  /** How far ahead a budget downgrade onto the target is counted in (default 3 minutes). */
  lookaheadMs: number;
  ceiling: Partial<CapacityCeilingOptions>;
}

export interface ShareProposal extends ModelShareDecision {
  rule: number;
  from: number;
  target: string;
  /** Tenants whose traffic the rule can move. */
  tenants: string[];
  evidence: Record<string, number | string | null>;
}

/** A rule the steering may tune: it has a share and routes to a strictly cheaper model. */
function steerable(doc: PolicyDocument, rule: RoutingRule): string | null {
  if (rule.share === undefined || rule.model === undefined || rule.backends !== undefined) return null;
  const target = doc.models[rule.model];
  if (!target) return null;
  const price = (m: { inputPricePerMTok: number; outputPricePerMTok: number }) =>
    m.inputPricePerMTok + m.outputPricePerMTok;
  const from = rule.when.model ?? Object.keys(doc.models).filter((m) => m !== rule.model);
  for (const m of from) {
    const spec = doc.models[m];
    if (m !== rule.model && spec && price(spec) <= price(target)) return null;
  }
  return rule.model;
}

/**
 * Requests/s the target's pools may take by their declared quotas (`backends.B.quota.rpm`),
 * or null when any pool declares none (then only pushback teaches the ceiling).
 */
function declaredRps(doc: PolicyDocument, target: string): number | null {
  let total = 0;
  for (const b of doc.models[target]?.backends ?? []) {
    const rpm = doc.backends[b]?.quota?.rpm;
    if (rpm === undefined) return null;
    total += rpm / 60;
  }
  return total > 0 ? total : null;
}

/** Telemetry names the requested model; what a rule matches is decided on that. */
function matches(rule: RoutingRule, r: IntervalRecord): boolean {
  const w = rule.when;
  if (w.tenant && !w.tenant.includes(r.tenant)) return false;
  if (w.tier && !w.tier.includes(r.tier)) return false;
  if (w.model && !w.model.includes(r.model)) return false;
  return true;
}

/**
 * Whether a record is work served by the target model's pools. Records name the requested
 * model and the instance that served, so the target's load is read from its pools' instances.
 */
function onTarget(doc: PolicyDocument, target: string, backendOf: BackendOf): (r: IntervalRecord) => boolean {
  const pools = new Set(doc.models[target]?.backends ?? []);
  return (r) => {
    const b = backendOf(r.instance);
    return b !== null && pools.has(b);
  };
}

export class ModelShareSteering {
  private readonly o: Partial<ModelShareSteeringOptions>;
  private readonly forecasters = new Map<string, DemandForecaster>();
  private readonly ceilings = new Map<string, CapacityCeiling>();
  private readonly runway: BudgetRunway;

  constructor(
    private readonly intervalMs: number,
    options: Partial<ModelShareSteeringOptions> = {},
  ) {
    this.o = options;
    this.runway = new BudgetRunway(intervalMs);
  }

  private forecaster(name: string): DemandForecaster {
    let f = this.forecasters.get(name);
    if (!f) {
      // Smoother than the per-tenant default: the share is planned on the level of the load,
      // and a level that followed every 10-second swing planned some intervals over the quota.
      f = new HoltForecaster({ alpha: 0.2, beta: 0.05 });
      this.forecasters.set(name, f);
    }
    return f;
  }

  private ceiling(model: string): CapacityCeiling {
    let c = this.ceilings.get(model);
    if (!c) {
      c = new CapacityCeiling(this.o.ceiling);
      this.ceilings.set(model, c);
    }
    return c;
  }

  /** One closed interval's records (all arms). */
  observe(start: number, records: readonly IntervalRecord[], doc: PolicyDocument): void {
    const seconds = this.intervalMs / 1000;
    const budgets = new Map<string, BudgetSpec>();
    for (const [t, spec] of Object.entries(doc.tenants)) if (spec.budget) budgets.set(t, spec.budget);
    if (budgets.size > 0) {
      const cost = new Map<string, number>();
      for (const r of records) cost.set(r.tenant, (cost.get(r.tenant) ?? 0) + r.costUsd);
      this.runway.observe(start, cost, budgets);
    }
    const rules = doc.routing?.rules ?? [];
    const backendOf = backendResolver(doc);
    const targets = new Set<string>();
    rules.forEach((rule, i) => {
      const target = steerable(doc, rule);
      if (target === null) return;
      targets.add(target);
      const served = onTarget(doc, target, backendOf);
      let matching = 0;
      let other = 0;
      for (const r of records) {
        if (matches(rule, r)) matching += r.arrived;
        else if (served(r)) other += r.completed + r.failed + r.timedOut;
      }
      this.forecaster(`rule:${i}:matching`).update(start, matching / seconds);
      this.forecaster(`rule:${i}:other`).update(start, other / seconds);
    });
    for (const target of targets) {
      const served = onTarget(doc, target, backendOf);
      let ended = 0;
      let bad = 0;
      let completed = 0;
      let latencyMs = 0;
      let outputTokens = 0;
      for (const r of records) {
        if (!served(r)) continue;
        ended += r.completed + r.failed + r.timedOut;
        bad += r.failed + r.timedOut;
        completed += r.completed;
        if (r.latencyMs.mean !== null) latencyMs += r.latencyMs.mean * r.completed;
        outputTokens += r.outputTokens;
      }
      this.ceiling(target).observe(start, {
        servedRps: completed / seconds,
        ended,
        bad,
        latencyMs,
        outputTokens,
      });
    }
  }

  /**
   * The share each steerable rule should have now. `recent`: the last few intervals' records;
   * `tenantDemand`: a tenant's forecast requests/s (p50; for expected downgrades).
   */
  propose(
    now: number,
    doc: PolicyDocument,
    recent: readonly IntervalRecord[],
    tenantDemand: (tenant: string) => number,
  ): ShareProposal[] {
    const out: ShareProposal[] = [];
    const lookahead = this.o.lookaheadMs ?? 180_000;
    const backendOf = backendResolver(doc);
    (doc.routing?.rules ?? []).forEach((rule, i) => {
      const target = steerable(doc, rule);
      if (target === null || rule.share === undefined) return;
      const served = onTarget(doc, target, backendOf);
      let ended = 0;
      let bad = 0;
      const byTier = new Map<string, LatencyHistogram>();
      for (const r of recent) {
        if (!served(r)) continue;
        ended += r.completed + r.failed + r.timedOut;
        bad += r.failed + r.timedOut;
        if (r.latencyHistogram.count === 0) continue;
        const h = LatencyHistogram.fromJSON(r.latencyHistogram);
        const into = byTier.get(r.tier);
        if (into) into.merge(h);
        else byTier.set(r.tier, h);
      }
      let pressure: number | null = null;
      for (const [tier, h] of byTier) {
        const slo = doc.tiers[tier]?.sloMs;
        const p99 = h.quantile(0.99);
        if (slo !== undefined && p99 !== null) pressure = Math.max(pressure ?? 0, p99 / slo);
      }
      let downgrades = 0;
      let landed = 0;
      for (const [tenant, spec] of Object.entries(doc.tenants)) {
        const b = spec.budget;
        if (b?.action !== 'downgrade' || b.downgradeTo !== target) continue;
        const runway = this.runway.runwayMs(tenant, b, now);
        if (runway > 0 && runway <= lookahead) downgrades += tenantDemand(tenant);
        // Exhausted: its traffic is on the target, in `other` once the smoothed level has
        // caught up; until then it is counted from its own forecast.
        else if (runway === 0) landed += tenantDemand(tenant);
      }
      // Planned on the p50: the margin and the pushback signal cover the bursts (a p90 on top
      // of them planned the quota half empty).
      const matchingRps = this.forecaster(`rule:${i}:matching`).forecast(1).p50;
      const otherRps = Math.max(this.forecaster(`rule:${i}:other`).forecast(1).p50, landed);
      const ceiling = this.ceiling(target);
      const declared = declaredRps(doc, target);
      const capacityRps =
        declared === null ? ceiling.rps : ceiling.rps === null ? declared : Math.min(declared, ceiling.rps);
      const decision = tuneModelShare(
        {
          share: rule.share,
          matchingRps,
          otherRps,
          otherSoonRps: otherRps + downgrades,
          capacityRps,
          cleanRps: ceiling.cleanRps,
          trouble: ceiling.trouble,
          pressure,
        },
        this.o,
      );
      out.push({
        ...decision,
        rule: i,
        from: rule.share,
        target,
        tenants: Object.entries(doc.tenants)
          .filter(
            ([t, spec]) =>
              (rule.when.tenant?.includes(t) ?? true) && (rule.when.tier?.includes(spec.tier) ?? true),
          )
          .map(([t]) => t),
        evidence: {
          matchingRps,
          otherRps,
          expectedDowngradeRps: downgrades,
          capacityRps,
          declaredRps: declared,
          cleanRps: ceiling.cleanRps,
          failureRate: ended > 0 ? bad / ended : 0,
          trouble: ceiling.trouble ? 'yes' : 'no',
          pacePerToken: ceiling.baseline,
          pressure,
        },
      });
    });
    return out;
  }
}
