/**
 * The share of a routing rule that moves traffic to a cheaper model (`routing.rules[i].share`),
 * chosen to fill the cheaper model's headroom and no more. The rule itself is the operator's
 * statement that the cheaper model is good enough for that traffic; how much of it the cheaper
 * model's provider can take changes as other traffic lands there (a quota shared with a
 * tenant whose budget downgrades to it, say), which is what this tuner follows:
 *
 *   other  = forecast of the target model's traffic the rule does not move; soon: plus the
 *            demand of tenants whose budget will downgrade them onto it within the lookahead
 *   fit    = (margin x capacity - soon) / matching       (capacity: the throughput at which
 *                                                         the target last pushed back)
 *   reach  = (clean + step x matching - other) / matching   (capacity unknown: explore at most
 *                                                         one step beyond the most the target
 *                                                         has served cleanly, `clean`)
 *   trouble (pushback, or a tier's p99 near its SLO)     -> min(share x backoff, fit)
 *   a downgrade landing: share x matching + soon > (capacity x margin, or clean if unknown)
 *                                                        -> fit, or (clean - soon) / matching
 *   healthy                                              -> min(fit or reach, share + step)
 *   result clamped to [0, 1]; a move under `deadband` is no move
 *
 * Counting expected downgrades in `other` before they happen is what keeps the exploration
 * from filling headroom that a tenant's budget is about to take.
 *
 * A rise is a proposal for the canary; a fall is relief, applied at once by the caller.
 */
export interface ModelShareOptions {
  /** Largest rise of the share in one change. */
  step: number;
  /** Factor on the share when the target is in trouble. */
  backoff: number;
  /** Fraction of the learnt capacity to plan for. */
  margin: number;
  /** Worst tier p99 / SLO on the target above which it is in trouble. */
  pressure: number;
  deadband: number;
}

export const defaultModelShareOptions: ModelShareOptions = {
  step: 0.25,
  backoff: 0.7,
  margin: 0.9,
  pressure: 0.9,
  deadband: 0.02,
};

export interface ModelShareInput {
  share: number;
  /** Forecast requests/s the rule's conditions match (moved or not). */
  matchingRps: number;
  /** Forecast requests/s on the target model the rule does not move. */
  otherRps: number;
  /** The same, with the tenants whose budget will downgrade them onto the target shortly. */
  otherSoonRps: number;
  /** Requests/s the target served when it last failed for load; null when never seen. */
  capacityRps: number | null;
  /** The most requests/s the target has served without trouble lately. */
  cleanRps: number;
  /** The target's provider is pushing back (failures, or answers slowing: CapacityCeiling). */
  trouble: boolean;
  /** Worst tier p99 / SLO on the target model, null with no completions. */
  pressure: number | null;
}

export interface ModelShareDecision {
  share: number;
  reason: 'trouble' | 'landing' | 'fit' | 'explore' | 'hold';
  fit: number | null;
}

export function tuneModelShare(
  i: ModelShareInput,
  options: Partial<ModelShareOptions> = {},
): ModelShareDecision {
  const o = { ...defaultModelShareOptions, ...options };
  const fit =
    i.capacityRps === null
      ? null
      : i.matchingRps > 0
        ? (o.margin * i.capacityRps - i.otherSoonRps) / i.matchingRps
        : 1;
  const known = i.capacityRps !== null ? o.margin * i.capacityRps : i.cleanRps;
  const landing =
    i.otherSoonRps > i.otherRps && i.share * i.matchingRps + i.otherSoonRps > known && i.matchingRps > 0;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const trouble = i.trouble || (i.pressure !== null && i.pressure > o.pressure);
  let next: number;
  let reason: ModelShareDecision['reason'];
  if (trouble) {
    next = Math.min(i.share * o.backoff, fit ?? Number.POSITIVE_INFINITY);
    reason = 'trouble';
  } else if (landing) {
    next = Math.min(i.share, (known - i.otherSoonRps) / i.matchingRps);
    reason = 'landing';
  } else if (fit !== null) {
    next = Math.min(fit, i.share + o.step);
    reason = 'fit';
  } else {
    const reach =
      i.matchingRps > 0 ? (i.cleanRps + o.step * i.matchingRps - i.otherSoonRps) / i.matchingRps : 1;
    next = Math.min(reach, i.share + o.step);
    reason = 'explore';
  }
  // Exploring or fitting never lowers the share: only trouble does (a forecast is not harm).
  if (reason !== 'trouble' && reason !== 'landing') next = Math.max(next, Math.min(i.share, 1));
  next = clamp(next);
  if (Math.abs(next - i.share) < o.deadband) return { share: i.share, reason: 'hold', fit };
  return { share: Math.round(next * 1000) / 1000, reason, fit };
}
