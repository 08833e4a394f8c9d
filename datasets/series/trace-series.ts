/**
 * Any trace CSV the simulator replays (Azure, BurstGPT, a column map: trace-reader.ts) as a
 * demand series on a regular grid: requests, tokens (input + output), input or output tokens per
 * bucket, bucket start = floor(t / bucket) * bucket in absolute time, so calendar features see
 * the trace's real clock. Buckets with no arrival are real zeros, not gaps. Streamed: the memory
 * is one number per bucket. A trace whose times are seconds from its start begins at the epoch.
 */
import { SluiceError } from '../../gateway-core/errors.js';
import type { ColumnMap } from '../traces/trace-format.js';
import { readTrace } from '../traces/trace-reader.js';
import type { RegularSeries } from './regular-series.js';

export const TRACE_METRICS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
export type TraceMetric = (typeof TRACE_METRICS)[number];

export async function traceToSeries(
  path: string,
  metric: TraceMetric,
  bucketMs: number,
  columns?: ColumnMap,
): Promise<RegularSeries> {
  if (!(bucketMs > 0) || !Number.isFinite(bucketMs))
    throw new SluiceError('SLUICE_CONFIG_INVALID', `bucket must be a positive duration, got ${bucketMs} ms`);
  const sums: number[] = [];
  let first = Number.NaN;
  for await (const row of readTrace(path, { columns })) {
    const k = Math.floor((row.originMs + row.timeMs) / bucketMs);
    if (Number.isNaN(first)) first = k;
    const i = k - first;
    while (sums.length <= i) sums.push(0);
    sums[i] +=
      metric === 'requests'
        ? 1
        : metric === 'tokens'
          ? row.input + row.output
          : metric === 'input-tokens'
            ? row.input
            : row.output;
  }
  if (Number.isNaN(first)) throw new SluiceError('SLUICE_TRACE_INVALID', `${path}: no rows after the header`);
  return {
    start: first * bucketMs,
    stepMs: bucketMs,
    values: Float64Array.from(sums),
    filled: new Uint8Array(sums.length),
  };
}
