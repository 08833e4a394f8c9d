/**
 * ServiceCapacityEstimator: the requests per second one instance serves at full concurrency,
 * learnt from telemetry instead of configured (a configured figure is a guess, and wrong for
 * every other model, prompt mix or GPU).
 *
 * Continuous batching slows every sequence as the batch grows, so the time a request spends
 * in service is modelled as linear in the instance's concurrency n:
 *
 *   S_i      = n_i / x_i                 (Little's law per interval: n_i requests in service per
 *                                         instance, x_i completions per second per instance)
 *   S(n)     = a + b n,  b >= 0          (weighted least squares over the last `window`
 *                                         intervals, weights = completions)
 *   capacity = K / S(K)                  (K = concurrency slots per instance)
 *
 * The slope b is identifiable only when the observed concurrencies spread (weighted standard
 * deviation >= `minSpread` x K). Until they do, the last identified slope is kept, and with none
 * yet, b = 0: capacity K / S_obs is then optimistic (too few instances, never too many; the
 * pool's own reactive rule still acts underneath), and it corrects itself as soon as load moves.
 */
export interface ServiceCapacityOptions {
  /** Intervals of history in the fit. */
  window: number;
  /** Concurrency spread (std dev / K) needed to fit the slope. */
  minSpread: number;
  /** Intervals with fewer completions are skipped (Little's law on a handful is noise). */
  minCompletions: number;
}

export const defaultServiceCapacityOptions: ServiceCapacityOptions = {
  window: 180,
  minSpread: 0.1,
  minCompletions: 20,
};

interface Sample {
  n: number;
  s: number;
  w: number;
}

export class ServiceCapacityEstimator {
  private readonly o: ServiceCapacityOptions;
  private readonly samples: Sample[] = [];
  private slope: number | null = null;

  constructor(options: Partial<ServiceCapacityOptions> = {}) {
    this.o = { ...defaultServiceCapacityOptions, ...options };
  }

  /**
   * One interval of one pool: mean requests in service per instance, completions per second
   * per instance, and the completions the figures rest on.
   */
  observe(inFlightPerInstance: number, completionsPerSecPerInstance: number, completions: number): void {
    if (!(inFlightPerInstance > 0 && completionsPerSecPerInstance > 0)) return;
    if (completions < this.o.minCompletions) return;
    this.samples.push({
      n: inFlightPerInstance,
      s: inFlightPerInstance / completionsPerSecPerInstance,
      w: completions,
    });
    if (this.samples.length > this.o.window) this.samples.shift();
  }

  /** The fitted service-time line, or null before any usable interval. */
  fit(slots: number): { a: number; b: number; identified: boolean } | null {
    if (this.samples.length === 0) return null;
    let w = 0;
    let mn = 0;
    let ms = 0;
    for (const p of this.samples) {
      w += p.w;
      mn += p.w * p.n;
      ms += p.w * p.s;
    }
    mn /= w;
    ms /= w;
    let vn = 0;
    let cov = 0;
    for (const p of this.samples) {
      vn += p.w * (p.n - mn) ** 2;
      cov += p.w * (p.n - mn) * (p.s - ms);
    }
    vn /= w;
    cov /= w;
    const identified = Math.sqrt(vn) >= this.o.minSpread * slots && vn > 0;
    if (identified) this.slope = Math.max(0, cov / vn);
    const b = this.slope ?? 0;
    // The line through the weighted means; its intercept stays positive (a request takes time).
    const a = Math.max(ms - b * mn, 0.05 * ms);
    return { a, b, identified };
  }

  /** Requests per second one instance serves with all `slots` busy; null before any data. */
  capacity(slots: number): number | null {
    if (!(slots > 0)) return null;
    const f = this.fit(slots);
    if (f === null) return null;
    return slots / (f.a + f.b * slots);
  }
}
