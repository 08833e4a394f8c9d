/**
 * Detector evaluation on labelled series, honest about thresholds: a detector's threshold is the
 * one with the best pooled F1 on series it is not scored on, then applied unchanged.
 *  - evaluateDetector: a separate tuning corpus (another seed of a generated corpus).
 *  - evaluateDetectorLeaveOneOut: one corpus of real series, each scored at the threshold that
 *    is best on all the others (a real corpus has no second copy to tune on).
 * A probation span (NAB's: the first 15% of each series, at most 750 rows) can be left unscored:
 * an online detector is still learning there, and NAB's own detectors are not judged on it.
 */
import type { AnomalyCase, LabelWindow } from '../../datasets/series/anomaly-corpus.js';
import { timeAt } from '../../datasets/series/regular-series.js';
import type { Detector } from '../detector.js';
import { combine, type DetectionScore, detectionCounts, nabRaw, nabScore } from './detection-metrics.js';
import { type Clock, timed } from './timed.js';

export interface DetectorResult extends DetectionScore {
  detector: string;
  tuningF1: number;
  nab: number;
  rows: number;
  /** Wall-clock seconds to score the test corpus. */
  scoreSeconds: number;
  /** Windows hit / windows, per fault type, on the test corpus. */
  recallByType: Record<string, string>;
  /**
   * NAB's own protocol (leave-one-out only): the one threshold, on a 0.01 grid, with the best
   * NAB-style score over the whole corpus, and that score. In-sample, as NAB's optimiser is: the
   * figure to set beside NAB's scoreboard, not a test of a threshold chosen elsewhere.
   */
  nabAtBestThreshold?: { threshold: number; nab: number };
  /** Per series, where each had its own threshold (leave-one-out). */
  perSeries?: Array<{ series: string; threshold: number; windows: number; hit: number; events: number }>;
}

/** A series as a detector sees it: rows with times, plus the label windows as row indices. */
export interface ScoredCase {
  name: string;
  times: Float64Array;
  values: Float64Array;
  labels: readonly LabelWindow[];
}

export interface ScoringOptions {
  /** Rows either side of a window that still count as hitting it. */
  tolerance: number;
  /** Times the scoring (ms; the entry point passes the wall clock). */
  clock: Clock;
  /** Share of each series' first rows left unscored (NAB: 0.15). */
  probation?: number;
}

const THRESHOLDS = Array.from({ length: 19 }, (_, i) => +(0.05 * (i + 1)).toFixed(2));
/** NAB caps probation at 15% of 5,000 rows. */
const PROBATION_CAP = 750;

export function regularCase(c: AnomalyCase): ScoredCase {
  const times = Float64Array.from(c.series.values, (_, i) => timeAt(c.series, i));
  return { name: c.name, times, values: c.series.values, labels: c.labels };
}

export function probationRows(rows: number, share: number): number {
  return Math.min(Math.floor(share * rows), Math.floor(share * (PROBATION_CAP / 0.15)));
}

async function scoreCases(
  detector: Detector,
  cases: readonly ScoredCase[],
  probation: number,
): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (const c of cases) {
    const scores = await detector.score(c.times, c.values);
    if (probation > 0) scores.fill(0, 0, probationRows(scores.length, probation));
    out.push(scores);
  }
  return out;
}

function bestThreshold(
  scores: readonly Float64Array[],
  cases: readonly ScoredCase[],
  tolerance: number,
): { f1: number; threshold: number } {
  let best = { f1: -1, threshold: 0.5 };
  for (const threshold of THRESHOLDS) {
    const s = combine(cases.map((c, k) => detectionCounts(scores[k], c.labels, threshold, tolerance)));
    if (s.f1 > best.f1) best = { f1: s.f1, threshold };
  }
  return best;
}

const FINE_THRESHOLDS = Array.from({ length: 99 }, (_, i) => +(0.01 * (i + 1)).toFixed(2));

