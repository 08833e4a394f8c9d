/**
 * Everything a run counts, in bounded memory: totals and per tier/tenant/model OutcomeStats,
 * SLO minutes, the number in system over time (L, for Little's law) and the sum of sojourn
 * times (W). Each request is accounted exactly once, when it leaves the gateway.
 */
import { OutcomeStats, OutcomeStatsMap } from './kernel/outcome-stats.js';
import { SloMinutes } from './kernel/slo-minutes.js';
import { TimeAverage } from './kernel/time-average.js';

export type Fate = 'completed' | 'rejected' | 'failed' | 'timedOut';

export class RunStats {
  readonly total = new OutcomeStats();
  readonly byTier = new OutcomeStatsMap();
  readonly byTenant = new OutcomeStatsMap();
  readonly byModel = new OutcomeStatsMap();
  readonly slo: SloMinutes;
  readonly inSystem = new TimeAverage(0);
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
    this.total.requests++;
    this.inSystem.add(now, 1);
  }

  /** A request leaves: counted under its tier, tenant and model. */
  leave(
    fate: Fate,
    now: number,
    arrivedAt: number,
    tier: string,
    tenant: string,
    model: string,
    ttftMs: number | null,
    tokens: { input: number; output: number; costUsd: number } | null,
    cacheHit: boolean,
  ): void {
    const latency = now - arrivedAt;
    this.inSystem.add(now, -1);
    this.sojournMs += latency;
    this.departures++;
    const slo = this.sloMs.get(tier);
    const met = slo === undefined || latency <= slo;
    const slices = [this.total, this.byTier.get(tier), this.byTenant.get(tenant), this.byModel.get(model)];
    for (let i = 0; i < 4; i++) {
      const s = slices[i];
      if (i > 0) s.requests++;
      if (fate === 'completed') {
        s.recordCompleted(latency, ttftMs, met);
        if (cacheHit) s.cacheHits++;
        if (tokens !== null) {
          s.inputTokens += tokens.input;
          s.outputTokens += tokens.output;
          s.costUsd += tokens.costUsd;
        }
      } else if (fate === 'rejected') s.rejected++;
      else if (fate === 'failed') s.failed++;
      else s.timedOut++;
    }
    if (tokens !== null) this.apiCostUsd += tokens.costUsd;
    if (fate === 'completed') this.slo.completed(tier, now, latency);
    else if (fate === 'failed' || fate === 'timedOut') this.slo.error(tier, now);
  }
}
