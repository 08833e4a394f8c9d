/**
 * Leased mode (the approach of Doorman and Envoy's global rate limiting): a replica takes quota
 * from Redis in batches of up to `leaseSize` units and decides locally until the batch is spent,
 * so most requests cost no Redis round trip.
 *
 * Overshoot bound. Every unit admitted was first taken from the shared limit in Redis, so the
 * units admitted fleet-wide in any window W are at most the units Redis granted in W plus the
 * units replicas held unspent when W began. A lease is `leaseSize` requests' worth: leaseSize x
 * the amount of the request that asks (1 for request limits, its tokens for token limits), so a
 * replica holds at most L = leaseSize x (largest request) units (an unspent lease expires after
 * `leaseTtlMs`; refunds of reserved tokens stay in the replica's lease). Hence:
 *   admitted(W) <= exactLimit(W) + replicas x L      (L = leaseSize for request limits)
 * and, for a limit that does not refill during a test (a fixed or sliding window), admitted <=
 * limit outright; the price is under-admission of at most replicas x leaseSize units stranded
 * in other replicas' leases until they expire (replicas x L). Measured in test/gateway-global-limit.test.ts.
 */
import type { GlobalLimit } from './global-limit.js';
import type { QuotaStore } from './quota-store.js';

interface Lease {
  balance: number;
  expiresAt: number;
  /** A lease request in flight: concurrent callers wait on the same one. */
  pending: Promise<boolean> | null;
  retryAfterMs: number;
}

export interface LeaseResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

export class LeasedQuota {
  private readonly leases = new Map<string, Lease>();
  /** Redis calls made (for the cost comparison with exact mode). */
  redisCalls = 0;

  constructor(
    private readonly store: QuotaStore,
    readonly leaseSize: number,
    readonly leaseTtlMs: number,
    private readonly now: () => number,
  ) {
    if (!(leaseSize >= 1)) throw new RangeError(`LeasedQuota: leaseSize must be >= 1, got ${leaseSize}`);
  }

  private lease(limit: GlobalLimit): Lease {
    let l = this.leases.get(limit.key);
    if (l === undefined) {
      l = { balance: 0, expiresAt: 0, pending: null, retryAfterMs: 0 };
      this.leases.set(limit.key, l);
    }
    if (l.balance > 0 && this.now() >= l.expiresAt) l.balance = 0;
    return l;
  }

  /**
   * Takes `amount` locally, leasing more from Redis first when the balance is short. Concurrent
   * callers share one lease request; when it brings too little for them, they ask again, until
   * Redis grants less than asked (the shared limit is spent): then the rest are refused.
   * Throws when Redis does.
   */
  async acquire(limit: GlobalLimit, amount: number): Promise<LeaseResult> {
    const l = this.lease(limit);
    for (;;) {
      if (l.balance >= amount) {
        l.balance -= amount;
        return { allowed: true, remaining: l.balance, retryAfterMs: 0 };
      }
      if (l.pending === null) {
        const p = this.refill(limit, l, amount);
        l.pending = p;
        p.then(
          () => {
            if (l.pending === p) l.pending = null;
          },
          () => {
            if (l.pending === p) l.pending = null;
          },
        );
      }
      const short = await l.pending;
      if (short && l.balance < amount)
        return { allowed: false, remaining: l.balance, retryAfterMs: l.retryAfterMs };
    }
  }

  /**
   * Leases `leaseSize` requests' worth (leaseSize x amount units: 20 requests of a request limit,
   * or 20 x ~200 tokens of a token limit), less what is held; resolves true when Redis granted
   * less than asked.
   */
  private async refill(limit: GlobalLimit, l: Lease, amount: number): Promise<boolean> {
    const want = Math.max(amount, this.leaseSize * amount - l.balance, 1);
    this.redisCalls++;
    const [granted, , retry] = await this.store.take(limit, want, 'partial');
    l.balance += granted;
    l.expiresAt = this.now() + this.leaseTtlMs;
    l.retryAfterMs = retry;
    return granted < want;
  }

  /**
   * Reconciles a reservation against the local balance, with no Redis call: a refund (delta < 0)
   * adds to the lease, a charge takes from it (a negative balance is paid by the next lease).
   */
  adjust(limit: GlobalLimit, delta: number): void {
    if (delta === 0) return;
    this.lease(limit).balance -= delta;
  }

  /** Drops local balances (Redis restarted, or the policy changed the limit). */
  clear(): void {
    this.leases.clear();
  }
}
