/**
 * Standard normal draws by the Marsaglia polar method, keeping the pair's second value for the
 * next call (SeededRng.normal discards it): half the uniforms and one log per two draws, on the
 * simulator's hottest path (token counts and API latencies per request).
 *
 *   u, v ~ U(-1, 1) until s = u^2 + v^2 in (0, 1);  z1 = u * m, z2 = v * m,  m = sqrt(-2 ln s / s)
 */
import type { Rng } from '../../gateway-core/rng.js';

export class GaussianSource {
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly rng: Rng) {}

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.rng.next() - 1;
      v = 2 * this.rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Log-normal with median `median` and log standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}
