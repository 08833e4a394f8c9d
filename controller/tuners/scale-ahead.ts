/**
 * Desired instances for the moment new ones would be ready (now + provisioning delay):
 *
 *   h       = ceil(provisioningDelayMs / intervalMs)      (forecast steps ahead)
 *   load    = p90 forecast at h + queueDepth / drainSeconds
 *   desired = clamp(ceil(load / (perInstanceRps * targetUtilization)), min, max)
 *
 * Sizing on the p90 rather than the median buys headroom exactly where the forecast is unsure;
 * the backlog term drains a standing queue within `drainSeconds` instead of only holding it.
 */
export interface ScaleAheadInput {
  /** p90 forecast of arrivals per second at now + provisioning delay. */
  forecastP90Rps: number;
  /** Requests per second one instance serves at full utilisation. */
  perInstanceRps: number;
  targetUtilization: number;
  queueDepth?: number;
  drainSeconds?: number;
  minInstances: number;
  maxInstances: number;
}

export function scaleAhead(i: ScaleAheadInput): number {
  if (!(i.perInstanceRps > 0)) throw new RangeError('scaleAhead: perInstanceRps must be > 0');
  if (!(i.targetUtilization > 0 && i.targetUtilization <= 1))
    throw new RangeError('scaleAhead: targetUtilization must be in (0, 1]');
  const backlog = (i.queueDepth ?? 0) / (i.drainSeconds ?? 60);
  const load = Math.max(0, i.forecastP90Rps) + backlog;
  // Subtract a hair before ceil so 10.000000000000002 from float noise stays 10.
  const desired = Math.ceil(load / (i.perInstanceRps * i.targetUtilization) - 1e-9);
  return Math.max(i.minInstances, Math.min(i.maxInstances, desired));
}

/** Forecast steps that cover the provisioning delay. */
export function horizonSteps(provisioningDelayMs: number, intervalMs: number): number {
  return Math.max(1, Math.ceil(provisioningDelayMs / intervalMs));
}
