/**
 * Everything a run counts, in bounded memory: OutcomeStats per (tier, tenant, model) cell,
 * merged into the total and the by-tier/tenant/model breakdowns at the end (so each request
 * touches one cell: two histogram records, not eight), SLO minutes, the number in system over
 * time (L, for Little's law) and the sum of sojourn times (W). Each request is accounted
 * exactly once, when it leaves the gateway.
 */
import { OutcomeStats, OutcomeStatsMap } from './kernel/outcome-stats.js';
import { SloMinutes } from './kernel/slo-minutes.js';
import { TimeAverage } from './kernel/time-average.js';

export type Fate = 'completed' | 'rejected' | 'failed' | 'timedOut';

export interface Breakdowns {
  total: OutcomeStats;
  byTier: OutcomeStatsMap;
  byTenant: OutcomeStatsMap;
  byModel: OutcomeStatsMap;
}

export class RunStats {
  private readonly cells = new Map<string, Map<string, Map<string, OutcomeStats>>>();
  private lastTier = '';
  private lastTenant = '';
  private lastModel = '';
  private lastStats: OutcomeStats | null = null;
  readonly slo: SloMinutes;
  readonly inSystem = new TimeAverage(0);
  /** Requests that arrived at the gateway (including those still inside at the end). */
  arrivals = 0;
  /** Sum of time in system over departed requests (ms), and their count. */
  sojournMs = 0;
  departures = 0;
  /** Requests that waited in a queue (admission said 'queued') and their total wait (ms). */
  queued = 0;
  waitMs = 0;
  /** Per-token API charges (USD). */
  apiCostUsd = 0;

  constructor(private readonly sloMs: ReadonlyMap<string, number>) {
    this.slo = new SloMinutes(sloMs);
  }

  arrived(now: number): void {
    this.arrivals++;
    this.inSystem.add(now, 1);
  }

  private cell(tier: string, tenant: string, model: string): OutcomeStats {
    // Consecutive departures mostly share a cell; the names are the same string objects, so
    // three comparisons usually replace three Map lookups.
    const last = this.lastStats;
    if (last !== null && this.lastTier === tier && this.lastTenant === tenant && this.lastModel === model)
      return last;
    const stats = this.findCell(tier, tenant, model);
    this.lastTier = tier;
    this.lastTenant = tenant;
    this.lastModel = model;
    this.lastStats = stats;
    return stats;
  }

  private findCell(tier: string, tenant: string, model: string): OutcomeStats {
    let byTenant = this.cells.get(tier);
    if (byTenant === undefined) {
      byTenant = new Map();
      this.cells.set(tier, byTenant);
    }
    let byModel = byTenant.get(tenant);
    if (byModel === undefined) {
      byModel = new Map();
      byTenant.set(tenant, byModel);
    }
    let s = byModel.get(model);
    if (s === undefined) {
      s = new OutcomeStats();
      byModel.set(model, s);
    }
    return s;
  }

  /** A request leaves: counted in its (tier, tenant, model) cell. */
  leave(
    fate: Fate,
    now: number,
    arrivedAt: number,
    tier: string,
    tenant: string,
    model: string,
    ttftMs: number | null,
    inputTokens: number,
    outputTokens: number,
    costUsd: number,
    cacheHit: boolean,
  ): void {
    const latency = now - arrivedAt;
    this.inSystem.add(now, -1);
    this.sojournMs += latency;
    this.departures++;
    const s = this.cell(tier, tenant, model);
    s.requests++;
    if (fate === 'completed') {
      const slo = this.sloMs.get(tier);
      s.recordCompleted(latency, ttftMs, slo === undefined || latency <= slo);
      if (cacheHit) s.cacheHits++;
      s.inputTokens += inputTokens;
      s.outputTokens += outputTokens;
      s.costUsd += costUsd;
      this.apiCostUsd += costUsd;
      this.slo.completed(tier, now, latency);
    } else {
      if (fate === 'rejected') s.rejected++;
      else if (fate === 'failed') s.failed++;
      else s.timedOut++;
      if (fate !== 'rejected') this.slo.error(tier, now);
    }
  }

  /** The total and the breakdowns, merged from the cells. */
  breakdowns(): Breakdowns {
    const out: Breakdowns = {
      total: new OutcomeStats(),
      byTier: new OutcomeStatsMap(),
      byTenant: new OutcomeStatsMap(),
      byModel: new OutcomeStatsMap(),
    };
    for (const [tier, tenants] of this.cells)
      for (const [tenant, models] of tenants)
        for (const [model, s] of models) {
          out.total.merge(s);
          out.byTier.get(tier).merge(s);
          out.byTenant.get(tenant).merge(s);
          out.byModel.get(model).merge(s);
        }
    out.total.requests = this.arrivals;
    return out;
  }
}
