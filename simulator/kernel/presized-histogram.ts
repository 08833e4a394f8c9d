/**
 * A LatencyHistogram whose bucket array is sized up front for 2 nanoseconds .. 3 hours.
 *
 * Why: LatencyHistogram.ensure() doubles its array on every value outside the current range,
 * and new record lows keep arriving (about ln n of them), so a long run's histogram grows to
 * millions of buckets (we measured 16.7 M after 160 k samples). Recording a weight-0 value at
 * each end of the range once sizes the array to ~1,550 buckets through the public API only; the
 * counters (count, sum, min, max) are put back, so the histogram reports exactly as a fresh one.
 * Values outside the range still work (the array grows as before). The fix belongs in
 * gateway-core/histogram.ts (size to the range needed, not double); see the simulator's report.
 */
import { LatencyHistogram } from '../../gateway-core/histogram.js';

export function presizedHistogram(alpha = 0.01): LatencyHistogram {
  const h = new LatencyHistogram(alpha);
  h.record(2e-6, 0);
  h.record(1.1e7, 0);
  h.min = Number.POSITIVE_INFINITY;
  h.max = Number.NEGATIVE_INFINITY;
  return h;
}
