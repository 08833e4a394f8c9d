/**
 * Routing rules compiled once from the policy: the first rule whose every condition holds
 * decides the model and/or backend chain; a rule with neither stops the search (keep defaults).
 *
 *   rule matches  <=>  tier in when.tier  and  tenant in when.tenant  and  model in when.model
 *                      and task in when.task  and  promptTokens > when.promptTokensAbove
 *                      and promptTokens <= when.promptTokensAtMost  and  budget == when.budget
 *   (an absent condition always holds; a `task` condition fails for a request with no task)
 *
 * Lists become Sets and each rule's answer is built once, so `match` allocates nothing.
 */
import type { RoutingRule } from '../policy/schema.js';
import { stableUnit } from '../stable-hash.js';

export type BudgetState = 'ok' | 'soft' | 'exhausted';

export interface RouteContext {
  tier: string;
  tenant: string;
  model: string;
  task?: string | undefined;
  promptTokens: number;
  budget: BudgetState;
  /**
   * The request: its id is the basis of a rule's `share` draw, read only when a shared rule is
   * reached (the simulator builds its ids lazily).
   */
  request: { readonly id: string };
}

export interface RouteDecision {
  readonly model?: string;
  readonly backends?: readonly string[];
  /** Position of the rule that matched (for logs and audit). */
  readonly rule: number;
}

interface CompiledRule {
  tier: ReadonlySet<string> | null;
  tenant: ReadonlySet<string> | null;
  model: ReadonlySet<string> | null;
  task: ReadonlySet<string> | null;
  above: number;
  atMost: number;
  budget: BudgetState | null;
  /** Fraction of matching requests the rule applies to; 1 skips the draw. */
  share: number;
  salt: string;
  decision: RouteDecision;
}

const setOf = (list: readonly string[] | undefined): ReadonlySet<string> | null =>
  list === undefined ? null : new Set(list);

function compile(rule: RoutingRule, index: number): CompiledRule {
  const decision: { model?: string; backends?: readonly string[]; rule: number } = { rule: index };
  if (rule.model !== undefined) decision.model = rule.model;
  if (rule.backends !== undefined) decision.backends = Object.freeze([...rule.backends]);
  const w = rule.when;
  return {
    tier: setOf(w.tier),
    tenant: setOf(w.tenant),
    model: setOf(w.model),
    task: setOf(w.task),
    above: w.promptTokensAbove ?? Number.NEGATIVE_INFINITY,
    atMost: w.promptTokensAtMost ?? Number.POSITIVE_INFINITY,
    budget: w.budget ?? null,
    share: rule.share ?? 1,
    salt: `share:${index}:`,
    decision: Object.freeze(decision),
  };
}

export class RouteRules {
  private readonly rules: readonly CompiledRule[];

  constructor(rules: readonly RoutingRule[] = []) {
    this.rules = rules.map(compile);
  }

  get size(): number {
    return this.rules.length;
  }

  /** The decision of the first matching rule, or null when none matches. */
  match(ctx: RouteContext): RouteDecision | null {
    for (const r of this.rules) {
      if (r.tier !== null && !r.tier.has(ctx.tier)) continue;
      if (r.tenant !== null && !r.tenant.has(ctx.tenant)) continue;
      if (r.model !== null && !r.model.has(ctx.model)) continue;
      if (r.task !== null && (ctx.task === undefined || !r.task.has(ctx.task))) continue;
      if (!(ctx.promptTokens > r.above && ctx.promptTokens <= r.atMost)) continue;
      if (r.budget !== null && r.budget !== ctx.budget) continue;
      if (r.share < 1 && !(stableUnit(r.salt + ctx.request.id) < r.share)) continue;
      return r.decision;
    }
    return null;
  }
}
