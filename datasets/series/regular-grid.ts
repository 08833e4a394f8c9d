/**
 * Puts irregular rows on a regular grid: step = the median gap between rows (or as given),
 * index = round((t - t0) / step), rows sharing a slot are averaged, and empty slots are flagged in
 * `filled` and filled by linear interpolation between their observed neighbours (forecasting
 * looks at whole spans), or with the last value before them (`'previous'`: causal, for a
 * detector that must not see a later row in an earlier slot).
 */
export type GapFill = 'linear' | 'previous';
import { SluiceError } from '../../gateway-core/errors.js';
import type { RegularSeries } from './regular-series.js';

/** Median positive gap between consecutive times (ms). */
export function inferStep(times: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1];
    if (d > 0) gaps.push(d);
  }
  if (gaps.length === 0)
    throw new SluiceError('SLUICE_TRACE_INVALID', 'cannot infer a step: fewer than 2 distinct times');
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

export function toRegularGrid(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  stepMs?: number,
  fill: GapFill = 'linear',
): RegularSeries {
  if (times.length === 0) throw new SluiceError('SLUICE_TRACE_INVALID', 'empty series');
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < times.length; i++) {
    t0 = Math.min(t0, times[i]);
    t1 = Math.max(t1, times[i]);
  }
  const step = stepMs ?? (times.length > 1 ? inferStep(times) : 1000);
  const n = Math.round((t1 - t0) / step) + 1;
  const sum = new Float64Array(n);
  const count = new Uint32Array(n);
  for (let i = 0; i < times.length; i++) {
    const k = Math.round((times[i] - t0) / step);
    sum[k] += values[i];
    count[k]++;
  }
  const out = new Float64Array(n);
  const filled = new Uint8Array(n);
  let prev = -1;
  for (let k = 0; k < n; k++) {
    if (count[k] === 0) continue;
    out[k] = sum[k] / count[k];
    // Fill the gap (prev, k) on the straight line between the two observed neighbours.
    for (let j = prev + 1; j < k; j++) {
      out[j] =
        prev < 0
          ? out[k]
          : fill === 'previous'
            ? out[prev]
            : out[prev] + ((out[k] - out[prev]) * (j - prev)) / (k - prev);
      filled[j] = 1;
    }
    prev = k;
  }
  return { start: t0, stepMs: step, values: out, filled };
}

const DAY_MS = 86_400_000;

/** Calendar spacings whose gaps vary in length, so that no fixed step fits them. */
const CALENDAR_SPACINGS = [
  { name: 'months', days: [28, 29, 30, 31] },
  { name: 'quarters', days: [89, 90, 91, 92] },
  { name: 'years', days: [365, 366] },
] as const;

/**
 * 'months', 'quarters' or 'years' where every gap between consecutive distinct times is a whole
 * number of days of that calendar unit's lengths and at least two lengths occur (a fixed step
 * would put two rows in one slot and shift the others off their dates); also 'months' where
 * every row falls on one day of its month (or the month's last day) and some months are
 * missing; null otherwise.
 */
export function calendarSpacing(times: ArrayLike<number>): 'months' | 'quarters' | 'years' | null {
  const lengths = new Set<number>();
  for (let i = 1; i < times.length; i++) {
    const gap = times[i] - times[i - 1];
    if (gap <= 0) continue;
    // An hour either way: a local-time series crossing a daylight-saving change.
    const days = Math.round(gap / DAY_MS);
    if (Math.abs(gap - days * DAY_MS) > 3_600_000) return null;
    lengths.add(days);
  }
  if (lengths.size < 2) return null;
  for (const c of CALENDAR_SPACINGS)
    if ([...lengths].every((d) => (c.days as readonly number[]).includes(d))) return c.name;
  // Rows on one day of the month (or each month's last day), some months missing: gaps of whole
  // months, which no fixed step fits either.
  if (Math.min(...lengths) >= 28 && onOneDayOfMonth(times)) return 'months';
  return null;
}

/** Every time is the same day of its month (or its month's last day) at the same time of day. */
function onOneDayOfMonth(times: ArrayLike<number>): boolean {
  const key = (ms: number) => {
    const d = new Date(ms);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    const day = d.getUTCDate() === lastDay ? 'last' : String(d.getUTCDate());
    return `${day}@${ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())}`;
  };
  const first = key(times[0]);
  for (let i = 1; i < times.length; i++) if (key(times[i]) !== first) return false;
  return true;
}
