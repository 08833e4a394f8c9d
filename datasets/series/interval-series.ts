/**
 * Telemetry interval records (gateway-core/telemetry) to a demand series: records are summed
 * per interval start across tenants, models and instances (optionally filtered), so
 * value[k] = sum of `field` over records with start = first + k * intervalMs. Intervals with no
 * record are real zeros (nothing arrived), not gaps.
 */
import { SluiceError } from '../../gateway-core/errors.js';
import type { IntervalRecord } from '../../gateway-core/telemetry/interval-record.js';
import type { RegularSeries } from './regular-series.js';

export type IntervalField =
  | 'arrived'
  | 'completed'
  | 'rejected'
  | 'failed'
  | 'timedOut'
  | 'inputTokens'
  | 'outputTokens';

export function intervalRecordsToSeries(
  records: readonly IntervalRecord[],
  field: IntervalField | 'tokens',
  filter: (r: IntervalRecord) => boolean = () => true,
): RegularSeries {
  const kept = records.filter(filter);
  if (kept.length === 0)
    throw new SluiceError('SLUICE_CONFIG_INVALID', 'no interval records to build a series from');
  const step = kept[0].intervalMs;
  if (kept.some((r) => r.intervalMs !== step)) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      'interval records of different lengths cannot share one series',
    );
  }
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of kept) {
    first = Math.min(first, r.start);
    last = Math.max(last, r.start);
  }
  const n = Math.round((last - first) / step) + 1;
  const values = new Float64Array(n);
  for (const r of kept) {
    const v = field === 'tokens' ? r.inputTokens + r.outputTokens : r[field];
    values[Math.round((r.start - first) / step)] += v;
  }
  return { start: first, stepMs: step, values, filled: new Uint8Array(n) };
}
