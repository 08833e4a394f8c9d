/**
 * Scoring detectors against label windows (indices [start, end)).
 * Events: maximal runs of rows with score >= threshold. A window, widened by `tolerance` rows on
 * each side, is hit when an event overlaps it; an event overlapping no widened window is a
 * false positive.
 *   precision = true events / events,  recall = windows hit / windows,  F1 = 2PR / (P + R).
 * NAB-style score (standard profile A_TP = 1, A_FP = -0.11, A_FN = -1), as NAB's sweeper
 * (numenta/NAB nab/sweeper.py) computes it: per widened window the earliest detected row earns
 * A_TP * sigma(y), y = its position in the window from -1 (start) to 0 (end),
 * sigma(y) = 2 / (1 + e^(5y)) - 1 (-1 from y = 3 on); each missed window costs A_FN; each
 * detected row outside all windows costs -A_FP sigma(p), p = its distance past the end of the
 * window before it in widths of that window (3, a full A_FP, where no window came before): a
 * detection just after a window, where an incident's tail still is, costs little, one a window's
 * width later nearly the full A_FP. Normalised as 100 (raw - null) / (perfect - null), where the
 * null detector flags nothing and the perfect one flags each window's first row.
 */
export interface Window {
  start: number;
  end: number;
}

export interface DetectionScore {
  threshold: number;
  events: number;
  truePositives: number;
  falsePositives: number;
  windowsHit: number;
  windows: number;
  precision: number;
  recall: number;
  f1: number;
}

const A_TP = 1;
const A_FP = -0.11;
const A_FN = -1;

function widen(labels: readonly Window[], tolerance: number, n: number): Window[] {
  return labels.map((w) => ({
    start: Math.max(0, w.start - tolerance),
    end: Math.min(n, w.end + tolerance),
  }));
}

function alertEvents(scores: ArrayLike<number>, threshold: number): Window[] {
  const events: Window[] = [];
  let open = -1;
  for (let i = 0; i <= scores.length; i++) {
    const on = i < scores.length && scores[i] >= threshold;
    if (on && open < 0) open = i;
    if (!on && open >= 0) {
      events.push({ start: open, end: i });
      open = -1;
    }
  }
  return events;
}

const overlaps = (a: Window, b: Window) => a.start < b.end && b.start < a.end;

export function detectionScore(
  scores: ArrayLike<number>,
  labels: readonly Window[],
  threshold: number,
  tolerance: number,
): DetectionScore {
  const wide = widen(labels, tolerance, scores.length);
  const events = alertEvents(scores, threshold);
  let tp = 0;
  for (const e of events) if (wide.some((w) => overlaps(e, w))) tp++;
  const hit = wide.filter((w) => events.some((e) => overlaps(e, w))).length;
  return combine([{ threshold, events: events.length, tp, hit, windows: labels.length }]);
}

/** Pools counts over several series (micro-average), as one corpus-level score. */
export function combine(
  parts: ReadonlyArray<{ threshold: number; events: number; tp: number; hit: number; windows: number }>,
): DetectionScore {
  const events = parts.reduce((a, p) => a + p.events, 0);
  const tp = parts.reduce((a, p) => a + p.tp, 0);
  const hit = parts.reduce((a, p) => a + p.hit, 0);
  const windows = parts.reduce((a, p) => a + p.windows, 0);
  const precision = events ? tp / events : 0;
  const recall = windows ? hit / windows : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    threshold: parts[0]?.threshold ?? 0,
    events,
    truePositives: tp,
    falsePositives: events - tp,
    windowsHit: hit,
    windows,
    precision,
    recall,
    f1,
  };
}

/** Raw counts of one series, for combine(). */
export function detectionCounts(
  scores: ArrayLike<number>,
  labels: readonly Window[],
  threshold: number,
  tolerance: number,
) {
  const s = detectionScore(scores, labels, threshold, tolerance);
  return { threshold, events: s.events, tp: s.truePositives, hit: s.windowsHit, windows: s.windows };
}

const sigma = (y: number) => (y >= 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1);

/** NAB-style raw score of one series and its null and perfect references. */
export function nabRaw(
  scores: ArrayLike<number>,
  labels: readonly Window[],
  threshold: number,
  tolerance: number,
): { raw: number; nullScore: number; perfect: number } {
  const wide = widen(labels, tolerance, scores.length);
  let raw = 0;
  const detected = new Array(wide.length).fill(false);
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] < threshold) continue;
    const k = wide.findIndex((w) => i >= w.start && i < w.end);
    if (k < 0) raw += -A_FP * sigma(distancePastWindow(wide, i));
    else if (!detected[k]) {
      detected[k] = true;
      const w = wide[k];
      const y = -1 + (i - w.start) / Math.max(1, w.end - 1 - w.start);
      raw += A_TP * sigma(y);
    }
  }
  raw += A_FN * detected.filter((d) => !d).length;
  return { raw, nullScore: A_FN * wide.length, perfect: A_TP * sigma(-1) * wide.length };
}

/** Row i's distance past the end of the latest window that ends before it, in its widths (NAB's). */
function distancePastWindow(windows: readonly Window[], i: number): number {
  let previous: Window | null = null;
  for (const w of windows) if (w.end <= i && (previous === null || w.end > previous.end)) previous = w;
  if (previous === null) return 3;
  const right = previous.end - 1;
  return (i - right) / Math.max(1, previous.end - previous.start - 1);
}

/** Normalised NAB-style score over a corpus (sums of raw, null and perfect). */
export function nabScore(parts: ReadonlyArray<{ raw: number; nullScore: number; perfect: number }>): number {
  const raw = parts.reduce((a, p) => a + p.raw, 0);
  const nul = parts.reduce((a, p) => a + p.nullScore, 0);
  const perfect = parts.reduce((a, p) => a + p.perfect, 0);
  return perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul);
}
