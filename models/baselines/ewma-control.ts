/**
 * EWMA control chart: the statistic z[i] = lambda y[i] + (1 - lambda) z[i-1] is compared with a
 * slowly tracked mean mu and standard deviation sigma of the rows before i:
 *   d[i] = |z[i] - mu[i-1]| / (sigma[i-1] sqrt(lambda / (2 - lambda))),  score = zToScore(d).
 * mu and sigma^2 are exponentially weighted with weight rho (slow, so a fault moves them little).
 */
import type { Detector } from '../detector.js';
import { zToScore } from '../detector.js';

export class EwmaControlDetector implements Detector {
  readonly name = 'ewma-control';

  constructor(
    readonly lambda = 0.3,
    readonly rho = 0.01,
    readonly warmup = 30,
    readonly zHalf = 4,
  ) {}

  async score(_times: Float64Array, values: Float64Array): Promise<Float64Array> {
    const out = new Float64Array(values.length);
    if (values.length === 0) return out;
    const { lambda, rho } = this;
    const width = Math.sqrt(lambda / (2 - lambda));
    let z = values[0];
    let mu = values[0];
    let variance = 0;
    for (let i = 0; i < values.length; i++) {
      const y = values[i];
      z = lambda * y + (1 - lambda) * z;
      const sigma = Math.sqrt(variance) + 1e-9 + 1e-6 * Math.abs(mu);
      if (i >= this.warmup) out[i] = zToScore(Math.abs(z - mu) / (sigma * width), this.zHalf);
      // Early on, learn fast (plain running mean/variance); then settle to the slow weight.
      const r = Math.max(rho, 1 / (i + 1));
      const diff = y - mu;
      mu += r * diff;
      variance = (1 - r) * (variance + r * diff * diff);
    }
    return out;
  }
}
