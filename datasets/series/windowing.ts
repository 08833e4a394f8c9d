/**
 * Sliding windows for direct multi-horizon models: for origin t (the last observed index),
 *   input  = values[t - L + 1 .. t]      (lookback L)
 *   target = values[t + 1 .. t + H]      (horizon H)
 * Only origins whose input and target both lie inside [start, end) are taken, so a window never
 * reaches past the span it is cut from (no leakage across a time split).
 */
export interface Windows {
  count: number;
  lookback: number;
  horizon: number;
  /** count x lookback, row-major. */
  inputs: Float32Array;
  /** count x horizon, row-major. */
  targets: Float32Array;
  /** The origin index t of each window. */
  origins: Int32Array;
}

export interface WindowOptions {
  start?: number;
  end?: number;
  /** Take every stride-th origin. */
  stride?: number;
}

export function windowOrigins(
  length: number,
  lookback: number,
  horizon: number,
  opts: WindowOptions = {},
): number[] {
  const start = opts.start ?? 0;
  const end = opts.end ?? length;
  const stride = Math.max(1, opts.stride ?? 1);
  const origins: number[] = [];
  for (let t = start + lookback - 1; t + horizon < end; t += stride) origins.push(t);
  return origins;
}

export function makeWindows(
  values: ArrayLike<number>,
  lookback: number,
  horizon: number,
  opts: WindowOptions = {},
): Windows {
  const origins = windowOrigins(values.length, lookback, horizon, opts);
  const count = origins.length;
  const inputs = new Float32Array(count * lookback);
  const targets = new Float32Array(count * horizon);
  for (let w = 0; w < count; w++) {
    const t = origins[w];
    for (let j = 0; j < lookback; j++) inputs[w * lookback + j] = values[t - lookback + 1 + j];
    for (let h = 0; h < horizon; h++) targets[w * horizon + h] = values[t + 1 + h];
  }
  return { count, lookback, horizon, inputs, targets, origins: Int32Array.from(origins) };
}
