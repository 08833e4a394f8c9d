/**
 * Forecast accuracy over (actual, p50, p90) triples:
 *   MASE     = mean|y - p50| / scale, scale = in-sample MAE of the seasonal naive forecast
 *              (period m) on the training span: mean_{t=m..T-1} |y[t] - y[t-m]|
 *   sMAPE    = mean 2|y - p50| / (|y| + |p50|)  (a pair of zeros counts as 0), in percent
 *   pinball  = mean(rho_0.5(y, p50) + rho_0.9(y, p90)) / 2, rho_q(y, f) = max(q(y-f), (q-1)(y-f))
 *   coverage = share of y <= p90 (0.9 is perfect calibration)
 * A point whose actual is NaN (a time the grid filled into a gap: no observation) is not scored,
 * and the scale leaves out pairs that hold a filled point. Where the seasonal naive is exact in
 * sample (to 1e-9 of the values), the scale and so MASE are NaN: undefined, not huge.
 */
export interface ForecastPoint {
  actual: number;
  p50: number;
  p90: number;
}

export interface ForecastMetrics {
  points: number;
  mae: number;
  mase: number;
  smape: number;
  pinball: number;
  coverage90: number;
}

export function seasonalNaiveScale(
  values: ArrayLike<number>,
  end: number,
  period: number,
  filled?: ArrayLike<number>,
): number {
  let sum = 0;
  let magnitude = 0;
  let n = 0;
  for (let t = period; t < end; t++) {
    if (filled && (filled[t] || filled[t - period])) continue;
    sum += Math.abs(values[t] - values[t - period]);
    magnitude += Math.abs(values[t]);
    n++;
  }
  // A series the seasonal naive repeats exactly (a constant, a noiseless wave) has no scale:
  // rounding error (1e-13 of the values) would make every MASE astronomically large. NaN: MASE
  // is undefined there.
  return n && sum > 1e-9 * magnitude ? sum / n : Number.NaN;
}

export function pinball(q: number, y: number, f: number): number {
  const e = y - f;
  return Math.max(q * e, (q - 1) * e);
}

export function forecastMetrics(points: readonly ForecastPoint[], scale: number): ForecastMetrics {
  let ae = 0;
  let sm = 0;
  let pin = 0;
  let cov = 0;
  let scored = 0;
  for (const p of points) {
    if (Number.isNaN(p.actual)) continue;
    scored++;
    const e = Math.abs(p.actual - p.p50);
    ae += e;
    const denom = Math.abs(p.actual) + Math.abs(p.p50);
    sm += denom > 0 ? (2 * e) / denom : 0;
    pin += (pinball(0.5, p.actual, p.p50) + pinball(0.9, p.actual, p.p90)) / 2;
    if (p.actual <= p.p90) cov++;
  }
  const n = Math.max(1, scored);
  return {
    points: scored,
    mae: ae / n,
    mase: ae / n / scale,
    smape: (100 * sm) / n,
    pinball: pin / n,
    coverage90: cov / n,
  };
}
