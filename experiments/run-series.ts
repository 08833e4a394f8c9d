/**
 * The time series of one run that the report draws, reduced from telemetry interval records
 * (gateway-core/telemetry/interval-record.ts) as they stream out of the run: one point per
 * interval, summed over tenants, models and instances, latency percentiles per tier from the
 * merged interval histograms. Controller signals (forecast, scale-ahead target, rate limits,
 * queue weights, rollout markers) are appended by whoever knows them. Kept compact so a run's
 * series fits in a cache file and a queue message.
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';

export interface SeriesPoint {
  /** Interval start, seconds from the run's start. */
  t: number;
  arrived: number;
  completed: number;
  rejected: number;
  failed: number;
  timedOut: number;
  /** Requests per second. */
  arrivalRps: number;
  latencyByTier: Record<string, { p50: number | null; p90: number | null; p99: number | null }>;
  queueDepthMax: number;
  queueDepthMean: number;
  /** Sum over pools of instances provisioned (null where no record said). */
  instances: number | null;
  costUsd: number;
}

export interface ForecastPoint {
  t: number;
  /** Forecast arrivals per second and its 10-90% band. */
  mean: number;
  p10: number;
  p90: number;
}

export interface KeyedPoint {
  t: number;
  key: string;
  value: number;
}

export type RolloutMarkerKind = 'canary-start' | 'promote' | 'rollback';

export interface RolloutMarker {
  t: number;
  kind: RolloutMarkerKind;
  detail: string;
}

export interface RunSeries {
  intervalSeconds: number;
  points: SeriesPoint[];
  forecast: ForecastPoint[];
  /** Instances the controller asked for ahead of demand. */
  scaleAhead: { t: number; target: number }[];
  rateLimits: KeyedPoint[];
  queueWeights: KeyedPoint[];
  rollouts: RolloutMarker[];
  /** Latency CDF of the whole run: (ms, fraction of completed requests at or below). */
  latencyCdf: { ms: number; p: number }[];
}

export function emptySeries(intervalSeconds: number): RunSeries {
  return {
    intervalSeconds,
    points: [],
    forecast: [],
    scaleAhead: [],
    rateLimits: [],
    queueWeights: [],
    rollouts: [],
    latencyCdf: [],
  };
}

const CDF_QUANTILES = [
  0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999,
];

/** Folds interval records into a RunSeries. */
export class SeriesBuilder {
  private readonly byStart = new Map<number, IntervalRecord[]>();
  private readonly total = new LatencyHistogram();
  readonly series: RunSeries;

  constructor(
    intervalSeconds: number,
    private readonly originMs = 0,
  ) {
    this.series = emptySeries(intervalSeconds);
  }

  add(records: readonly IntervalRecord[]): void {
    for (const r of records) {
      const list = this.byStart.get(r.start) ?? [];
      list.push(r);
      this.byStart.set(r.start, list);
    }
  }

  /** Reduces what was added; call once at the end of the run. */
  finish(): RunSeries {
    const starts = [...this.byStart.keys()].sort((a, b) => a - b);
    for (const start of starts) this.series.points.push(this.point(start, this.byStart.get(start)!));
    this.series.latencyCdf = [];
    for (const q of CDF_QUANTILES) {
      const ms = this.total.quantile(q);
      if (ms !== null) this.series.latencyCdf.push({ ms, p: q });
    }
    return this.series;
  }

  private point(start: number, records: readonly IntervalRecord[]): SeriesPoint {
    const tiers = new Map<string, LatencyHistogram>();
    const pools = new Map<string, number>();
    let arrived = 0;
    let completed = 0;
    let rejected = 0;
    let failed = 0;
    let timedOut = 0;
    let queueDepthMax = 0;
    let queueDepthMean = 0;
    let costUsd = 0;
    let intervalMs = this.series.intervalSeconds * 1000;
    for (const r of records) {
      arrived += r.arrived;
      completed += r.completed;
      rejected += r.rejected;
      failed += r.failed;
      timedOut += r.timedOut;
      queueDepthMax = Math.max(queueDepthMax, r.queueDepthMax);
      queueDepthMean += r.queueDepthMean;
      costUsd += r.costUsd;
      intervalMs = r.intervalMs;
      const h = LatencyHistogram.fromJSON(r.latencyHistogram);
      const th = tiers.get(r.tier) ?? new LatencyHistogram();
      th.merge(h);
      tiers.set(r.tier, th);
      this.total.merge(h);
      // Instances are per pool (model): take the pool's value once, not once per tenant.
      if (r.instances !== null) pools.set(r.model, Math.max(pools.get(r.model) ?? 0, r.instances));
    }
    const latencyByTier: SeriesPoint['latencyByTier'] = {};
    for (const [tier, h] of tiers) {
      latencyByTier[tier] = { p50: h.quantile(0.5), p90: h.quantile(0.9), p99: h.quantile(0.99) };
    }
    return {
      t: (start - this.originMs) / 1000,
      arrived,
      completed,
      rejected,
      failed,
      timedOut,
      arrivalRps: arrived / (intervalMs / 1000),
      latencyByTier,
      queueDepthMax,
      queueDepthMean,
      instances: pools.size === 0 ? null : [...pools.values()].reduce((a, b) => a + b, 0),
      costUsd,
    };
  }
}
