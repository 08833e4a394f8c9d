/**
 * How long each tenant's budget lasts at its current spend, from telemetry alone:
 *
 *   spent   = cost of the tenant's intervals since its budget period began
 *   rate    = cost of its last `recent` intervals / their span
 *   runway  = 0                          when spent >= usd
 *           = (usd - spent) / rate       when rate > 0
 *           = +inf                       otherwise
 *
 * A budget whose action is `downgrade` moves the tenant's traffic to `downgradeTo` when its
 * runway ends, so a tuner sizing that model's headroom counts the tenant in ahead of time.
 * The gateway's own tracker is the authority; this is a forecast of it, fed one closed
 * interval at a time (each interval's records once).
 */
import { periodStart } from '../../gateway-core/budgets/budget-period.js';
import type { BudgetSpec } from '../../gateway-core/policy/schema.js';

export class BudgetRunway {
  private readonly spent = new Map<string, { period: number; usd: number }>();
  private readonly recent = new Map<string, { start: number; usd: number }[]>();

  constructor(
    private readonly intervalMs: number,
    private readonly recentIntervals = 6,
  ) {}

  /** A closed interval's cost per tenant. */
  observe(
    start: number,
    costByTenant: ReadonlyMap<string, number>,
    periods: ReadonlyMap<string, BudgetSpec>,
  ): void {
    for (const [tenant, budget] of periods) {
      const usd = costByTenant.get(tenant) ?? 0;
      const period = periodStart(budget.period, start);
      const s = this.spent.get(tenant);
      if (s === undefined || s.period !== period) this.spent.set(tenant, { period, usd });
      else s.usd += usd;
      const list = this.recent.get(tenant) ?? [];
      list.push({ start, usd });
      if (list.length > this.recentIntervals) list.shift();
      this.recent.set(tenant, list);
    }
  }

  /** Milliseconds until `tenant` reaches `budget` at `now`, as seen so far. */
  runwayMs(tenant: string, budget: BudgetSpec, now: number): number {
    const s = this.spent.get(tenant);
    if (s === undefined || s.period !== periodStart(budget.period, now)) return Number.POSITIVE_INFINITY;
    if (s.usd >= budget.usd) return 0;
    const list = this.recent.get(tenant) ?? [];
    const usd = list.reduce((sum, r) => sum + r.usd, 0);
    const span = list.length * this.intervalMs;
    if (usd <= 0 || span <= 0) return Number.POSITIVE_INFINITY;
    return ((budget.usd - s.usd) / usd) * span;
  }
}