function bestNabThreshold(
  scores: readonly Float64Array[],
  cases: readonly ScoredCase[],
  tolerance: number,
): { threshold: number; nab: number } {
  let best = { threshold: 0.5, nab: Number.NEGATIVE_INFINITY };
  for (const threshold of FINE_THRESHOLDS) {
    const nab = nabScore(cases.map((c, k) => nabRaw(scores[k], c.labels, threshold, tolerance)));
    if (nab > best.nab) best = { threshold, nab };
  }
  return best;
}

function recallByType(
  scores: readonly Float64Array[],
  cases: readonly ScoredCase[],
  thresholds: readonly number[],
  tolerance: number,
): Record<string, string> {
  const byType: Record<string, [number, number]> = {};
  cases.forEach((c, k) => {
    for (const l of c.labels) {
      const t = byType[l.type] ?? [0, 0];
      t[0] += detectionCounts(scores[k], [l], thresholds[k], tolerance).hit;
      t[1]++;
      byType[l.type] = t;
    }
  });
  return Object.fromEntries(Object.entries(byType).map(([k, [h, n]]) => [k, `${h}/${n}`]));
}

export async function evaluateDetector(
  detector: Detector,
  tuning: readonly AnomalyCase[],
  testing: readonly AnomalyCase[],
  opts: Pick<ScoringOptions, 'tolerance' | 'clock'>,
): Promise<DetectorResult> {
  const { tolerance } = opts;
  const tuneCases = tuning.map(regularCase);
  const testCases = testing.map(regularCase);
  const best = bestThreshold(await scoreCases(detector, tuneCases, 0), tuneCases, tolerance);
  const [scores, scoreSeconds] = await timed(opts.clock, () => scoreCases(detector, testCases, 0));
  const th = best.threshold;
  const pooled = combine(testCases.map((c, k) => detectionCounts(scores[k], c.labels, th, tolerance)));
  const nab = nabScore(testCases.map((c, k) => nabRaw(scores[k], c.labels, th, tolerance)));
  const rows = testCases.reduce((a, c) => a + c.values.length, 0);
  return {
    detector: detector.name,
    ...pooled,
    tuningF1: best.f1,
    nab,
    rows,
    scoreSeconds,
    recallByType: recallByType(
      scores,
      testCases,
      testCases.map(() => th),
      tolerance,
    ),
  };
}

export async function evaluateDetectorLeaveOneOut(
  detector: Detector,
  cases: readonly ScoredCase[],
  opts: ScoringOptions,
): Promise<DetectorResult> {
  if (cases.length < 2) throw new Error('leave-one-out needs at least two labelled series');
  const [scores, scoreSeconds] = await timed(opts.clock, () =>
    scoreCases(detector, cases, opts.probation ?? 0),
  );
  const chosen = cases.map((_, k) =>
    bestThreshold(
      scores.filter((_, j) => j !== k),
      cases.filter((_, j) => j !== k),
      opts.tolerance,
    ),
  );
  const thresholds = chosen.map((b) => b.threshold);
  const counts = cases.map((c, k) => detectionCounts(scores[k], c.labels, thresholds[k], opts.tolerance));
  const pooled = combine(counts);
  const sorted = [...thresholds].sort((a, b) => a - b);
  return {
    detector: detector.name,
    ...pooled,
    threshold: sorted[Math.floor(sorted.length / 2)],
    tuningF1: chosen.reduce((a, b) => a + b.f1, 0) / chosen.length,
    nab: nabScore(cases.map((c, k) => nabRaw(scores[k], c.labels, thresholds[k], opts.tolerance))),
    nabAtBestThreshold: bestNabThreshold(scores, cases, opts.tolerance),
    rows: cases.reduce((a, c) => a + c.values.length, 0),
    scoreSeconds,
    recallByType: recallByType(scores, cases, thresholds, opts.tolerance),
    perSeries: cases.map((c, k) => ({
      series: c.name,
      threshold: thresholds[k],
      windows: counts[k].windows,
      hit: counts[k].hit,
      events: counts[k].events,
    })),
  };
}
