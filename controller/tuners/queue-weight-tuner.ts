/**
 * Weighted-fair-queue weights from each tier's SLO slack:
 *
 *   pressure_t = p99_t / slo_t          (1 when the tier had no completions: keep its weight)
 *   weight_t   = base_t * clamp(pressure_t ^ gain, minFactor, maxFactor)
 *
 * A tier over its SLO (pressure > 1) gets a larger share of dispatch slots; one with room to
 * spare lends some. The clamp keeps a quiet tier from starving; the guardrails bound the step.
 * Weights are rounded to 3 decimals so that noise in p99 does not make a new policy every time.
 */
export interface TierLatency {
  tier: string;
  sloMs: number;
  /** Observed p99 over the last window, or null without completions. */
  p99Ms: number | null;
  /** The hand-tuned weight (the tier's `weight`, default 1). */
  baseWeight: number;
}

export interface QueueWeightOptions {
  gain: number;
  minFactor: number;
  maxFactor: number;
}

export const defaultQueueWeightOptions: QueueWeightOptions = { gain: 1, minFactor: 0.5, maxFactor: 4 };

export function tuneQueueWeights(
  tiers: readonly TierLatency[],
  options: Partial<QueueWeightOptions> = {},
): Record<string, number> {
  const o = { ...defaultQueueWeightOptions, ...options };
  const out: Record<string, number> = {};
  for (const t of tiers) {
    const pressure = t.p99Ms === null ? 1 : t.p99Ms / t.sloMs;
    const factor = Math.max(o.minFactor, Math.min(o.maxFactor, pressure ** o.gain));
    out[t.tier] = Math.round(t.baseWeight * factor * 1000) / 1000;
  }
  return out;
}
