/**
 * Per-instance concurrency (the decode batch cap) from the tightest tier's SLO slack.
 *
 * With continuous batching a token step takes d(b), growing with the batch b, so every sequence
 * on an instance slows as b grows, and the tightest tier's long outputs cross its SLO first.
 * Capping b trades throughput for per-request speed; the gateway's queue (priority or WFQ) then
 * decides who waits, and the tightest tier waits least. So the cap comes down while that tier
 * is short of slack and nothing is waiting, and goes back to the configured cap at once when work
 * waits (a ramp must not find the pool throttled; stepping up took 100 s on a 1-minute ramp):
 *
 *   pressure = p99_tight / slo_tight                 (worst tier by this ratio among tiers seen)
 *   queueing = mean queue depth > queueShare x cap x instances
 *   floor    = max(min, ceil(headroom x mean in-flight per instance))
 *   next     = queueing            -> max
 *              pressure > high     -> max(floor, floor(cap x down))     (never above cap)
 *              pressure < low      -> min(max, ceil(cap x up))
 *              otherwise           -> cap
 *
 * The floor keeps the cap above the load the pool carries anyway, so it trims bursts of batch
 * size, not the steady state (which scaling is for).
 */
export interface BatchCapOptions {
  high: number;
  low: number;
  down: number;
  up: number;
  headroom: number;
  queueShare: number;
  min: number;
}

export const defaultBatchCapOptions: BatchCapOptions = {
  high: 0.85,
  low: 0.6,
  down: 0.8,
  up: 1.25,
  headroom: 1.25,
  queueShare: 0.05,
  min: 4,
};

export interface BatchCapInput {
  /** The cap now (maxConcurrencyPerInstance). */
  cap: number;
  /** The most it may be: the pool's configured cap. */
  max: number;
  /** Worst p99 / SLO over tiers with completions in the window, or null without any. */
  pressure: number | null;
  /** Mean requests in flight per instance, and mean queue depth, over the window. */
  inFlightPerInstance: number;
  queueDepth: number;
  instances: number;
}

export function tuneBatchCap(i: BatchCapInput, options: Partial<BatchCapOptions> = {}): number {
  const o = { ...defaultBatchCapOptions, ...options };
  if (i.queueDepth > o.queueShare * i.cap * Math.max(1, i.instances)) return i.max;
  const raise = Math.min(i.max, Math.ceil(i.cap * o.up - 1e-9));
  if (i.pressure === null) return i.cap;
  if (i.pressure > o.high) {
    const floor = Math.max(o.min, Math.ceil(o.headroom * i.inFlightPerInstance - 1e-9));
    return Math.min(i.cap, Math.max(floor, Math.floor(i.cap * o.down + 1e-9)));
  }
  if (i.pressure < o.low) return raise;
  return i.cap;
}
