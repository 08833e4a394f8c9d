/**
 * Writes telemetry interval records to InfluxDB 1.x (the `influx` package) in batches, through a
 * bounded buffer. `enqueue` never blocks and never throws: when the buffer is full (InfluxDB slow
 * or down) the record is dropped and counted, because a request must never wait on telemetry.
 * At most one write is in flight; a failed batch is dropped and counted too (no retry storm).
 *
 * One point per record: measurement `sluice_interval`, tags tenant, model, instance, tier, arm,
 * policyVersion; fields are the record's counters, latency summary, tokens, cost and gauges
 * (null fields are left out, as InfluxDB has no null).
 */
import { type IPoint, InfluxDB } from 'influx';
import type { IntervalRecord } from '../../telemetry/interval-record.js';

export const MEASUREMENT = 'sluice_interval';

export interface InfluxWriterOptions {
  /** e.g. http://127.0.0.1:8086 */
  url: string;
  database?: string;
  /** Most records buffered before dropping (default 10,000). */
  maxBuffered?: number;
  /** Records per write (default 500). */
  batchSize?: number;
  /** Write timeout (default 2 s). */
  timeoutMs?: number;
  /** Told once per dropped record (the server counts sluice_telemetry_dropped_total). */
  onDrop?: (n: number, reason: 'buffer-full' | 'write-failed') => void;
  /** Tags every point with the writing replica, so replicas' series for one interval do not overwrite each other. */
  replica?: string;
}

export function recordToPoint(r: IntervalRecord, replica?: string): IPoint {
  const fields: Record<string, number | string> = {
    arrived: r.arrived,
    completed: r.completed,
    rejected: r.rejected,
    failed: r.failed,
    timedOut: r.timedOut,
    cacheHits: r.cacheHits,
    cacheLookups: r.cacheLookups,
    withinSlo: r.withinSlo,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    queueDepthMax: r.queueDepthMax,
    queueDepthMean: r.queueDepthMean,
    inFlight: r.inFlight,
    intervalMs: r.intervalMs,
  };
  for (const [k, v] of Object.entries(r.latencyMs)) if (v !== null) fields[`latency_${k}`] = v;
  if (r.instances !== null) fields.instances = r.instances;
  if (r.breakerState !== null) fields.breakerState = r.breakerState;
  // The mergeable histogram itself, so readers (the live controller's judge) can rank latencies.
  if (r.latencyHistogram.count > 0) fields.latencyHistogram = JSON.stringify(r.latencyHistogram);
  const tags: Record<string, string> = {
    tenant: r.tenant,
    model: r.model,
    instance: r.instance,
    tier: r.tier,
    arm: r.arm,
    policyVersion: String(r.policyVersion),
  };
  if (replica !== undefined) tags.replica = replica;
  return {
    measurement: MEASUREMENT,
    tags,
    fields,
    timestamp: Math.round(r.start),
  };
}

export class InfluxWriter {
  readonly influx: InfluxDB;
  readonly database: string;
  private buffer: IntervalRecord[] = [];
  private writing: Promise<void> | null = null;
  private readonly maxBuffered: number;
  private readonly batchSize: number;
  /** Totals since start. */
  written = 0;
  dropped = 0;
  private dbReady = false;

  constructor(private readonly opts: InfluxWriterOptions) {
    const u = new URL(opts.url);
    this.database = opts.database ?? 'sluice';
    this.maxBuffered = opts.maxBuffered ?? 10_000;
    this.batchSize = opts.batchSize ?? 500;
    this.influx = new InfluxDB({
      host: u.hostname,
      port: Number(u.port || 8086),
      protocol: u.protocol === 'https:' ? 'https' : 'http',
      database: this.database,
      options: { timeout: opts.timeoutMs ?? 2000 },
    });
  }

  get buffered(): number {
    return this.buffer.length;
  }

  private drop(n: number, reason: 'buffer-full' | 'write-failed'): void {
    this.dropped += n;
    this.opts.onDrop?.(n, reason);
  }

  /** Buffers records for the next flush; drops (and counts) what does not fit. */
  enqueue(records: readonly IntervalRecord[]): void {
    const room = this.maxBuffered - this.buffer.length;
    if (records.length > room) {
      this.drop(records.length - Math.max(room, 0), 'buffer-full');
      records = records.slice(0, Math.max(room, 0));
    }
    for (const r of records) this.buffer.push(r);
  }

  /** Starts writing one batch if none is in flight; resolves when that batch is done. Never throws. */
  flush(): Promise<void> {
    if (this.writing !== null) return this.writing;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer.splice(0, this.batchSize);
    this.writing = this.write(batch).finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  /** Writes everything buffered (end of run, shutdown). */
  async flushAll(): Promise<void> {
    while (this.buffer.length > 0 || this.writing !== null) await this.flush();
  }

  private async write(batch: IntervalRecord[]): Promise<void> {
    try {
      if (!this.dbReady) {
        await this.influx.createDatabase(this.database);
        this.dbReady = true;
      }
      await this.influx.writePoints(
        batch.map((r) => recordToPoint(r, this.opts.replica)),
        { precision: 'ms' },
      );
      this.written += batch.length;
    } catch {
      this.drop(batch.length, 'write-failed');
    }
  }
}
