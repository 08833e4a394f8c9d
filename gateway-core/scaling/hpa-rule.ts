/**
 * The Kubernetes Horizontal Pod Autoscaler's rule (autoscaling/v2 algorithm):
 *
 *   ratio   = currentMetric / targetMetric
 *   desired = current                         if |ratio - 1| <= tolerance (0.1)
 *           = ceil(current * ratio)            otherwise
 *   scale-down stabilisation: desired = max(recommendations over the last window (300 s))
 *   scale-up stabilisation:   desired = min(recommendations over the last upWindow (0 s))
 *   scale-up rate:            desired <= max(2 * current, current + 4)   (the default policies)
 *   desired = clamp(desired, minReplicas, maxReplicas)
 *
 * Stabilisation uses the raw recommendations, so a brief dip cannot scale down until it has
 * lasted a whole window, while a rise acts at once. One rule for the controller's `reactive`
 * baseline and the simulator's pool scaler (which passes no scale-up rate cap: its actuator
 * has its own cooldown and bounds).
 */
export interface HpaOptions {
  minReplicas: number;
  maxReplicas: number;
  /** Target value of the per-replica metric (e.g. 0.7 utilisation, or 8 requests in flight). */
  target: number;
  tolerance: number;
  scaleDownWindowMs: number;
  scaleUpWindowMs: number;
  /** Cap on one scale-up: max(current * upPercent / 100 + current, current + upPods). */
  upPercent: number;
  upPods: number;
}

export const defaultHpaOptions: Omit<HpaOptions, 'minReplicas' | 'maxReplicas' | 'target'> = {
  tolerance: 0.1,
  scaleDownWindowMs: 300_000,
  scaleUpWindowMs: 0,
  upPercent: 100,
  upPods: 4,
};

export class HpaRule {
  readonly options: HpaOptions;
  private readonly history: { at: number; replicas: number }[] = [];

  constructor(options: Partial<HpaOptions> & Pick<HpaOptions, 'minReplicas' | 'maxReplicas' | 'target'>) {
    this.options = { ...defaultHpaOptions, ...options };
    const o = this.options;
    if (!(o.minReplicas >= 1 && o.maxReplicas >= o.minReplicas))
      throw new RangeError('HpaRule: need 1 <= minReplicas <= maxReplicas');
    if (!(o.target > 0)) throw new RangeError('HpaRule: target must be > 0');
  }

  /** The raw recommendation before stabilisation and clamping. */
  recommend(current: number, metric: number): number {
    const ratio = metric / this.options.target;
    if (Math.abs(ratio - 1) <= this.options.tolerance) return current;
    // The epsilon keeps an exact ratio that floating point nudged up (4 x 0.7 / 0.7) at 4.
    return Math.ceil(current * ratio - 1e-9);
  }

  /** Desired replicas at `now` (ms) given the current count and the per-replica metric. */
  desired(now: number, current: number, metric: number): number {
    const o = this.options;
    const raw = this.recommend(current, metric);
    this.history.push({ at: now, replicas: raw });
    const horizon = now - Math.max(o.scaleDownWindowMs, o.scaleUpWindowMs);
    while (this.history.length > 0 && this.history[0].at < horizon) this.history.shift();
    let downFloor = raw;
    let upCeiling = raw;
    for (const h of this.history) {
      if (h.at >= now - o.scaleDownWindowMs) downFloor = Math.max(downFloor, h.replicas);
      if (h.at >= now - o.scaleUpWindowMs) upCeiling = Math.min(upCeiling, h.replicas);
    }
    let desired = current;
    if (raw < current) desired = Math.min(current, downFloor);
    else if (raw > current) desired = Math.max(current, upCeiling);
    const upLimit = Math.max(Math.ceil(current * (1 + o.upPercent / 100)), current + o.upPods);
    desired = Math.min(desired, upLimit);
    return Math.max(o.minReplicas, Math.min(o.maxReplicas, desired));
  }
}
