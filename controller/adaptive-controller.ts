/**
 * `adaptive`: the learning controller. Each control interval:
 *
 *   telemetry (new closed intervals) -> forecasters per tenant and per backend (online, one
 *   point per interval) and abuse scores (surprise above the p90 forecast, for a tenant above its
 *   entitled share; with hysteresis, released only once back within its share) -> if no canary is running: tuners (rate limits by weighted
 *   max-min, WFQ weights from SLO slack) -> guardrails -> one candidate policy -> rollout manager
 *   (canary, judge, promote or roll back); while a canary runs, only the judge acts.
 *   Alongside, not canaried (capacity cannot be split by percent): scale-ahead from the p90
 *   forecast at the provisioning horizon (scale-down held to the largest recommendation of the
 *   last `scaleDownWindow` intervals), a scale-down override that lets the pool's own scaler
 *   shrink past its stabilisation window when no surge is on and nothing queues, the decode-batch
 *   cap per instance from the tightest tier's SLO slack (batch-cap-tuner.ts; lifted as soon as
 *   work queues), and cache pre-warming when a key-count source is given.
 *   Per-instance capacity is learnt from each pool's telemetry (ServiceCapacityEstimator,
 *   Little's law), the configured perInstanceRps being only the prior.
 *
 * Rate limits are proposed only where they bind: for tenants that already have one, for a
 * flagged tenant, or when forecast demand exceeds capacity; otherwise a new limit would only
 * add risk.
 */
import type { PolicyDocument } from '../gateway-core/policy/schema.js';
import type { Actuator, ControllerMode } from './controller-mode.js';
import { HoltForecaster } from './forecast/holt-forecaster.js';
import { NeuralDemandForecaster, type NeuralDemandOptions } from './forecast/neural-demand-forecaster.js';
import { ServiceCapacityEstimator } from './forecast/service-capacity.js';
import type { DemandForecaster, TelemetrySource } from './interfaces.js';
import { type JudgeConfig, RolloutJudge } from './judge/rollout-judge.js';
import {
  ModelShareSteering,
  type ModelShareSteeringOptions,
  type ShareProposal,
} from './model-share-steering.js';
import type { AuditLog } from './rollout/audit-log.js';
import { type RolloutOptions, RolloutManager } from './rollout/rollout-manager.js';
import { backendResolver, TelemetryView } from './telemetry-view.js';
import { AbuseHysteresis, type AbuseHysteresisOptions } from './tuners/abuse-hysteresis.js';
import { type BatchCapOptions, tuneBatchCap } from './tuners/batch-cap-tuner.js';
import { CachePrewarmPlanner } from './tuners/cache-prewarm-planner.js';
import { type GuardrailOptions, Guardrails, type ProposedChange } from './tuners/guardrails.js';
import {
  applyChanges,
  describeChanges,
  isTenantRequestLimit,
  type PolicyChange,
} from './tuners/policy-patch.js';
import { type QueueWeightOptions, tuneQueueWeights } from './tuners/queue-weight-tuner.js';
import { type RateLimitTunerOptions, type TenantDemand, tuneRateLimits } from './tuners/rate-limit-tuner.js';
import { horizonSteps, scaleAhead } from './tuners/scale-ahead.js';

export interface AdaptiveBackend {
  /**
   * Requests/s one instance serves at full concurrency: a prior, used until the pool's telemetry
   * has taught the ServiceCapacityEstimator (with learnCapacity off, used throughout).
   */
  perInstanceRps?: number;
  provisioningDelayMs: number;
  minInstances: number;
  maxInstances: number;
  targetUtilization?: number;
}

/** Per-interval request counts by cache key, and what is cached now (for pre-warming). */
export interface CacheDemandSource {
  counts(fromMs: number, toMs: number): ReadonlyMap<string, number>;
  cached(): ReadonlySet<string>;
}

/** Abuse score in [0, 1] for a tenant's observed rate against the forecast made before it. */
export type AnomalyScorer = (
  tenant: string,
  rps: number,
  forecast: { p50: number; p90: number },
  history: number,
) => number;

