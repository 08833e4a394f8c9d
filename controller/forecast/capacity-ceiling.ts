/**
 * What a provider can take, learnt from the moments it pushed back. A provider over its quota
 * answers 429; the gateway retries after the retry-after, so the first sign is not failures
 * but slower answers, and failures follow once retries run out. Per interval (10 s):
 *
 *   served   = completions/s on the provider's pools
 *   bad      = (failed + timed out) / ended
 *   pace     = sum(latency) / sum(output tokens)            (ms per output token: latency with
 *                                                             the answer's length taken out)
 *   baseline = 10th percentile of the window's pace over clean windows of the last `memoryMs`
 *   (no verdict, and nothing learnt, from a window with fewer than `minRequests` ended)
 *   trouble  = bad > failureRate  or  pace(last `window`) > slowdown x baseline
 *   ceiling  = lowest `window`-mean served rate at the onset of a trouble episode within
 *              `memoryMs` (null: none): the load at which the provider began to push back.
 *              Later in an episode the served rate falls as relief moves traffic away.
 *   clean    = highest `window`-mean served rate without trouble, within `memoryMs`
 *
 * Window means, not single intervals: one 10-second burst over the quota is noise, a run of
 * them is the quota. Old refusals age out, so a quota that was raised is found again.
 */
export interface CapacityCeilingOptions {
  memoryMs: number;
  failureRate: number;
  slowdown: number;
  /** Intervals averaged per observation. */
  window: number;
  /** Fewest ended requests in the window for any verdict (a trickle says nothing). */
  minRequests: number;
}

interface Sample {
  at: number;
  served: number;
  ended: number;
  bad: number;
  latencyMs: number;
  outputTokens: number;
}

export interface CapacitySample {
  /** Completions per second in the interval. */
  servedRps: number;
  ended: number;
  bad: number;
  /** Sum of completed requests' latencies (ms) and their output tokens. */
  latencyMs: number;
  outputTokens: number;
}

export class CapacityCeiling {
  private readonly o: CapacityCeilingOptions;
  private readonly recent: Sample[] = [];
  private refusals: { at: number; rps: number }[] = [];
  private cleans: { at: number; rps: number }[] = [];
  private paces: { at: number; pace: number }[] = [];
  private troubled = false;

  constructor(options: Partial<CapacityCeilingOptions> = {}) {
    this.o = {
      memoryMs: 1_800_000,
      failureRate: 0.002,
      slowdown: 1.3,
      window: 3,
      minRequests: 100,
      ...options,
    };
  }

  observe(at: number, s: CapacitySample): void {
    const keep = (r: { at: number }) => at - r.at < this.o.memoryMs;
    this.refusals = this.refusals.filter(keep);
    this.cleans = this.cleans.filter(keep);
    this.paces = this.paces.filter(keep);
    this.recent.push({ at, served: s.servedRps, ...s });
    if (this.recent.length > this.o.window) this.recent.shift();
    let served = 0;
    let ended = 0;
    let bad = 0;
    let latency = 0;
    let tokens = 0;
    for (const r of this.recent) {
      served += r.served;
      ended += r.ended;
      bad += r.bad;
      latency += r.latencyMs;
      tokens += r.outputTokens;
    }
    served /= this.recent.length;
    if (ended < this.o.minRequests) {
      this.troubled = false;
      return;
    }
    const pace = tokens > 0 ? latency / tokens : null;
    const base = this.baseline;
    const failing = bad >= 2 && bad / ended > this.o.failureRate;
    const slow = pace !== null && base !== null && pace > this.o.slowdown * base;
    const onset = (failing || slow) && !this.troubled;
    this.troubled = failing || slow;
    if (this.troubled) {
      if (onset) this.refusals.push({ at, rps: served });
    } else {
      this.cleans.push({ at, rps: served });
      if (tokens > 0) this.paces.push({ at, pace: latency / tokens });
    }
  }

  /** Whether the latest window showed trouble. */
  get trouble(): boolean {
    return this.troubled;
  }

  /** ms per output token in clean intervals (10th percentile), null before any. */
  get baseline(): number | null {
    if (this.paces.length < this.o.window) return null;
    const sorted = this.paces.map((p) => p.pace).sort((a, b) => a - b);
    return sorted[Math.floor(0.1 * (sorted.length - 1))];
  }

  /** The ceiling in requests/s, or null when nothing has been refused lately. */
  get rps(): number | null {
    if (this.refusals.length === 0) return null;
    let min = Number.POSITIVE_INFINITY;
    for (const r of this.refusals) if (r.rps < min) min = r.rps;
    return min;
  }

  /** The most requests/s served without trouble within memory (0 when none). */
  get cleanRps(): number {
    let max = 0;
    for (const r of this.cleans) if (r.rps > max) max = r.rps;
    return max;
  }
}
