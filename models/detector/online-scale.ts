/**
 * An online, outlier-resistant scale of residuals: s <- s + r (min(|e|, k s) - s), with rate
 * r = max(rate, 1/n) (a plain mean at first, then exponential forgetting). Winsorising at k s
 * keeps one fault from inflating the scale and hiding the next. sigma = 1.2533 s, the standard
 * deviation a normal residual with mean absolute value s would have.
 */
export class OnlineScale {
  private s = 0;
  private n = 0;

  constructor(
    readonly rate = 0.01,
    readonly clip = 4,
  ) {}

  get count(): number {
    return this.n;
  }

  sigma(): number {
    return 1.2533 * this.s;
  }

  /**
   * z of a residual against the scale learnt so far (before this residual). A scale of exactly 0
   * (a series that has been constant, e.g. an error rate of 0) makes any departure beyond float
   * noise infinitely surprising: returning 0 there hid every error burst on a clean service.
   */
  z(e: number): number {
    const sigma = this.sigma();
    if (sigma > 0) return Math.abs(e) / sigma;
    return Math.abs(e) > 1e-6 && this.n > 0 ? Number.POSITIVE_INFINITY : 0;
  }

  /** e / sigma with its sign; a zero scale gives +-Infinity for a departure, 0 for none. */
  signedZ(e: number): number {
    const z = this.z(e);
    return e < 0 ? -z : z;
  }

  update(e: number): void {
    this.n++;
    const a = Math.abs(e);
    const x = this.n > 20 && this.s > 0 ? Math.min(a, this.clip * this.s) : a;
    this.s += Math.max(this.rate, 1 / this.n) * (x - this.s);
  }
}
