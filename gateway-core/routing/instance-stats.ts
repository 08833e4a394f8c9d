/**
 * The live view of one backend instance that balancers read: weight, requests in flight, and an
 * exponentially weighted moving average of its response latency:
 *
 *   ewma_0 = x_0                              (the first sample is taken as is)
 *   ewma_k = ewma_{k-1} + alpha * (x_k - ewma_{k-1})
 *
 * so a sample k observations old weighs alpha * (1 - alpha)^k. The default alpha 0.3 halves a
 * sample's influence about every two observations: fast enough to notice an instance slowing
 * down within a handful of requests, smooth enough not to chase single outliers. The average is
 * per observation, not per unit of time, so it needs no clock.
 */
import type { InstanceView } from './load-balancer.js';

export class InstanceStats implements InstanceView {
  readonly id: string;
  private weightValue: number;
  private inFlightCount = 0;
  private ewma = 0;
  private sampleCount = 0;
  private readonly alpha: number;

  constructor(id: string, weight = 1, alpha = 0.3) {
    if (!(weight > 0) || !Number.isFinite(weight))
      throw new RangeError(`instance ${id}: weight must be finite and > 0, got ${weight}`);
    if (!(alpha > 0 && alpha <= 1))
      throw new RangeError(`instance ${id}: alpha must be in (0, 1], got ${alpha}`);
    this.id = id;
    this.weightValue = weight;
    this.alpha = alpha;
  }

  get weight(): number {
    return this.weightValue;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get ewmaLatencyMs(): number {
    return this.ewma;
  }

  /** Latency samples observed so far. */
  get samples(): number {
    return this.sampleCount;
  }

  setWeight(weight: number): void {
    if (!(weight > 0) || !Number.isFinite(weight))
      throw new RangeError(`instance ${this.id}: weight must be finite and > 0, got ${weight}`);
    this.weightValue = weight;
  }

  /** A request was dispatched to this instance. */
  begin(): void {
    this.inFlightCount++;
  }

  /** A request dispatched here finished (successfully or not). */
  end(): void {
    if (this.inFlightCount === 0) throw new Error(`instance ${this.id}: end() without a matching begin()`);
    this.inFlightCount--;
  }

  /** Folds one response latency into the EWMA. */
  observe(latencyMs: number): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs))
      throw new RangeError(`instance ${this.id}: latency must be finite and >= 0, got ${latencyMs}`);
    this.ewma = this.sampleCount === 0 ? latencyMs : this.ewma + this.alpha * (latencyMs - this.ewma);
    this.sampleCount++;
  }
}
