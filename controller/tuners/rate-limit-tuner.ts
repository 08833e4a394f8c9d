/**
 * Per-tenant request-rate limits from forecast demand and forecast capacity.
 *
 *   claim_i      = p90_i * (1 + headroom)                       (forecast demand, requests/s)
 *   alloc_i      = weighted max-min of capacity over claims, weights = entitlements
 *   limit_i      = alloc_i + spare * w_i / sum(w)               (unclaimed capacity by entitlement)
 *   abusive i:   limit_i = min(limit_i, abuseFactor * capacity * w_i / sum(w))
 *   limit_i      = max(minRps, limit_i)
 *   burstiness_i = clamp(p95 / mean of recent per-interval arrivals, 1, maxBurstiness)   (1 if abusive)
 *   burst_i      = ceil(limit_i * burstSeconds * burstiness_i)   (token-bucket depth)
 *
 * With the default burstSeconds of 60 the bucket holds one minute of the limit (the schema's
 * default for an rpm limit) times the burstiness, so smooth traffic keeps the usual depth and
 * bursty traffic gets up to twice it.
 * Spare capacity is handed out rather than withheld so a tenant whose forecast was low can still
 * grow; a flagged tenant is held to a fraction of its entitled share, not of its (abusive)
 * demand, so the abuse itself cannot raise its limit.
 */
import { weightedMaxMin } from './weighted-max-min.js';

export interface TenantDemand {
  tenant: string;
  /** Forecast request rate (per second) over the next window. */
  forecast: { p50: number; p90: number };
  entitlement: number;
  /** Arrivals per control interval, most recent last. */
  recentArrivals: readonly number[];
}

export interface RateLimitTunerOptions {
  /** Forecast capacity of the fleet, requests per second. */
  capacityRps: number;
  headroom: number;
  minRps: number;
  burstSeconds: number;
  maxBurstiness: number;
  abuseFactor: number;
}

export const defaultRateLimitTunerOptions: Omit<RateLimitTunerOptions, 'capacityRps'> = {
  headroom: 0.2,
  minRps: 0.1,
  burstSeconds: 60,
  maxBurstiness: 2,
  abuseFactor: 0.5,
};

export interface TunedLimit {
  tenant: string;
  rps: number;
  rpm: number;
  burst: number;
  burstiness: number;
  tightened: boolean;
}

/** p95 / mean of per-interval arrivals (1 when there is too little history or no traffic). */
export function burstiness(arrivals: readonly number[], cap = Number.POSITIVE_INFINITY): number {
  if (arrivals.length < 2) return 1;
  const mean = arrivals.reduce((s, x) => s + x, 0) / arrivals.length;
  if (!(mean > 0)) return 1;
  const sorted = [...arrivals].sort((a, b) => a - b);
  const p95 = sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)];
  return Math.max(1, Math.min(cap, p95 / mean));
}

export function tuneRateLimits(
  demands: readonly TenantDemand[],
  options: Partial<RateLimitTunerOptions> & Pick<RateLimitTunerOptions, 'capacityRps'>,
  abusive: ReadonlySet<string> = new Set(),
): TunedLimit[] {
  const o = { ...defaultRateLimitTunerOptions, ...options };
  const totalWeight = demands.reduce((s, d) => s + d.entitlement, 0);
  const fill = weightedMaxMin(
    o.capacityRps,
    demands.map((d) => ({
      id: d.tenant,
      demand: Math.max(0, d.forecast.p90) * (1 + o.headroom),
      weight: d.entitlement,
    })),
  );
  return demands.map((d) => {
    const share = d.entitlement / totalWeight;
    let rps = (fill.allocations.get(d.tenant) ?? 0) + fill.spare * share;
    const tightened = abusive.has(d.tenant);
    if (tightened) rps = Math.min(rps, o.abuseFactor * o.capacityRps * share);
    rps = Math.max(o.minRps, rps);
    // A flagged tenant's recent bursts are the abuse itself: no burst allowance for them.
    const b = tightened ? 1 : burstiness(d.recentArrivals, o.maxBurstiness);
    return {
      tenant: d.tenant,
      rps,
      rpm: Math.max(1, Math.round(rps * 60)),
      burst: Math.max(1, Math.ceil(rps * o.burstSeconds * b)),
      burstiness: b,
      tightened,
    };
  });
}
