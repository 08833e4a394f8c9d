/**
 * Rolling robust z-score: z[i] = |y[i] - median(W)| / (1.4826 MAD(W) + eps), W = the previous w
 * rows (not row i itself, so a spike cannot hide inside its own window), score = zToScore(z).
 * The window is kept sorted, so each row costs O(w).
 */
import type { Detector } from '../detector.js';
import { lowerBound } from '../../datasets/series/lower-bound.js';
import { zToScore } from '../detector.js';

export class RobustZScoreDetector implements Detector {
  readonly name = 'robust-zscore';

  constructor(
    readonly window = 60,
    readonly zHalf = 4,
  ) {}

  async score(_times: Float64Array, values: Float64Array): Promise<Float64Array> {
    const out = new Float64Array(values.length);
    const sorted: number[] = [];
    const dev: number[] = [];
    const w = this.window;
    for (let i = 0; i < values.length; i++) {
      if (sorted.length >= Math.min(w, 10)) {
        const n = sorted.length;
        const med = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        dev.length = 0;
        for (const v of sorted) dev.push(Math.abs(v - med));
        dev.sort((a, b) => a - b);
        const mad = n % 2 ? dev[(n - 1) / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
        // eps keeps a flat window from scoring every tiny wiggle as infinite.
        const eps = 1e-9 + 1e-6 * Math.abs(med);
        out[i] = zToScore(Math.abs(values[i] - med) / (1.4826 * mad + eps), this.zHalf);
      }
      insertSorted(sorted, values[i]);
      if (i >= w) removeSorted(sorted, values[i - w]);
    }
    return out;
  }
}

function insertSorted(a: number[], x: number): void {
  a.splice(lowerBound(a, x), 0, x);
}

function removeSorted(a: number[], x: number): void {
  a.splice(lowerBound(a, x), 1);
}
