/**
 * Gradient2 adaptive concurrency limit (after Netflix concurrency-limits' Gradient2Limit).
 * It compares a short-term RTT (the latest sample) with a long-term exponential average; when
 * the short RTT grows past the long one by more than the tolerance, requests are queueing and
 * the limit shrinks in proportion:
 *
 *   gradient = max(0.5, min(1.0, tolerance * longRtt / shortRtt))
 *   newLimit = estimatedLimit * gradient + queueSize
 *   newLimit = estimatedLimit * (1 - smoothing) + newLimit * smoothing
 *   newLimit = max(minLimit, min(maxLimit, newLimit))
 *
 * queueSize lets the limit probe upward while latency is flat; the 0.5 floor stops one outlier
 * from halving capacity more than once per sample. Time is whatever unit the caller's RTTs use.
 */
import { ExpAvgMeasurement } from './exp-avg-measurement.js';

export interface Gradient2Options {
  initialLimit: number;
  minLimit: number;
  maxConcurrency: number;
  /** Weight of the new estimate, 0..1. */
  smoothing: number;
  /** Headroom added each update, as a function of the current (integer) limit. */
  queueSize: (limit: number) => number;
  /** How much the short RTT may exceed the long one before the limit shrinks (>= 1). */
  rttTolerance: number;
  /** Samples in the long RTT's averaging window, and the plain-mean warm-up. */
  longWindow: number;
  warmupWindow: number;
}

export const defaultGradient2Options: Gradient2Options = {
  initialLimit: 20,
  minLimit: 20,
  maxConcurrency: 200,
  smoothing: 0.2,
  queueSize: () => 4,
  rttTolerance: 1.5,
  longWindow: 600,
  warmupWindow: 10,
};

export class Gradient2Limit {
  private readonly o: Gradient2Options;
  private estimatedLimit: number;
  private readonly longRtt: ExpAvgMeasurement;
  private lastRtt = 0;

  constructor(options: Partial<Gradient2Options> = {}) {
    this.o = { ...defaultGradient2Options, ...options };
    const o = this.o;
    if (!(o.minLimit >= 1 && o.maxConcurrency >= o.minLimit))
      throw new RangeError('Gradient2Limit: need 1 <= minLimit <= maxConcurrency');
    if (!(o.smoothing > 0 && o.smoothing <= 1))
      throw new RangeError('Gradient2Limit: smoothing must be in (0, 1]');
    if (!(o.rttTolerance >= 1)) throw new RangeError('Gradient2Limit: rttTolerance must be >= 1');
    this.estimatedLimit = o.initialLimit;
    this.longRtt = new ExpAvgMeasurement(o.longWindow, o.warmupWindow);
  }

  /** The current limit (whole requests). */
  get limit(): number {
    return Math.floor(this.estimatedLimit);
  }

  /** The unrounded estimate (for tests and telemetry). */
  get estimate(): number {
    return this.estimatedLimit;
  }

  get longRttValue(): number {
    return this.longRtt.value;
  }

  get lastRttValue(): number {
    return this.lastRtt;
  }

  /**
   * One completed request: `rtt` its round trip, `inflight` the requests in flight when it
   * started. Drops (`didDrop`) carry no RTT information Gradient2 uses. Returns the new limit.
   */
  onSample(rtt: number, inflight: number, didDrop = false): number {
    void didDrop;
    if (!(rtt > 0)) return this.limit; // a zero RTT (e.g. a cache hit) says nothing about queueing
    const queueSize = this.o.queueSize(this.limit);
    this.lastRtt = rtt;
    const shortRtt = rtt;
    const longRtt = this.longRtt.add(rtt);

    // After a long overload, the long RTT lags far above the short one: decay it faster than
    // the EWMA would so the limit can grow again soon after latency recovers.
    if (longRtt / shortRtt > 2) this.longRtt.update((current) => current * 0.95);

    // Don't grow the limit while we are app-limited (demand, not capacity, bounds in-flight).
    if (inflight < this.estimatedLimit / 2) return this.limit;

    // A short RTT below the long one is smoothing noise, not spare capacity: cap at 1.0.
    const gradient = Math.max(0.5, Math.min(1.0, (this.o.rttTolerance * longRtt) / shortRtt));
    let newLimit = this.estimatedLimit * gradient + queueSize;
    newLimit = this.estimatedLimit * (1 - this.o.smoothing) + newLimit * this.o.smoothing;
    newLimit = Math.max(this.o.minLimit, Math.min(this.o.maxConcurrency, newLimit));
    this.estimatedLimit = newLimit;
    return this.limit;
  }
}
