/**
 * Splits by time only: each part is a contiguous index range and every part lies after the one
 * before it, so nothing learned on an earlier part has seen a later one.
 */
import { SluiceError } from '../../gateway-core/errors.js';

export interface IndexRange {
  start: number;
  end: number;
}

/** Cuts [0, n) into consecutive ranges with the given fractions (summing to 1). */
export function timeSplit(n: number, fractions: readonly number[]): IndexRange[] {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9 || fractions.some((f) => !(f >= 0))) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `split fractions must be >= 0 and sum to 1, got ${fractions.join(', ')}`,
    );
  }
  const out: IndexRange[] = [];
  let start = 0;
  let acc = 0;
  for (let i = 0; i < fractions.length; i++) {
    acc += fractions[i];
    const end = i === fractions.length - 1 ? n : Math.round(n * acc);
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Train on the first (1 - holdout) of the points, test on the rest. */
export function holdoutSplit(n: number, holdout: number): { train: IndexRange; test: IndexRange } {
  const [train, test] = timeSplit(n, [1 - holdout, holdout]);
  return { train, test };
}