export interface AdaptiveOptions {
  intervalMs: number;
  audit: AuditLog;
  /** Capacity for rate-limit allocation (requests/s); default: sum of backends' perInstanceRps x instances. */
  capacityRps?: number;
  backends?: Record<string, AdaptiveBackend>;
  rateLimits?: Partial<RateLimitTunerOptions> | false;
  queueWeights?: Partial<QueueWeightOptions> | false;
  abuse?: Partial<AbuseHysteresisOptions>;
  anomalyScore?: AnomalyScorer;
  /**
   * Demand forecaster per series: 'holt' (default), 'neural' (NeuralDemandForecaster: Holt
   * until it has history, then a TF.js quantile MLP; options in `neural`), or a factory.
   */
  forecaster?: 'holt' | 'neural' | ((series: string) => DemandForecaster);
  neural?: Partial<NeuralDemandOptions>;
  guardrails?: Partial<GuardrailOptions>;
  rollout?: Partial<RolloutOptions>;
  judge?: Partial<JudgeConfig>;
  cache?: { source: CacheDemandSource; k: number };
  /**
   * Decode-batch cap per instance from the tightest tier's SLO slack (batch-cap-tuner.ts):
   * applied directly, not canaried, since a canary slice shares the instances' batches.
   */
  batchCap?: Partial<BatchCapOptions> | false;
  /**
   * Release the pool scaler's scale-down stabilisation down to the forecast's size when no
   * surge is on and nothing is queued (default true), but never below what the highest
   * arrival rate of the last `scaleDownHoldMs` (default 5 minutes) needs.
   */
  scaleDownOverride?: boolean;
  scaleDownHoldMs?: number;
  /** Scale-ahead forecasts demand averaged over this window (default 60 s). */
  demandWindowMs?: number;
  /**
   * Steer routing rules that send a `share` of traffic to a cheaper model (model-share-
   * steering.ts): rises are canaried, falls (the cheaper model in trouble) applied at once.
   */
  modelShare?: Partial<ModelShareSteeringOptions> | false;
  /** Intervals of history before tuning starts. */
  warmupIntervals?: number;
  /** Learn each pool's per-instance capacity from telemetry (default true). */
  learnCapacity?: boolean;
  scaleDownWindow?: number;
}

/** Surprise above the p90 forecast, in units of the forecast's spread; 4 spreads scores 1. */
export const defaultAnomalyScore: AnomalyScorer = (_tenant, rps, f, history) => {
  if (history < 5) return 0;
  const spread = Math.max(f.p90 - f.p50, 0.05 * f.p50, 0.1);
  return Math.max(0, Math.min(1, (rps - f.p90) / (4 * spread)));
};

const Z90 = 1.2815515655446004;
/** A surge: the last SURGE_RUN one-step errors average more than SURGE_Z forecast spreads. */
const SURGE_RUN = 3;
const SURGE_Z = 2;

const defaultBounds: GuardrailOptions['bounds'] = {
  'tenant.*.rpm': { min: 6, max: 6_000_000, integer: true },
  'backend.*.weight.*': { min: 0.05, max: 100 },
  // Up in one step (a restore when work queues), down by the tuner's own x0.8 steps.
  'backend.*.concurrency': { min: 1, max: 100_000, integer: true, maxStep: 10, cooldownMs: 10_000 },
  // The steering takes its own absolute steps and the canary paces the rises; the cool-down
  // lets a relief show in the three-interval window before another one.
  'routing.rule.*.share': { min: 0, max: 1, maxStep: 100, cooldownMs: 30_000 },
};

/** A routing rule's share as a guardrail parameter (bounds `routing.rule.*.share`), and back. */
const shareParam = (rule: number): string => `routing.rule.${rule}.share`;
const ruleOfShareParam = (param: string): number => Number(param.split('.')[2]);

export class AdaptiveController implements ControllerMode {
  readonly name = 'adaptive' as const;
  readonly guardrails: Guardrails;
  private manager: RolloutManager | null = null;
  private readonly judge: RolloutJudge;
  private readonly forecasters = new Map<string, DemandForecaster>();
  private readonly history = new Map<string, number[]>();
  private readonly abuse: AbuseHysteresis;
  private readonly prewarm = new CachePrewarmPlanner();
  private readonly desired = new Map<string, number>();
  private readonly recentDesired = new Map<string, number[]>();
  private readonly serviceCapacity = new Map<string, ServiceCapacityEstimator>();
  /** Each backend's configured per-instance concurrency, seen on the first interval. */
  private readonly configuredSlots = new Map<string, number>();
  private readonly overrides = new Map<string, number | null>();
  /** Per backend, observed arrivals (requests/s) of the intervals in the scale-down hold. */
  private readonly observedRps = new Map<string, number[]>();
  /** Per backend, the last arrivals (requests/s) per interval within the demand window. */
  private readonly rawRps = new Map<string, number[]>();
  /** Per backend, the last one-step forecast errors in units of the forecast's spread. */
  private readonly surprises = new Map<string, number[]>();
  private readonly shares: ModelShareSteering | null;
  private cursor: number | null = null;
  private intervalsSeen = 0;

