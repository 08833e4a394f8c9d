/**
 * ServiceCapacityEstimator: the requests per second one instance serves at full concurrency,
 * learnt from telemetry instead of configured (a configured figure is a guess, and wrong for
 * every other model, prompt mix or GPU).
 *
 * Continuous batching slows every sequence as the batch grows, so the time a request spends
 * in service is modelled as linear in the instance's concurrency n:
 *
 *   S(n)     = a + b n,  b >= 0
 *   S_g      = sum n_i / sum x_i         (Little's law over a group of intervals: time-average
 *                                         requests in service per instance over time-average
 *                                         completions per second per instance)
 *   b        = (S_hi - S_lo) / (nbar_hi - nbar_lo)     (Wald's grouping estimator, intervals
 *   a        = mean over the two groups of S_g - b nbar_g  split at the mean arrival rate per
 *                                                          instance: an instrument)
 *   capacity = K / S(K)                  (K = concurrency slots per instance)
 *   x(n)     = n / S(n)                  (throughput with n slots busy: what a target
 *                                         occupancy, as the HPA rule sets it, delivers)
 *
 * Why ratios of sums and groups, not least squares on per-interval n_i / x_i: with long requests
 * a 10 s interval completes few of them, x_i is noisy, and E[n / x] > n / E[x] (Jensen)
 * overstates service time; noise in the in-flight gauge flattens a least-squares slope. Both
 * made a replay of real traffic (Azure LLM trace) look 30% slower than it was. And why group by
 * arrivals, not by concurrency: when the request mix turns to longer requests, concurrency and
 * service time rise together with no batching at all (Little's law), and a fit on concurrency
 * reads that as a steep slope (it did, 0.3 s per sequence on the Azure replay, tripling the
 * sized fleet). Arrivals per instance move concurrency through load alone.
 *
 * The slope b is identifiable only when the two groups' concurrencies differ by at least
 * `minSpread` x K. Until they do, the last identified slope is kept, and with none yet,
 * b = 0: capacity K / S_obs is then optimistic (too few instances, never too many; the pool's
 * own reactive rule still acts underneath), and it corrects itself as soon as load moves.
 *
 * What the adaptive controller uses is optimisticCapacity, K / S_obs (the line's slope left
 * out): on a replay of real traffic the slope stayed confounded by the request mix and made the
 * fleet 25% larger for nothing (see adaptive-controller.ts). The line is kept as evidence.
 */
export interface ServiceCapacityOptions {
  /** Intervals of history in the fit. */
  window: number;
  /** Concurrency difference between the groups (as a share of K) needed to fit the slope. */
  minSpread: number;
  /** Intervals with fewer completions are skipped (Little's law on a handful is noise). */
  minCompletions: number;
}

export const defaultServiceCapacityOptions: ServiceCapacityOptions = {
  window: 30,
  minSpread: 0.1,
  minCompletions: 20,
};

interface Sample {
  n: number;
  x: number;
  lambda: number;
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
   * per instance, the completions the figures rest on, and arrivals per second per instance
   * (the grouping instrument; completions stand in when absent).
   */
  observe(
    inFlightPerInstance: number,
    completionsPerSecPerInstance: number,
    completions: number,
    arrivalsPerSecPerInstance?: number,
  ): void {
    if (!(inFlightPerInstance > 0 && completionsPerSecPerInstance > 0)) return;
    if (completions < this.o.minCompletions) return;
    this.samples.push({
      n: inFlightPerInstance,
      x: completionsPerSecPerInstance,
      lambda: arrivalsPerSecPerInstance ?? completionsPerSecPerInstance,
    });
    if (this.samples.length > this.o.window) this.samples.shift();
  }

  /** The fitted service-time line, or null before any usable interval. */
  fit(slots: number): { a: number; b: number; identified: boolean; observed: number } | null {
    const all = this.samples;
    if (all.length === 0) return null;
    const group = (ps: readonly Sample[]) => {
      let n = 0;
      let x = 0;
      for (const p of ps) {
        n += p.n;
        x += p.x;
      }
      return { s: n / x, nbar: n / ps.length };
    };
    const overall = group(all);
    const lambdaBar = all.reduce((t, p) => t + p.lambda, 0) / all.length;
    const lo = all.filter((p) => p.lambda <= lambdaBar);
    const hi = all.filter((p) => p.lambda > lambdaBar);
    const gl = lo.length > 0 ? group(lo) : null;
    const gh = hi.length > 0 ? group(hi) : null;
    const identified = gl !== null && gh !== null && gh.nbar - gl.nbar >= this.o.minSpread * slots;
    let a: number;
    if (identified) {
      this.slope = Math.max(0, (gh.s - gl.s) / (gh.nbar - gl.nbar));
      a = (gl.s - this.slope * gl.nbar + gh.s - this.slope * gh.nbar) / 2;
    } else a = overall.s - (this.slope ?? 0) * overall.nbar;
    // A request takes time: the intercept stays positive.
    return { a: Math.max(a, 0.05 * overall.s), b: this.slope ?? 0, identified, observed: overall.s };
  }

  /**
   * An upper bound on capacity for rationing: all `slots` busy at today's observed service time
   * (slope 0; batching only ever slows a fuller instance). Rationing below it could refuse work
   * the fleet would have served.
   */
  optimisticCapacity(slots: number): number | null {
    const f = this.fit(slots);
    if (f === null || !(slots > 0)) return null;
    return slots / f.observed;
  }

  /** Requests per second one instance serves with all `slots` busy; null before any data. */
  capacity(slots: number): number | null {
    return this.throughputAt(slots, slots);
  }

  /** Requests per second one instance serves with `n` of its `slots` busy: n / S(n). */
  throughputAt(n: number, slots: number): number | null {
    if (!(slots > 0 && n > 0)) return null;
    const f = this.fit(slots);
    if (f === null) return null;
    return n / (f.a + f.b * n);
  }
}
