/**
 * Tenant budgets held fleet-wide: each replica adds what a request cost to the tenant's spend for
 * the current calendar period in Redis (INCRBYFLOAT `sluice:budget:<tenant>:<periodStart>`, the
 * key expiring a day after the period), and refuses new requests once the shared spend reaches
 * the budget. The engine's own budget tracker keeps working per replica (and does downgrades);
 * this adds the fleet-wide refusal for `action: reject` budgets.
 *
 * Overshoot: requests admitted before the spend crossed the budget still finish, so the fleet
 * may overspend by the cost of the requests in flight, plus whatever `cacheMs` of staleness lets
 * in (0 in exact mode: one GET per request). Redis down: budgets fail open (the local tracker
 * still applies) and recover by themselves.
 */
import type { Redis } from 'ioredis';
import { periodEnd, periodStart } from '../../budgets/budget-period.js';
import type { BudgetSpec } from '../../policy/schema.js';

const DAY_MS = 86_400_000;

interface Cached {
  spend: number;
  at: number;
  key: string;
}

export interface BudgetCheck {
  exhausted: boolean;
  spentUsd: number;
  /** Until the period ends. */
  retryAfterMs: number;
}

export class SharedBudgets {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: Redis,
    private readonly now: () => number,
    /** How long a read spend may be reused (0: read every time). */
    private readonly cacheMs: number,
  ) {}

  private key(tenant: string, spec: BudgetSpec, t: number): string {
    return `sluice:budget:${tenant}:${periodStart(spec.period, t)}`;
  }

  async check(tenant: string, spec: BudgetSpec): Promise<BudgetCheck> {
    const t = this.now();
    const key = this.key(tenant, spec, t);
    const retryAfterMs = periodEnd(spec.period, periodStart(spec.period, t)) - t;
    let c = this.cache.get(tenant);
    if (c === undefined || c.key !== key || t - c.at > this.cacheMs) {
      try {
        const v = await this.client.get(key);
        c = { spend: v === null ? 0 : Number(v), at: t, key };
        this.cache.set(tenant, c);
      } catch {
        return { exhausted: false, spentUsd: c?.spend ?? 0, retryAfterMs };
      }
    }
    return { exhausted: c.spend >= spec.usd, spentUsd: c.spend, retryAfterMs };
  }

  /** Adds a request's cost. Best effort: never throws. */
  async spend(tenant: string, spec: BudgetSpec, usd: number): Promise<void> {
    if (!(usd > 0)) return;
    const t = this.now();
    const key = this.key(tenant, spec, t);
    try {
      const total = Number(await this.client.incrbyfloat(key, usd));
      await this.client.pexpireat(key, periodEnd(spec.period, periodStart(spec.period, t)) + DAY_MS);
      this.cache.set(tenant, { spend: total, at: t, key });
    } catch {
      // Redis down: the local tracker still holds this replica to the budget.
    }
  }
}