  constructor(private readonly o: AdaptiveOptions) {
    const bounds = { ...defaultBounds };
    for (const [b, cfg] of Object.entries(o.backends ?? {}))
      bounds[`backend.${b}.instances`] = {
        min: cfg.minInstances,
        max: cfg.maxInstances,
        integer: true,
        maxStep: 1,
        cooldownMs: 0,
      };
    this.guardrails = new Guardrails({ ...o.guardrails, bounds: { ...bounds, ...o.guardrails?.bounds } });
    this.judge = new RolloutJudge(o.judge);
    this.abuse = new AbuseHysteresis(o.abuse);
    this.shares = o.modelShare === false ? null : new ModelShareSteering(o.intervalMs, o.modelShare);
  }

  /** Whether enough intervals have been seen to tune (`warmupIntervals`). */
  private get warmedUp(): boolean {
    return this.intervalsSeen >= (this.o.warmupIntervals ?? 6);
  }

  /** The rollout manager (created on the first interval, when the actuator is known). */
  get rollouts(): RolloutManager | null {
    return this.manager;
  }

  onInterval(now: number, telemetry: TelemetrySource, actuator: Actuator): void {
    this.manager ??= new RolloutManager(actuator, telemetry, this.judge, this.o.audit, {
      intervalMs: this.o.intervalMs,
      dryRun: this.guardrails.options.dryRun,
      ...this.o.rollout,
    });
    let doc = actuator.currentVersion().control.doc;
    for (const [b, spec] of Object.entries(doc.backends))
      if (!this.configuredSlots.has(b) && spec.maxConcurrencyPerInstance !== undefined)
        this.configuredSlots.set(b, spec.maxConcurrencyPerInstance);
    const from = this.cursor ?? now - this.o.intervalMs;
    const view = new TelemetryView(telemetry.window(from, now));
    this.learn(view, doc);
    this.cursor = Math.max(from, ...view.starts().map((s) => s + this.o.intervalMs));
    this.scale(now, view, doc, actuator);
    this.warmCache(from, now, actuator);

    const recent = new TelemetryView(telemetry.window(now - 3 * this.o.intervalMs, now));
    const warm = this.warmedUp;
    const shares =
      this.shares !== null && warm
        ? this.shares.propose(now, doc, recent.records, (t) => this.forecaster(`tenant:${t}`).forecast(1).p50)
        : [];
    if (this.relieveShares(now, doc, shares, actuator)) doc = actuator.currentVersion().control.doc;
    if (this.manager.busy() || !warm) {
      // A cap that makes work queue is lifted even mid-canary (the judge's control evidence
      // restarts with the new control version: it waits longer, it is not misled).
      if (warm) this.capBatches(now, recent, doc, actuator, true);
      this.manager.reconcile(now, null);
      return;
    }
    if (this.capBatches(now, recent, doc, actuator, false)) doc = actuator.currentVersion().control.doc;
    const { changes, applied, evidence } = this.tune(now, doc, recent, shares);
    if (changes.length === 0) {
      this.manager.reconcile(now, null);
      return;
    }
    // A candidate that only moves rule shares can touch only the tenants those rules match.
    const scope = changes.every((c) => c.kind === 'rule-share')
      ? shares
          .filter((p) => changes.some((c) => c.kind === 'rule-share' && c.rule === p.rule))
          .flatMap((p) => p.tenants)
      : null;
    const result = this.manager.reconcile(now, {
      doc: applyChanges(doc, changes),
      description: describeChanges(changes),
      evidence,
      rejectionExempt: [...this.abuse.flagged()],
      // Half the matched traffic: one share step moves each request a little (a cheaper model
      // for a fraction of it), and a 20% slice left the judge undecided for its whole budget.
      ...(scope !== null ? { scopeTenants: [...new Set(scope)].sort(), percent: 50 } : {}),
    });
    if (result.action === 'canary-started') this.guardrails.record(now, applied);
  }

