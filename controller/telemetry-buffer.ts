/**
 * TelemetryBuffer: a TelemetrySource over records pushed to it (the simulator's telemetrySink,
 * or a poller of the live fleet), kept for `retentionMs` behind the newest record so a long run
 * does not grow without bound. Records are kept in arrival order; window() filters by start.
 */
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import type { TelemetrySource } from './interfaces.js';

export class TelemetryBuffer implements TelemetrySource {
  private records: IntervalRecord[] = [];
  private newest = Number.NEGATIVE_INFINITY;

  constructor(readonly retentionMs = 3_600_000) {}

  push(records: readonly IntervalRecord[]): void {
    for (const r of records) {
      this.records.push(r);
      if (r.start > this.newest) this.newest = r.start;
    }
    const horizon = this.newest - this.retentionMs;
    if (this.records.length > 0 && this.records[0].start < horizon)
      this.records = this.records.filter((r) => r.start >= horizon);
  }

  window(fromMs: number, toMs: number): IntervalRecord[] {
    return this.records.filter((r) => r.start >= fromMs && r.start + r.intervalMs <= toMs);
  }

  get size(): number {
    return this.records.length;
  }
}
