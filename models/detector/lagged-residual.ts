/**
 * One seasonal part of the residual detector: a small online regressor forecasts row i from the
 * rows one period earlier, i-P-W..i-P+W (minus their mean c), and calendar features; its residual
 * e = z[i] - c - f(...) is clipped at 4 sigma and smoothed,
 *   E <- (1 - lambda) E + lambda clip(e),
 * and E judged against a slowly forgetting scale: a slow drift or a sustained change of shape,
 * which a model of the last few rows follows and so cannot see, accumulates in E.
 * Used with P = one day by residual-detector.ts; the period is a parameter because which lags
 * carry a series' seasons is a property of the series.
 */
import { CALENDAR_FEATURES, calendarFeatures } from '../../datasets/series/calendar-features.js';
import { zToScore } from '../detector.js';
import { OnlineRegressor } from './online-regressor.js';
import { OnlineScale } from './online-scale.js';

export interface LaggedResidualOptions {
  period: number;
  halfWidth: number;
  hidden: number;
  seed: number;
  smoothing: number;
  /** Forgetting rate of the smoothed residual's scale. */
  scaleRate: number;
  zHalf: number;
}

export class LaggedResidual {
  /** The first row with a full window one period back. */
  readonly first: number;
  private readonly width: number;
  private readonly model: OnlineRegressor;
  // The scale learns slowly and clips hard: a slow drift must not drag it along.
  private readonly scale: OnlineScale;
  private readonly rawScale = new OnlineScale();
  private smooth = 0;
  private pendingRaw = 0;
  private from = 0;
  private x = new Float32Array(0);
  private y = new Float32Array(0);
  private pred: Float32Array = new Float32Array(0);
  private keep: number[] = [];

  constructor(private readonly o: LaggedResidualOptions) {
    this.first = o.period + o.halfWidth;
    this.width = 2 * o.halfWidth + 1 + CALENDAR_FEATURES;
    this.model = new OnlineRegressor(this.width, o.hidden, o.seed);
    this.scale = new OnlineScale(o.scaleRate, 2.5);
  }

  /** Builds and predicts the rows of the chunk [s, e) that have a window one period back. */
  startChunk(z: Float32Array, times: Float64Array, s: number, e: number): void {
    const { period: P, halfWidth: W } = this.o;
    this.from = Math.max(s, this.first);
    const count = Math.max(0, e - this.from);
    this.x = new Float32Array(count * this.width);
    this.y = new Float32Array(count);
    for (let r = 0; r < count; r++) {
      const i = this.from + r;
      let c = 0;
      for (let j = i - P - W; j <= i - P + W; j++) c += z[j];
      c /= 2 * W + 1;
      const base = r * this.width;
      for (let j = 0; j <= 2 * W; j++) this.x[base + j] = z[i - P - W + j] - c;
      calendarFeatures(times[i], this.x, base + 2 * W + 1);
      this.y[r] = z[i] - c;
    }
    this.pred = this.model.predict(this.x, count);
    this.keep = [];
  }

  /** The window one period back of row i holds no flagged row. */
  clean(i: number, flaggedIn: (from: number, to: number) => number): boolean {
    const { period: P, halfWidth: W } = this.o;
    return i >= this.first && flaggedIn(i - P - W, i - P + W + 1) === 0;
  }

  /** Score of row i (call only where clean(i)); updates the smoothed residual. */
  score(i: number): number {
    const k = i - this.from;
    // Clip the raw residual at 4 sigma before smoothing: sudden spikes are the fast model's to
    // report, and an unclipped spike would keep the smoothed residual high (and alerting) for
    // many rows after the fault has ended.
    const es = this.y[k] - this.pred[k];
    const cap = this.rawScale.count > 50 ? 4 * this.rawScale.sigma() : Number.POSITIVE_INFINITY;
    this.smooth = (1 - this.o.smoothing) * this.smooth + this.o.smoothing * Math.max(-cap, Math.min(cap, es));
    this.pendingRaw = es;
    return this.scale.count > 50 ? zToScore(this.scale.z(this.smooth), this.o.zHalf) : 0;
  }

  /** Row i (scored, clean) was not flagged: learn its scales and train on it. */
  accept(i: number): void {
    this.scale.update(this.smooth);
    this.rawScale.update(this.pendingRaw);
    this.keep.push(i - this.from);
  }

  train(epochs: number): void {
    const px = new Float32Array(this.keep.length * this.width);
    const py = new Float32Array(this.keep.length);
    this.keep.forEach((r, k) => {
      px.set(this.x.subarray(r * this.width, (r + 1) * this.width), k * this.width);
      py[k] = this.y[r];
    });
    this.model.train(px, py, this.keep.length, epochs);
  }

  dispose(): void {
    this.model.dispose();
  }
}