  private forecaster(series: string): DemandForecaster {
    let f = this.forecasters.get(series);
    if (!f) {
      const kind = this.o.forecaster ?? 'holt';
      f =
        typeof kind === 'function'
          ? kind(series)
          : kind === 'neural'
            ? new NeuralDemandForecaster({ stepMs: this.o.intervalMs, ...this.o.neural })
            : new HoltForecaster();
      this.forecasters.set(series, f);
    }
    return f;
  }

  /**
   * Awaits the forecasters' pending training (NeuralDemandForecaster.settle); changes no
   * forecast (networks swap in only at interval boundaries), so runs stay deterministic.
   */
  async settle(): Promise<void> {
    for (const f of this.forecasters.values()) if (f instanceof NeuralDemandForecaster) await f.settle();
  }

  /** Feeds each new closed interval to the forecasters and the abuse detector, in time order. */
  private learn(view: TelemetryView, doc: PolicyDocument): void {
    const seconds = this.o.intervalMs / 1000;
    const capacity = this.capacity(doc);
    const weights = Object.values(doc.tenants).reduce((s, t) => s + (t.entitlement ?? 1), 0);
    const score = this.o.anomalyScore ?? defaultAnomalyScore;
    for (const start of view.starts()) {
      const slice = view.only((r) => r.start === start);
      const arrivals = slice.arrivalsByTenant();
      // Work conservation: a tenant above its entitled share of capacity that nobody else needs
      // takes nothing from anyone, so it is flagged only while total demand contends.
      let totalRps = 0;
      for (const n of arrivals.values()) totalRps += n / seconds;
      const contended = capacity !== null && totalRps > capacity;
      for (const tenant of Object.keys(doc.tenants)) {
        const n = arrivals.get(tenant) ?? 0;
        const rps = n / seconds;
        const f = this.forecaster(`tenant:${tenant}`);
        const before = f.forecast(1);
        const h = this.history.get(tenant) ?? [];
        const share = capacity !== null ? (capacity * (doc.tenants[tenant].entitlement ?? 1)) / weights : 0;
        // Calm means back within its entitled share: a flagged tenant still above it stays
        // flagged even once the forecaster has learnt its new level (no surprise left).
        const above = contended && rps > share;
        const s = above ? (this.abuse.isFlagged(tenant) ? 1 : score(tenant, rps, before, h.length)) : 0;
        this.abuse.update(tenant, s);
        f.update(start, rps);
        h.push(n);
        if (h.length > 30) h.shift();
        this.history.set(tenant, h);
      }
      this.shares?.observe(start, slice.records, doc);
      const backendOf = backendResolver(doc);
      for (const backend of Object.keys(this.o.backends ?? {})) {
        const bf = this.forecaster(`backend:${backend}`);
        // Scaling sees demand averaged over `demandWindowMs`: a burst shorter than that is the
        // queue's to absorb (new instances take longer to start than it lasts), and sizing on
        // the 10-second peaks of a bursty trace bought instances that arrived after the burst.
        const raw = this.rawRps.get(backend) ?? [];
        raw.push((slice.arrivalsByBackend(doc).get(backend) ?? 0) / seconds);
        const window = Math.max(1, Math.round((this.o.demandWindowMs ?? 60_000) / this.o.intervalMs));
        if (raw.length > window) raw.shift();
        this.rawRps.set(backend, raw);
        const rps = raw.reduce((a, x) => a + x, 0) / raw.length;
        const prior = bf.forecast(1);
        const spread = (prior.p90 - prior.p50) / Z90;
        const z = spread > 0 ? (rps - prior.p50) / spread : 0;
        const zs = this.surprises.get(backend) ?? [];
        zs.push(z);
        if (zs.length > SURGE_RUN) zs.shift();
        this.surprises.set(backend, zs);
        bf.update(start, rps);
        const seen = this.observedRps.get(backend) ?? [];
        seen.push(rps);
        const hold = Math.max(1, Math.round((this.o.scaleDownHoldMs ?? 300_000) / this.o.intervalMs));
        if (seen.length > hold) seen.shift();
        this.observedRps.set(backend, seen);
        const load = slice.backendLoad(backend, backendOf);
        if (load.instances !== null && load.instances > 0) {
          let est = this.serviceCapacity.get(backend);
          if (!est) {
            est = new ServiceCapacityEstimator();
            this.serviceCapacity.set(backend, est);
          }
          est.observe(
            load.inFlight / load.instances,
            load.completedPerSec / load.instances,
            load.completedPerSec * seconds,
            rps / load.instances,
          );
        }
      }
      this.intervalsSeen++;
    }
  }

