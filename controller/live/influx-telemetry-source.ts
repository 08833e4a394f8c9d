/**
 * A TelemetrySource over InfluxDB 1.x: reads back the interval records the gateways' writer
 * (gateway-core/server/telemetry/influx-writer.ts) stores as measurement `sluice_interval`, tags
 * tenant, model, instance, tier, arm, policyVersion, one point per record at its interval start.
 *
 * `window()` is synchronous (the controller modes are), so the live loop awaits `refresh(from, to)`
 * before each control interval and `window()` answers from that cache. Only settled intervals
 * are kept: start + intervalMs <= to - settleMs, because a gateway writes a closed interval up to
 * one telemetry tick (1 s) after it ends, and a half-written interval would look like a drop.
 * Refreshes are incremental: records older than `from` are dropped, and only the last
 * `refetchMs` before the previous refresh's end (late writes) and what is new are read again.
 *
 * Latency histogram: the writer keeps only the summary (latency_p50/p90/p99/mean/max), not the
 * mergeable histogram. When a point carries a `latencyHistogram` field (its JSON, as the record
 * holds it) that is used as is; otherwise one is derived from the summary (see
 * `histogramFromSummary`), which is what the judge then ranks.
 *
 * Several databases may be read (one per replica, while the writer has no replica tag: two
 * replicas writing one series at one timestamp overwrite each other in InfluxDB).
 */
import { InfluxDB } from 'influx';
import { LatencyHistogram } from '../../gateway-core/histogram.js';
import type { Arm, BreakerState, IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import type { TelemetrySource } from '../interfaces.js';
import { histogramFromSummary } from './latency-summary.js';

export const MEASUREMENT = 'sluice_interval';

export interface InfluxTelemetryOptions {
  /** e.g. http://127.0.0.1:8086 */
  url: string;
  /** Databases to read and merge (default ['sluice'], the writer's default). */
  databases?: readonly string[];
  /** How long after an interval ends its records count as written (default 1500 ms). */
  settleMs?: number;
  /** How far back each refresh re-reads what the cache already has (default 30 s). */
  refetchMs?: number;
  timeoutMs?: number;
  /** Relative error of derived histograms (the engine's default 0.01). */
  histogramAlpha?: number;
}

export interface RefreshReport {
  records: number;
  /** Databases that could not be read, with the reason (a missing database is not an error). */
  errors: { database: string; error: string }[];
}

type Row = Record<string, unknown> & { time: Date };

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}

export class InfluxTelemetrySource implements TelemetrySource {
  readonly databases: readonly string[];
  readonly settleMs: number;
  readonly refetchMs: number;
  private readonly influx: InfluxDB;
  private readonly alpha: number;
  private cache: IntervalRecord[] = [];
  /** Wall time up to which settled intervals are cached (set by refresh). */
  settledTo = Number.NEGATIVE_INFINITY;

  constructor(opts: InfluxTelemetryOptions) {
    const u = new URL(opts.url);
    this.databases = opts.databases ?? ['sluice'];
    this.settleMs = opts.settleMs ?? 1500;
    this.refetchMs = opts.refetchMs ?? 30_000;
    this.alpha = opts.histogramAlpha ?? 0.01;
    this.influx = new InfluxDB({
      host: u.hostname,
      port: Number(u.port || 8086),
      protocol: u.protocol === 'https:' ? 'https' : 'http',
      options: { timeout: opts.timeoutMs ?? 2000 },
    });
  }

  /** Brings the cache to the settled records that start in [fromMs, toMs - settleMs). */
  async refresh(fromMs: number, toMs: number): Promise<RefreshReport> {
    const settledTo = toMs - this.settleMs;
    const fetchFrom = Math.floor(Math.max(fromMs, Math.min(this.settledTo, settledTo) - this.refetchMs));
    const q = `SELECT * FROM "${MEASUREMENT}" WHERE time >= ${fetchFrom}ms AND time < ${Math.ceil(settledTo)}ms`;
    const errors: RefreshReport['errors'] = [];
    const out: IntervalRecord[] = [];
    await Promise.all(
      this.databases.map(async (database) => {
        try {
          const rows = await this.influx.query<Row>(q, { database, precision: 'ms' });
          for (const row of rows) {
            const r = this.toRecord(row);
            if (r.start + r.intervalMs <= settledTo) out.push(r);
          }
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if (!/database not found/i.test(msg)) errors.push({ database, error: msg });
        }
      }),
    );
    const kept = this.cache.filter((r) => r.start >= fromMs && r.start < fetchFrom);
    this.cache = kept.concat(out).sort((a, b) => a.start - b.start);
    // After a failed read, the next refresh re-reads from where the last good one ended.
    if (errors.length === 0) this.settledTo = settledTo;
    return { records: this.cache.length, errors };
  }

  window(fromMs: number, toMs: number): IntervalRecord[] {
    return this.cache.filter((r) => r.start >= fromMs && r.start < toMs);
  }

  /** One InfluxDB row -> the interval record it was written from. */
  toRecord(row: Row): IntervalRecord {
    const completed = num(row.completed);
    const latencyMs = {
      p50: numOrNull(row.latency_p50),
      p90: numOrNull(row.latency_p90),
      p99: numOrNull(row.latency_p99),
      mean: numOrNull(row.latency_mean),
      max: numOrNull(row.latency_max),
    };
    let histogram: LatencyHistogram | null = null;
    if (typeof row.latencyHistogram === 'string') {
      try {
        histogram = LatencyHistogram.fromJSON(JSON.parse(row.latencyHistogram));
      } catch {
        histogram = null;
      }
    }
    histogram ??= histogramFromSummary(completed, latencyMs, this.alpha);
    const breaker = row.breakerState;
    return {
      tenant: str(row.tenant, '-'),
      model: str(row.model, '-'),
      instance: str(row.instance, '-'),
      tier: str(row.tier, '-'),
      arm: (row.arm === 'canary' ? 'canary' : 'control') satisfies Arm,
      policyVersion: Number(row.policyVersion ?? 0),
      start: row.time.getTime(),
      intervalMs: num(row.intervalMs),
      arrived: num(row.arrived),
      completed,
      rejected: num(row.rejected),
      failed: num(row.failed),
      timedOut: num(row.timedOut),
      cacheHits: num(row.cacheHits),
      cacheLookups: num(row.cacheLookups),
      withinSlo: num(row.withinSlo),
      latencyMs,
      latencyHistogram: histogram.toJSON(),
      inputTokens: num(row.inputTokens),
      outputTokens: num(row.outputTokens),
      costUsd: num(row.costUsd),
      queueDepthMax: num(row.queueDepthMax),
      queueDepthMean: num(row.queueDepthMean),
      inFlight: num(row.inFlight),
      instances: numOrNull(row.instances),
      breakerState:
        breaker === 'closed' || breaker === 'open' || breaker === 'half-open'
          ? (breaker satisfies BreakerState)
          : null,
    };
  }
}
