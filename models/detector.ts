/**
 * The anomaly detector interface. Scores are in [0, 1], one per row, and causal: the score of
 * row i may use rows 0..i only (no labels, no look-ahead), so scoring a prefix gives the same
 * scores as scoring the whole series and cutting.
 */
export interface Detector {
  readonly name: string;
  /** Times in epoch ms (rows in order, maybe irregular), values, one score per row. */
  score(times: Float64Array, values: Float64Array): Promise<Float64Array>;
}

/**
 * Maps a standardised deviation z >= 0 to [0, 1]: score = z^2 / (z^2 + z_half^2), so
 * z = z_half scores 0.5, z = 0 scores 0, and large z approaches 1. All detectors share it, so
 * one threshold means about the same surprise for each.
 */
export function zToScore(z: number, zHalf = 4): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 0 : 1;
  const z2 = z * z;
  return z2 / (z2 + zHalf * zHalf);
}