  /**
   * Forecast capacity for allocation: what the fleet can reach by scaling (perInstanceRps x
   * maxInstances per configured backend), not what is provisioned this minute. Rationing a
   * surge that scaling will absorb would only turn queueing into rejections. Learnt, it is the
   * optimistic bound (every slot busy at today's service time), for the same reason.
   */
  private capacity(doc: PolicyDocument): number | null {
    if (this.o.capacityRps !== undefined) return this.o.capacityRps;
    const backends = Object.entries(this.o.backends ?? {});
    if (backends.length === 0) return null;
    let total = 0;
    for (const [name, cfg] of backends) {
      const per = this.perInstanceRps(name, doc);
      if (per === null) return null;
      total += per * cfg.maxInstances;
    }
    return total;
  }

  /**
   * One instance's capacity (requests/s at full concurrency): learnt from the pool's telemetry
   * (slots = the policy's maxConcurrencyPerInstance), else the configured prior; null with neither.
   */
  perInstanceRps(backend: string, doc: PolicyDocument): number | null {
    return this.perInstanceRpsAt(backend, doc, 1);
  }

  /**
   * Requests/s one instance serves with `occupancy` of its slots busy: learnt, u x K / S_obs
   * (Little's law at the service time observed lately; ServiceCapacityEstimator's optimistic
   * bound); else u x the configured prior. Not the batching line's x(u K): on the Azure replay
   * its slope was confounded by the request mix and sized the fleet 25% above the reactive
   * baseline for no SLO gain, and on flash-sale it bought nothing measurable (6.8 vs 6.2
   * SLO-violation minutes over 5 seeds). The pool's own reactive rule covers what this misses.
   */
  private perInstanceRpsAt(backend: string, doc: PolicyDocument, occupancy: number): number | null {
    const cfg = this.o.backends?.[backend];
    // The configured cap, not a batch cap the controller set: that one is lifted as soon as work
    // queues, so the pool's reach is what the full batch serves.
    const slots = this.configuredSlots.get(backend) ?? doc.backends[backend]?.maxConcurrencyPerInstance;
    const learnt =
      this.o.learnCapacity !== false && slots !== undefined
        ? (this.serviceCapacity.get(backend)?.optimisticCapacity(slots) ?? null)
        : null;
    if (learnt !== null) return occupancy * learnt;
    return cfg?.perInstanceRps !== undefined ? occupancy * cfg.perInstanceRps : null;
  }

