/**
 * Where `sluice simulate --telemetry` sends the interval records:
 *
 *   FILE.jsonl                  one JSON record per line
 *   influx://host:port/db       InfluxDB 1.x through the gateway's InfluxWriter (same
 *                               measurement and tags as a live gateway writes)
 *
 * The simulation runs synchronously between control intervals, so InfluxDB records are
 * buffered and written when the run ends (a simulated day at 10 s intervals is a few
 * thousand records per series).
 */
import { createWriteStream } from 'node:fs';
import { SluiceError } from '../gateway-core/errors.js';
import { InfluxWriter } from '../gateway-core/server/telemetry/influx-writer.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';

export interface TelemetryOutput {
  sink(records: IntervalRecord[]): void;
  /** Finishes writing; returns how many records were written and dropped. */
  close(): Promise<{ written: number; dropped: number }>;
}

export function openTelemetryOutput(target: string): TelemetryOutput {
  if (target.startsWith('influx://')) {
    const u = new URL(target.replace(/^influx:/, 'http:'));
    const database = u.pathname.replace(/^\//, '') || 'sluice';
    const writer = new InfluxWriter({
      url: `http://${u.host}`,
      database,
      maxBuffered: 10_000_000,
      batchSize: 5000,
    });
    return {
      sink: (records) => writer.enqueue(records),
      close: async () => {
        await writer.flushAll();
        return { written: writer.written, dropped: writer.dropped };
      },
    };
  }
  if (!target.endsWith('.jsonl'))
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `--telemetry ${target}: give a FILE.jsonl or influx://host:port/database`,
    );
  const out = createWriteStream(target);
  let written = 0;
  return {
    sink: (records) => {
      for (const r of records) out.write(`${JSON.stringify(r)}\n`);
      written += records.length;
    },
    close: () => new Promise((resolve) => out.end(() => resolve({ written, dropped: 0 }))),
  };
}
