/**
 * The Kubernetes Horizontal Pod Autoscaler rule:
 *
 *   desired = ceil(current * metric / target)      unless |metric / target - 1| <= tolerance
 *
 * and, against flapping, a scale-down stabilisation window: the replica count used is the
 * highest recommendation seen within the window (scale-up takes effect at once).
 */
export interface HpaConfig {
  /** Target value of the metric (e.g. 0.7 utilisation). */
  target: number;
  /** Dead band around the target (Kubernetes default 0.1). */
  tolerance: number;
  /** Scale-down stabilisation window, ms (Kubernetes default 300 s). */
  stabilisationMs: number;
}

export class HpaRule {
  private readonly history: Array<{ at: number; desired: number }> = [];

  constructor(private readonly config: HpaConfig) {
    if (!(config.target > 0)) throw new RangeError(`HPA target must be > 0, got ${config.target}`);
  }

  /** The raw recommendation for `current` replicas at `metric`. */
  recommend(current: number, metric: number): number {
    const ratio = metric / this.config.target;
    if (Math.abs(ratio - 1) <= this.config.tolerance) return current;
    return Math.ceil(current * ratio - 1e-9);
  }

  /** The stabilised recommendation at time `now`. */
  desired(now: number, current: number, metric: number): number {
    const raw = this.recommend(current, metric);
    this.history.push({ at: now, desired: raw });
    while (this.history.length > 0 && this.history[0].at < now - this.config.stabilisationMs)
      this.history.shift();
    let best = raw;
    for (const h of this.history) if (h.desired > best) best = h.desired;
    return raw > current ? raw : Math.min(best, Math.max(current, raw));
  }
}