  private tune(
    now: number,
    doc: PolicyDocument,
    recent: TelemetryView,
    shares: readonly ShareProposal[],
  ): { changes: PolicyChange[]; applied: ProposedChange[]; evidence: Record<string, unknown> } {
    const changes: PolicyChange[] = [];
    const applied: ProposedChange[] = [];
    const evidence: Record<string, unknown> = {};
    const flagged = this.abuse.flagged();
    const capacity = this.capacity(doc);
    if (this.o.rateLimits !== false && capacity !== null) {
      const demands: TenantDemand[] = Object.entries(doc.tenants).map(([tenant, spec]) => ({
        tenant,
        forecast: this.forecaster(`tenant:${tenant}`).forecast(1),
        entitlement: spec.entitlement ?? 1,
        recentArrivals: this.history.get(tenant) ?? [],
      }));
      const tuned = tuneRateLimits(demands, { ...this.o.rateLimits, capacityRps: capacity }, flagged);
      // Contention counts a flagged tenant only up to what it will be held to, so one abuser
      // does not make everyone else's limits tighten.
      const headroom = 1 + (this.o.rateLimits?.headroom ?? 0.2);
      const abuseFactor = this.o.rateLimits?.abuseFactor ?? 0.5;
      const totalWeight = demands.reduce((s, d) => s + d.entitlement, 0);
      const claimed = demands.reduce((s, d) => {
        const claim = d.forecast.p90 * headroom;
        return (
          s +
          (flagged.has(d.tenant)
            ? Math.min(claim, (abuseFactor * capacity * d.entitlement) / totalWeight)
            : claim)
        );
      }, 0);
      // Ration only when expected demand (the p50s, an abuser's held to its cap) exceeds what the
      // fleet can reach; the p90 with headroom sizes the allocations, but on a bursty real trace
      // it exceeds capacity often enough that rationing on it only turned bursts into 429s.
      const expected = demands.reduce(
        (s, d) =>
          s +
          (flagged.has(d.tenant)
            ? Math.min(d.forecast.p50, (abuseFactor * capacity * d.entitlement) / totalWeight)
            : d.forecast.p50),
        0,
      );
      const contended = expected > capacity;
      const proposals: ProposedChange[] = [];
      const burstOf = new Map<string, number>();
      for (const t of tuned) {
        const current = doc.tenants[t.tenant].limits?.find(isTenantRequestLimit)?.rpm;
        if (current === undefined && !contended && !t.tightened) continue;
        proposals.push({ param: `tenant.${t.tenant}.rpm`, from: current ?? 0, to: t.rpm });
        burstOf.set(t.tenant, t.burst / t.rpm);
      }
      const review = this.guardrails.review(now, proposals);
      for (const c of review.apply) {
        const tenant = c.param.slice('tenant.'.length, -'.rpm'.length);
        changes.push({
          kind: 'tenant-rate',
          tenant,
          rpm: c.to,
          burst: Math.max(1, c.to * (burstOf.get(tenant) ?? 1 / 30)),
        });
        applied.push(c);
      }
      evidence.rateLimits = {
        capacityRps: capacity,
        contended,
        claimedRps: claimed,
        flagged: [...flagged],
        demands: demands.map((d) => ({ tenant: d.tenant, ...d.forecast })),
        held: review.held,
      };
    }
    if (this.o.queueWeights !== false) {
      const p99 = recent.latencyByTier();
      for (const [backend, spec] of Object.entries(doc.backends)) {
        const q = spec.queue;
        if (q?.discipline !== 'wfq' || (q.classBy ?? 'tier') !== 'tier') continue;
        const weights = tuneQueueWeights(
          Object.entries(doc.tiers).map(([tier, t]) => ({
            tier,
            sloMs: t.sloMs,
            p99Ms: p99.get(tier)?.quantile(0.99) ?? null,
            baseWeight: t.weight ?? 1,
          })),
          this.o.queueWeights,
        );
        const current = (tier: string) => q.weights?.[tier] ?? doc.tiers[tier].weight ?? 1;
        const review = this.guardrails.review(
          now,
          Object.entries(weights).map(([tier, w]) => ({
            param: `backend.${backend}.weight.${tier}`,
            from: current(tier),
            to: w,
          })),
        );
        evidence[`queueWeights:${backend}`] = {
          p99Ms: Object.fromEntries(
            Object.keys(doc.tiers).map((t) => [t, p99.get(t)?.quantile(0.99) ?? null]),
          ),
          target: weights,
          held: review.held,
        };
        if (review.apply.length === 0) continue;
        const next: Record<string, number> = {};
        for (const tier of Object.keys(doc.tiers)) next[tier] = current(tier);
        for (const c of review.apply)
          next[c.param.slice(`backend.${backend}.weight.`.length)] = Math.round(c.to * 1000) / 1000;
        changes.push({ kind: 'queue-weights', backend, weights: next });
        applied.push(...review.apply);
      }
    }
    const rises = shares.filter((p) => p.share > p.from);
    if (rises.length > 0) {
      const review = this.guardrails.review(
        now,
        rises.map((p) => ({ param: shareParam(p.rule), from: p.from, to: p.share })),
      );
      for (const c of review.apply) {
        changes.push({ kind: 'rule-share', rule: ruleOfShareParam(c.param), share: c.to });
        applied.push(c);
      }
      evidence.modelShare = rises.map((p) => ({
        rule: p.rule,
        target: p.target,
        reason: p.reason,
        ...p.evidence,
      }));
    }
    return { changes, applied, evidence };
  }

