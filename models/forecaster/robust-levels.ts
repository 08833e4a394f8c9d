/**
 * Robust level baselines over the recent window, for the neural forecaster to start from and to
 * combine: mean_w = (1/w) sum z[t-w+1..t], median_w = median(z[t-w+1..t]), and
 * ewma_a = sum_k a (1-a)^k z[t-k] (normalised over the window). On short, bursty series (a one-hour
 * trace at 10 s) a median ignores the bursts a mean chases, and which of them forecasts best is a
 * property of the series: fitLevel picks it on the training span by multi-horizon MAE.
 */
export interface LevelSpec {
  /** 'adaptive-*': over the longest stable window of at most `window` points (stableWindow). */
  kind: 'mean' | 'median' | 'adaptive-mean' | 'adaptive-median';
  window: number;
}

/** The longest adaptive window, and the z of its split test. */
const ADAPTIVE_WINDOW = 120;
const ADAPTIVE_Z = 2;
const ADAPTIVE_MIN = 3;

const MEAN_WINDOWS = [2, 3, 6, 12, 30, 60, 120];
const MEDIAN_WINDOWS = [6, 12, 30, 60];
/** The baseline inputs: (kind, window or rate), windows capped at the lookback. */
const BASELINES: Array<['mean' | 'median' | 'ewma', number]> = [
  ['mean', 3],
  ['mean', 6],
  ['mean', 12],
  ['median', 6],
  ['median', 12],
  ['median', 30],
  ['ewma', 0.1],
  ['ewma', 0.3],
];
export const BASELINE_INPUTS = BASELINES.length;

const scratch = new Float64Array(1024);

function median(z: ArrayLike<number>, t: number, w: number): number {
  const a = w <= scratch.length ? scratch.subarray(0, w) : new Float64Array(w);
  for (let j = 0; j < w; j++) a[j] = z[t - w + 1 + j];
  a.sort();
  return (a[(w - 1) >> 1] + a[w >> 1]) / 2;
}

function mean(z: ArrayLike<number>, t: number, w: number): number {
  let c = 0;
  for (let j = t - w + 1; j <= t; j++) c += z[j];
  return c / w;
}

function ewma(z: ArrayLike<number>, t: number, rate: number, w: number): number {
  let num = 0;
  let den = 0;
  let weight = rate;
  for (let k = 0; k < w; k++) {
    num += weight * z[t - k];
    den += weight;
    weight *= 1 - rate;
  }
  return num / den;
}

/**
 * The longest window w <= min(most, t + 1) ending at t in which no split into an older and a
 * recent part (each >= 3 points) differs in mean by more than
 *   ADAPTIVE_Z sigma sqrt(1/n_recent + 1/n_old),  sigma = 1.4826 MAD(lag-1 differences) / sqrt(2)
 * (an ADWIN-style cut, Bifet and Gavalda 2007, with a normal bound): a level shift or a trend
 * shortens the window, a stable stretch lengthens it, so the level averages as much as the
 * series allows. sigma from differences ignores the level itself; if it is 0, the recent 3.
 */
export function stableWindow(z: ArrayLike<number>, t: number, most: number): number {
  const W = Math.min(most, t + 1);
  if (W <= 2 * ADAPTIVE_MIN) return Math.max(1, Math.min(W, ADAPTIVE_MIN));
  const d = new Float64Array(W - 1);
  for (let k = 0; k < W - 1; k++) d[k] = Math.abs(z[t - k] - z[t - k - 1]);
  d.sort();
  const sigma = (1.4826 * (d[(d.length - 1) >> 1] + d[d.length >> 1])) / 2 / Math.SQRT2;
  if (!(sigma > 0)) return ADAPTIVE_MIN;
  // prefix[k] = sum of the k most recent points.
  const prefix = new Float64Array(W + 1);
  for (let k = 0; k < W; k++) prefix[k + 1] = prefix[k] + z[t - k];
  let best = ADAPTIVE_MIN;
  for (let w = ADAPTIVE_MIN + 1; w <= W; w++) {
    for (let n1 = ADAPTIVE_MIN; n1 <= w - ADAPTIVE_MIN; n1++) {
      const n0 = w - n1;
      const diff = prefix[n1] / n1 - (prefix[w] - prefix[n1]) / n0;
      if (Math.abs(diff) > ADAPTIVE_Z * sigma * Math.sqrt(1 / n1 + 1 / n0)) return best;
    }
    best = w;
  }
  return best;
}

export function levelOf(z: ArrayLike<number>, t: number, spec: LevelSpec): number {
  switch (spec.kind) {
    case 'mean':
      return mean(z, t, spec.window);
    case 'median':
      return median(z, t, spec.window);
    case 'adaptive-mean':
      return mean(z, t, stableWindow(z, t, spec.window));
    case 'adaptive-median':
      return median(z, t, stableWindow(z, t, spec.window));
  }
}

/** Writes the baselines at origin t (window at most L), minus c, into out[o..]. */
export function writeBaselines(
  z: ArrayLike<number>,
  t: number,
  L: number,
  c: number,
  out: Float32Array,
  o: number,
): void {
  for (let k = 0; k < BASELINES.length; k++) {
    const [kind, p] = BASELINES[k];
    const v =
      kind === 'mean'
        ? mean(z, t, Math.min(p, L))
        : kind === 'median'
          ? median(z, t, Math.min(p, L))
          : ewma(z, t, p, L);
    out[o + k] = v - c;
  }
}

/** The level (mean or median, window <= lookback) with the least MAE over horizons 1..H. */
export function fitLevel(
  values: ArrayLike<number>,
  end: number,
  lookback: number,
  horizon: number,
  adaptive = false,
): LevelSpec {
  const candidates: LevelSpec[] = [
    ...MEAN_WINDOWS.map((window): LevelSpec => ({ kind: 'mean', window })),
    ...MEDIAN_WINDOWS.map((window): LevelSpec => ({ kind: 'median', window })),
  ].filter((s) => s.window <= lookback);
  if (adaptive) {
    candidates.push(
      { kind: 'adaptive-mean', window: ADAPTIVE_WINDOW },
      { kind: 'adaptive-median', window: ADAPTIVE_WINDOW },
    );
  }
  const first = lookback - 1;
  const stride = Math.max(1, Math.floor((end - horizon - first) / 2000));
  let best: LevelSpec = { kind: 'mean', window: lookback };
  let bestErr = Number.POSITIVE_INFINITY;
  for (const spec of candidates) {
    let err = 0;
    let n = 0;
    for (let t = first; t + horizon < end; t += stride) {
      const c = levelOf(values, t, spec);
      for (let h = 1; h <= horizon; h++) err += Math.abs(values[t + h] - c);
      n += horizon;
    }
    if (n > 0 && err / n < bestErr - 1e-12) {
      bestErr = err / n;
      best = spec;
    }
  }
  return best;
}
