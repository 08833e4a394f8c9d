/**
 * The local limiter a replica falls back to while Redis is unreachable (fail-open limits): a
 * token bucket per limit key, with the policy's numbers, on this replica alone.
 *   tokens = min(burst, tokens + (now - last) * limit / periodMs);  admit iff tokens >= amount
 * While Redis is down each replica admits up to the full limit, so the fleet may admit up to
 * replicas x limit: the price of staying open, stated in the README.
 */
import type { GlobalLimit } from './global-limit.js';

interface BucketState {
  tokens: number;
  last: number;
}

export class FallbackBuckets {
  private readonly buckets = new Map<string, BucketState>();

  /** Returns 0 when admitted, else ms until `amount` could be admitted. */
  take(limit: GlobalLimit, amount: number, now: number): number {
    let b = this.buckets.get(limit.key);
    if (b === undefined) {
      b = { tokens: limit.burst, last: now };
      this.buckets.set(limit.key, b);
    }
    const rate = limit.limit / limit.periodMs;
    b.tokens = Math.min(limit.burst, b.tokens + Math.max(0, now - b.last) * rate);
    b.last = now;
    if (b.tokens >= amount) {
      b.tokens -= amount;
      return 0;
    }
    return rate > 0 ? Math.ceil((amount - b.tokens) / rate) : -1;
  }

  remaining(limit: GlobalLimit): number {
    return Math.floor(this.buckets.get(limit.key)?.tokens ?? limit.burst);
  }

  /** Forgets local state once Redis is back: the shared state is the truth again. */
  clear(): void {
    this.buckets.clear();
  }
}
