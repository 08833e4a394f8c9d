/**
 * State that outlives a policy version: rate-limiter buckets, concurrency counters and budget
 * spend. A limit whose definition is unchanged in a new version keeps its bucket (found by its
 * signature); a changed one starts afresh, and a retune (`reconfigure`) keeps state on purpose.
 */
import { BudgetTracker } from '../budgets/budget-tracker.js';
import { ConcurrencyLimiter } from '../limits/concurrency-limiter.js';
import { KeyedLimiters } from '../limits/keyed-limiters.js';
import type { NormalisedLimit } from '../policy/normalised-limit.js';
import type { BudgetSpec } from '../policy/schema.js';

export function limitSignature(l: NormalisedLimit): string {
  return `${l.id}|${l.algorithm}|${l.unit}|${l.by.join('+')}|${l.limit}|${l.periodMs}|${l.burst}`;
}

export class SharedState {
  private readonly limiters = new Map<string, KeyedLimiters>();
  private readonly concurrency = new Map<string, ConcurrencyLimiter>();
  private readonly budgets = new Map<string, BudgetTracker>();

  keyedLimiters(limit: NormalisedLimit): KeyedLimiters {
    const sig = limitSignature(limit);
    let k = this.limiters.get(sig);
    if (k === undefined) {
      k = new KeyedLimiters(limit.algorithm, {
        limit: limit.limit,
        periodMs: limit.periodMs,
        burst: limit.burst,
      });
      this.limiters.set(sig, k);
    }
    return k;
  }

  /**
   * The in-flight counter of a scope (`tenant:acme`, `key:k1`, `model:gpt-4o`), shared by every
   * version: it only counts. Each admission plan compares it with its own version's maximum, so a
   * canary's limit never becomes the control's (or the other way round).
   */
  concurrencyCounter(scope: string): ConcurrencyLimiter {
    let c = this.concurrency.get(scope);
    if (c === undefined) {
      c = new ConcurrencyLimiter(Number.POSITIVE_INFINITY);
      this.concurrency.set(scope, c);
    }
    return c;
  }

  budget(tenant: string, spec: BudgetSpec): BudgetTracker {
    let b = this.budgets.get(tenant);
    if (b === undefined || b.period !== spec.period) {
      b = new BudgetTracker({ usd: spec.usd, period: spec.period, softThreshold: spec.softThreshold ?? 0.8 });
      this.budgets.set(tenant, b);
    } else if (b.limitUsd !== spec.usd) {
      b.setLimit(spec.usd);
    }
    return b;
  }

  budgetOf(tenant: string): BudgetTracker | undefined {
    return this.budgets.get(tenant);
  }

  /** Drops limiter sets no live version refers to. */
  prune(liveSignatures: ReadonlySet<string>): void {
    for (const sig of this.limiters.keys()) if (!liveSignatures.has(sig)) this.limiters.delete(sig);
  }

  allKeyedLimiters(): IterableIterator<[string, KeyedLimiters]> {
    return this.limiters.entries();
  }
}