  /**
   * Falls of a rule's share are relief for a cheaper model in trouble: applied to control at
   * once, not canaried, and a running canary (which may carry a higher share) is rolled back
   * first so that its promotion cannot undo the relief.
   */
  private relieveShares(
    now: number,
    doc: PolicyDocument,
    shares: readonly ShareProposal[],
    actuator: Actuator,
  ): boolean {
    const falls = shares.filter((p) => p.share < p.from);
    if (falls.length === 0 || !actuator.applyPolicy) return false;
    const review = this.guardrails.review(
      now,
      falls.map((p) => ({ param: shareParam(p.rule), from: p.from, to: p.share })),
    );
    if (review.apply.length === 0 || review.dryRun) return false;
    const changes: PolicyChange[] = review.apply.map((c) => ({
      kind: 'rule-share',
      rule: ruleOfShareParam(c.param),
      share: c.to,
    }));
    if (actuator.currentVersion().canary !== null) {
      actuator.rollback();
      this.o.audit.write({ time: now, kind: 'action', action: 'rollback', reason: 'share relief' });
    }
    actuator.applyPolicy(applyChanges(doc, changes));
    this.guardrails.record(now, review.apply);
    this.o.audit.write({
      time: now,
      kind: 'action',
      action: 'share-relief',
      change: describeChanges(changes),
      evidence: falls.map((p) => ({ rule: p.rule, target: p.target, ...p.evidence })),
    });
    return true;
  }

  /** Scale-ahead: acts directly (capacity is not canaried), within the guardrails. */
  private scale(now: number, view: TelemetryView, doc: PolicyDocument, actuator: Actuator): void {
    const backendOf = backendResolver(doc);
    for (const [backend, cfg] of Object.entries(this.o.backends ?? {})) {
      const load = view.backendLoad(backend, backendOf);
      const current =
        this.desired.get(backend) ??
        load.instances ??
        doc.backends[backend]?.instances.length ??
        cfg.minInstances;
      const utilization = cfg.targetUtilization ?? 0.75;
      const atTarget = this.perInstanceRpsAt(backend, doc, utilization);
      if (atTarget === null || !(atTarget > 0)) continue;
      const perInstanceRps = atTarget / utilization;
      const f = this.forecaster(`backend:${backend}`).forecast(
        horizonSteps(cfg.provisioningDelayMs, this.o.intervalMs),
      );
      // The queue absorbs bursts shorter than the drain window, so capacity covers the p90 of
      // demand averaged over that window: the one-interval spread shrinks by sqrt(intervals in
      // it) (white noise). Not during a surge (the last SURGE_RUN intervals above the forecast
      // by more than SURGE_Z spreads on average: ~3 in 10,000 by chance for white noise, rare
      // for a real trace's autocorrelated bursts), when the errors are one shift, not noise,
      // and the full p90 leads the trend the forecaster is still learning.
      const drainSeconds = 60;
      const perWindow = Math.max(1, (drainSeconds * 1000) / this.o.intervalMs);
      const zs = this.surprises.get(backend) ?? [];
      const surge = zs.length === SURGE_RUN && zs.reduce((a, z) => a + z, 0) / SURGE_RUN > SURGE_Z;
      const p90 = surge ? f.p90 : f.p50 + (f.p90 - f.p50) / Math.sqrt(perWindow);
      const want = scaleAhead({
        forecastP90Rps: p90,
        perInstanceRps,
        targetUtilization: utilization,
        queueDepth: load.queueDepth,
        drainSeconds,
        minInstances: cfg.minInstances,
        maxInstances: cfg.maxInstances,
      });
      const recent = this.recentDesired.get(backend) ?? [];
      recent.push(want);
      if (recent.length > (this.o.scaleDownWindow ?? 6)) recent.shift();
      this.recentDesired.set(backend, recent);
      const target = want < current ? Math.min(current, Math.max(...recent)) : want;
      // What the busiest interval of the hold needed: the scaler's stabilisation is insurance
      // against a rebound, which the override keeps; only the excess (a drained backlog counted
      // as utilisation, a rule's overshoot) is released.
      const peak = Math.max(0, ...(this.observedRps.get(backend) ?? []));
      const held = Math.max(
        target,
        Math.min(cfg.maxInstances, Math.ceil(peak / (perInstanceRps * utilization) - 1e-9)),
      );
      this.overrideScaleDown(now, backend, held, surge, load.queueDepth, f.p50, actuator);
      if (target === current) {
        this.desired.set(backend, current);
        continue;
      }
      const review = this.guardrails.review(now, [
        { param: `backend.${backend}.instances`, from: current, to: target },
      ]);
      if (review.apply.length === 0) continue;
      const to = review.apply[0].to;
      this.o.audit.write({
        time: now,
        kind: 'action',
        action: 'scale',
        backend,
        from: current,
        to,
        dryRun: review.dryRun,
        forecast: f,
        perInstanceRps: Math.round(perInstanceRps * 100) / 100,
        surge,
      });
      if (review.dryRun) continue;
      actuator.setDesiredInstances?.(backend, to);
      this.guardrails.record(now, review.apply);
      this.desired.set(backend, to);
    }
  }

