/**
 * One accepted policy version, compiled for the hot path: the key resolver, routing rules,
 * fallback settings, and a cache of admission plans per (key, model), filled on first use.
 * Immutable apart from that cache: a new document makes a new CompiledPolicy.
 */
import { type EffectiveSettings, PolicyResolver } from '../policy/effective.js';
import type { PolicyDocument } from '../policy/schema.js';
import { contentHash } from '../policy/version.js';
import { RouteRules } from '../routing/route-rules.js';
import { type AdmissionPlan, buildAdmissionPlan } from './admission-plan.js';
import { limitSignature, type SharedState } from './shared-state.js';
import type { Identity } from './types.js';

export type FallbackTrigger = '429' | '5xx' | 'timeout' | 'open-circuit';

export class CompiledPolicy {
  readonly resolver: PolicyResolver;
  readonly rules: RouteRules;
  readonly fallbackOn: ReadonlySet<FallbackTrigger>;
  readonly maxAttempts: number;
  readonly hash: string;
  /**
   * Plans by key id, then model. Two lookups by strings the policy and the request already hold
   * (their hashes are cached) instead of building a `key|model` string per request, which cost
   * a concatenation, a flatten and a fresh hash on the hottest line of submit().
   */
  private readonly plans = new Map<string, Map<string, AdmissionPlan>>();

  constructor(
    readonly doc: PolicyDocument,
    readonly version: number,
    private readonly shared: SharedState,
  ) {
    this.resolver = new PolicyResolver(doc);
    this.rules = new RouteRules(doc.routing?.rules ?? []);
    this.fallbackOn = new Set(doc.routing?.fallbackOn ?? ['5xx', 'timeout', 'open-circuit']);
    this.maxAttempts = doc.routing?.maxAttempts ?? 2;
    this.hash = contentHash(doc);
  }

  plan(id: Identity, model: string): AdmissionPlan {
    let byModel = this.plans.get(id.keyId);
    if (byModel === undefined) {
      byModel = new Map();
      this.plans.set(id.keyId, byModel);
    }
    let p = byModel.get(model);
    if (p === undefined) {
      const settings: EffectiveSettings = this.resolver.effective(id.keyId, model);
      p = buildAdmissionPlan(this.doc, settings, id, model, this.shared);
      byModel.set(model, p);
    }
    return p;
  }

  /** Signatures of the limits this version can use (to prune unused limiter state). */
  limitSignatures(): Set<string> {
    const out = new Set<string>();
    for (const byModel of this.plans.values())
      for (const p of byModel.values()) for (const l of p.limits) out.add(limitSignature(l.spec));
    return out;
  }
}
