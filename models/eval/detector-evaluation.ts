/**
 * Detector evaluation on a labelled corpus, honest about thresholds: each detector's threshold is
 * the one with the best pooled F1 on a separate tuning corpus (another seed), then applied
 * unchanged to the test corpus, where precision, recall, F1 and the NAB-style score are read.
 */
import type { AnomalyCase } from '../../datasets/series/anomaly-corpus.js';
import { timeAt } from '../../datasets/series/regular-series.js';
import type { Detector } from '../detector.js';
import { combine, type DetectionScore, detectionCounts, nabRaw, nabScore } from './detection-metrics.js';

export interface DetectorResult extends DetectionScore {
  detector: string;
  tuningF1: number;
  nab: number;
  rows: number;
  /** Wall-clock seconds to score the test corpus. */
  scoreSeconds: number;
  /** Windows hit / windows, per fault type, on the test corpus. */
  recallByType: Record<string, string>;
}

const THRESHOLDS = Array.from({ length: 19 }, (_, i) => +(0.05 * (i + 1)).toFixed(2));

async function scoreCorpus(detector: Detector, cases: readonly AnomalyCase[]): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (const c of cases) {
    const times = Float64Array.from(c.series.values, (_, i) => timeAt(c.series, i));
    out.push(await detector.score(times, c.series.values));
  }
  return out;
}

export async function evaluateDetector(
  detector: Detector,
  tuning: readonly AnomalyCase[],
  testing: readonly AnomalyCase[],
  tolerance: number,
): Promise<DetectorResult> {
  const tuneScores = await scoreCorpus(detector, tuning);
  let best = { f1: -1, threshold: 0.5 };
  for (const threshold of THRESHOLDS) {
    const s = combine(tuning.map((c, k) => detectionCounts(tuneScores[k], c.labels, threshold, tolerance)));
    if (s.f1 > best.f1) best = { f1: s.f1, threshold };
  }
  const t0 = performance.now();
  const scores = await scoreCorpus(detector, testing);
  const scoreSeconds = (performance.now() - t0) / 1000;
  const th = best.threshold;
  const pooled = combine(testing.map((c, k) => detectionCounts(scores[k], c.labels, th, tolerance)));
  const nab = nabScore(testing.map((c, k) => nabRaw(scores[k], c.labels, th, tolerance)));
  const byType: Record<string, [number, number]> = {};
  testing.forEach((c, k) => {
    for (const l of c.labels) {
      const t = byType[l.type] ?? [0, 0];
      t[0] += detectionCounts(scores[k], [l], th, tolerance).hit;
      t[1]++;
      byType[l.type] = t;
    }
  });
  const recallByType = Object.fromEntries(Object.entries(byType).map(([k, [h, n]]) => [k, `${h}/${n}`]));
  const rows = testing.reduce((a, c) => a + c.series.values.length, 0);
  return { detector: detector.name, ...pooled, tuningF1: best.f1, nab, rows, scoreSeconds, recallByType };
}
