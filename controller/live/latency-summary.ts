/**
 * A latency histogram rebuilt from an interval's summary (p50, p90, p99, max), for telemetry
 * stores that keep only the summary. The quantile function is taken as log-linear between the
 * anchors
 *
 *   Q(0) = p50^2 / p90   (the p50..p90 spread mirrored below the median; no minimum is stored)
 *   Q(0.5) = p50, Q(0.9) = p90, Q(0.99) = p99, Q(1) = max
 *
 * and the n completed requests are placed at Q((i - 1/2) / n), i = 1..n (at most `points`
 * distinct values, with integer weights that add up to n). The count is exact, the stored
 * quantiles are reproduced within the histogram's error, and the mean is approximate: enough for
 * the judge's rank and tail checks to compare two arms summarised the same way.
 */
import { LatencyHistogram } from '../../gateway-core/histogram.js';

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  mean: number | null;
  max: number | null;
}

export function histogramFromSummary(
  n: number,
  s: LatencySummary,
  alpha = 0.01,
  points = 1000,
): LatencyHistogram {
  const h = new LatencyHistogram(alpha);
  const count = Math.round(n);
  const p50 = s.p50 ?? s.mean;
  if (count <= 0 || p50 === null) return h;
  const p90 = Math.max(s.p90 ?? p50, p50);
  const p99 = Math.max(s.p99 ?? p90, p90);
  const max = Math.max(s.max ?? p99, p99);
  const lo = p50 > 0 ? (p50 * p50) / p90 : 0;
  const anchors: [number, number][] = [
    [0, lo],
    [0.5, p50],
    [0.9, p90],
    [0.99, p99],
    [1, max],
  ];
  const m = Math.min(count, points);
  for (let i = 0; i < m; i++) {
    // Point i stands for requests [floor(i n / m), floor((i + 1) n / m)): integer weights summing to n.
    const weight = Math.floor(((i + 1) * count) / m) - Math.floor((i * count) / m);
    if (weight > 0) h.record(quantileAt((i + 0.5) / m, anchors), weight);
  }
  return h;
}

function quantileAt(q: number, anchors: readonly [number, number][]): number {
  for (let k = 1; k < anchors.length; k++) {
    const [q1, v1] = anchors[k];
    if (q > q1 && k < anchors.length - 1) continue;
    const [q0, v0] = anchors[k - 1];
    const f = q1 > q0 ? (q - q0) / (q1 - q0) : 0;
    // Log-linear where both ends are positive (latency spreads multiplicatively), else linear.
    return v0 > 0 && v1 > 0 ? v0 * (v1 / v0) ** f : v0 + (v1 - v0) * f;
  }
  return anchors[anchors.length - 1][1];
}
