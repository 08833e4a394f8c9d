/**
 * Everything admission needs for one (policy version, API key, model), computed once and cached
 * until the policy changes: the effective settings, the limiter sets, concurrency counters, the
 * budget, the tier and the model's price and chain.
 */
import type { BudgetState, BudgetTracker } from '../budgets/budget-tracker.js';
import type { ConcurrencyLimiter } from '../limits/concurrency-limiter.js';
import type { KeyedLimiters } from '../limits/keyed-limiters.js';
import { isFixedPerKey, limitKey } from '../limits/limit-key.js';
import type { EffectiveSettings } from '../policy/effective.js';
import type { NormalisedLimit } from '../policy/normalised-limit.js';
import type { BudgetSpec, ModelSpec, PolicyDocument } from '../policy/schema.js';
import type { SeriesGroup } from '../telemetry/telemetry-recorder.js';
import type { SharedState } from './shared-state.js';
import type { Identity } from './types.js';

export interface PlannedLimit {
  readonly spec: NormalisedLimit;
  readonly keyed: KeyedLimiters;
  /** The limiter key when it depends only on the key, tenant and model (else computed per request). */
  readonly fixedKey: string | null;
}

/** A shared in-flight counter and the most this plan's version lets it hold. */
export interface PlannedConcurrency {
  readonly counter: ConcurrencyLimiter;
  readonly max: number;
}

export interface TierInfo {
  readonly name: string;
  readonly sloMs: number;
  readonly priority: number;
  readonly weight: number;
}

export interface AdmissionPlan {
  readonly settings: EffectiveSettings;
  readonly limits: readonly PlannedLimit[];
  readonly concurrency: readonly PlannedConcurrency[];
  readonly budget: BudgetTracker | null;
  readonly budgetSpec: BudgetSpec | null;
  readonly tier: TierInfo;
  /** Undefined when the model is unknown to the policy. */
  readonly model: ModelSpec | undefined;
  readonly modelAllowed: boolean;
  /** Telemetry series groups of this plan, per arm (filled on first use). */
  readonly telemetry: { control: SeriesGroup | null; canary: SeriesGroup | null };
}

export function buildAdmissionPlan(
  doc: PolicyDocument,
  settings: EffectiveSettings,
  id: Identity,
  model: string,
  shared: SharedState,
): AdmissionPlan {
  const limits = settings.limits.map((spec) => ({
    spec,
    keyed: shared.keyedLimiters(spec),
    fixedKey: isFixedPerKey(spec.by)
      ? limitKey(spec.by, { keyId: id.keyId, tenant: id.tenant, model })
      : null,
  }));
  const tenant = doc.tenants[id.tenant];
  const concurrency: PlannedConcurrency[] = [];
  const cap = (scope: string, max: number) =>
    concurrency.push({ counter: shared.concurrencyCounter(scope), max });
  if (tenant?.concurrency) cap(`tenant:${id.tenant}`, tenant.concurrency);
  const key = tenant?.keys?.[id.keyId];
  if (key?.concurrency) cap(`key:${id.keyId}`, key.concurrency);
  const modelLimit = doc.modelOverrides?.[model]?.concurrency;
  if (modelLimit) cap(`model:${model}`, modelLimit);
  const tierSpec = doc.tiers[id.tier];
  const budgetSpec = tenant?.budget ?? null;
  return {
    settings,
    limits,
    concurrency,
    budget: budgetSpec ? shared.budget(id.tenant, budgetSpec) : null,
    budgetSpec,
    tier: {
      name: id.tier,
      sloMs: tierSpec?.sloMs ?? Number.POSITIVE_INFINITY,
      priority: tierSpec?.priority ?? 0,
      weight: tierSpec?.weight ?? 1,
    },
    model: doc.models[model],
    modelAllowed: settings.allowedModels === null || settings.allowedModels.includes(model),
    telemetry: { control: null, canary: null },
  };
}

/**
 * The budget's state by this plan's own version: the spend is the tenant's, shared by versions,
 * but the limit is the version's (a canary may try another budget without moving the control's).
 */
export function budgetStateOf(plan: AdmissionPlan, now: number): BudgetState {
  if (plan.budget === null || plan.budgetSpec === null) return 'ok';
  const spent = plan.budget.spent(now);
  const usd = plan.budgetSpec.usd;
  if (spent >= usd) return 'exhausted';
  return spent >= (plan.budgetSpec.softThreshold ?? 0.8) * usd ? 'soft' : 'ok';
}
