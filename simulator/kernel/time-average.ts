/**
 * Time average of a piecewise-constant level (e.g. requests in the system):
 *
 *   L = (1 / T) * integral_0^T N(t) dt
 *
 * accumulated as sum of N * (t_change - t_previous) at every change, so memory is constant.
 * Little's law checks compare this L with lambda * W.
 */
export class TimeAverage {
  private level = 0;
  private area = 0;
  private lastT: number;
  private readonly startT: number;
  max = 0;

  constructor(startMs = 0) {
    this.startT = startMs;
    this.lastT = startMs;
  }

  get current(): number {
    return this.level;
  }

  /** Changes the level by `delta` at time `t` (not before the last change). */
  add(t: number, delta: number): void {
    this.area += this.level * (t - this.lastT);
    this.lastT = t;
    this.level += delta;
    if (this.level > this.max) this.max = this.level;
  }

  /** The time average over [start, t]; null for an empty span. */
  average(t: number): number | null {
    const span = t - this.startT;
    if (!(span > 0)) return null;
    return (this.area + this.level * (t - this.lastT)) / span;
  }
}