  /**
   * Scale-down override: the pool's own scaler holds its highest recommendation for its
   * stabilisation window (5 minutes for an HPA); when no surge is on, nothing is queued and the
   * forecast at the provisioning horizon is no higher than the next interval's, the controller
   * lets it shrink to `target`: the forecast-sized count, no lower than the hold's busiest
   * interval needs.
   * The scaler never goes below what its own rule asks for now.
   */
  private overrideScaleDown(
    now: number,
    backend: string,
    target: number,
    surge: boolean,
    queueDepth: number,
    horizonP50: number,
    actuator: Actuator,
  ): void {
    if (this.o.scaleDownOverride === false || !actuator.releaseScaleDown) return;
    const g = this.guardrails.options;
    const next = this.forecaster(`backend:${backend}`).forecast(1).p50;
    const release =
      this.warmedUp && !g.killSwitch && !g.dryRun && !surge && queueDepth < 1 && horizonP50 <= next;
    const value = release ? target : null;
    if ((this.overrides.get(backend) ?? null) === value) return;
    this.overrides.set(backend, value);
    actuator.releaseScaleDown(backend, value);
    this.o.audit.write({ time: now, kind: 'action', action: 'scale-down-override', backend, to: value });
  }

  /**
   * The decode-batch cap per backend (batch-cap-tuner.ts), applied to the control policy at once
   * (a percentage canary shares the same instances' batches, so it could not show the effect).
   * Only between canaries, so a candidate is always built on the cap in force. True if applied.
   */
  private capBatches(
    now: number,
    recent: TelemetryView,
    doc: PolicyDocument,
    actuator: Actuator,
    raiseOnly: boolean,
  ): boolean {
    if (this.o.batchCap === false || !actuator.applyPolicy) return false;
    const backendOf = backendResolver(doc);
    const changes: PolicyChange[] = [];
    const applied: ProposedChange[] = [];
    for (const backend of Object.keys(this.o.backends ?? {})) {
      const cap = doc.backends[backend]?.maxConcurrencyPerInstance;
      const max = this.configuredSlots.get(backend);
      if (cap === undefined || max === undefined) continue;
      const mine = recent.only((r) => backendOf(r.instance) === backend);
      const load = mine.backendLoad(backend, backendOf);
      if (load.instances === null || load.instances <= 0) continue;
      let pressure: number | null = null;
      for (const [tier, h] of mine.latencyByTier()) {
        const slo = doc.tiers[tier]?.sloMs;
        const p99 = h.quantile(0.99);
        if (slo === undefined || p99 === null) continue;
        pressure = Math.max(pressure ?? 0, p99 / slo);
      }
      const to = tuneBatchCap(
        {
          cap,
          max,
          pressure,
          inFlightPerInstance: load.inFlight / load.instances,
          queueDepth: load.queueDepth,
          instances: load.instances,
        },
        this.o.batchCap,
      );
      if (to === cap || (raiseOnly && to < cap)) continue;
      const review = this.guardrails.review(now, [
        { param: `backend.${backend}.concurrency`, from: cap, to },
      ]);
      if (review.apply.length === 0 || review.dryRun) continue;
      const c = review.apply[0];
      changes.push({ kind: 'concurrency', backend, maxConcurrencyPerInstance: c.to });
      applied.push(c);
    }
    if (changes.length === 0) return false;
    actuator.applyPolicy(applyChanges(doc, changes));
    this.guardrails.record(now, applied);
    this.o.audit.write({ time: now, kind: 'action', action: 'batch-cap', change: describeChanges(changes) });
    return true;
  }

  private warmCache(from: number, now: number, actuator: Actuator): void {
    const cache = this.o.cache;
    if (!cache) return;
    this.prewarm.observe(cache.source.counts(from, now));
    const keys = this.prewarm.plan({ k: cache.k, cached: cache.source.cached() });
    if (keys.length === 0 || this.guardrails.options.killSwitch || this.guardrails.options.dryRun) return;
    actuator.prewarm?.(keys);
    this.o.audit.write({ time: now, kind: 'action', action: 'prewarm', keys });
  }
}
