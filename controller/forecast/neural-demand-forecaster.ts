/**
 * NeuralDemandForecaster: the controller's DemandForecaster over models/'s NeuralForecaster
 * (quantile MLP, p50 and p90 for steps 1..H), with an online Holt forecaster beside it:
 *
 *   history    the last `maxHistory` values of the series (bounded)
 *   warm-up    fewer than `minHistory` values (default max(2 lookback, lookback + horizon + 10)):
 *              Holt answers
 *   first fit  at the interval the warm-up ends; every `retrainEvery` intervals after, a full
 *              retrain of a fresh network on the whole history
 *   update     every `updateEvery` intervals, a few epochs on the recent windows of the active
 *              network (NeuralForecaster.update)
 *   forecast   p50/p90(h) of the active network from the latest point; h > horizon answers the
 *              horizon's value. Holt answers while no network is active, or when one fails
 *              (each failure logged, counted in `stats`)
 *
 * Why Holt keeps running: it is the fallback, and it must be warm the moment it is needed.
 *
 * Training and the controller's synchronous onInterval: NeuralForecaster.fit/update are async,
 * but their training loop (quantile-mlp.ts) is synchronous, so all the work runs inside the
 * call and the network is complete when the call returns; only the promise settles later.
 * Swapping on the promise's settlement would make the simulator's results depend on when the
 * event loop runs microtasks (runSimulation awaits only for trace replay). So a candidate
 * network started at interval i is swapped in at the first update() at or after interval i + 1
 * at which it is observably complete (its state covers the training span), never from a
 * promise callback: the same run gives the same forecasts. `settle()` awaits the pending
 * promises (for callers that can await: tests, the live controller) and logs rejections; it
 * does not swap, so it changes no forecast.
 */
import { type RegularSeries, regularSeries } from '../../datasets/series/regular-series.js';
import type { Forecast } from '../../models/forecaster.js';
import { NeuralForecaster, type NeuralForecasterOptions } from '../../models/forecaster/neural-forecaster.js';
import type { DemandForecaster } from '../interfaces.js';
import { HoltForecaster, type HoltOptions } from './holt-forecaster.js';

export interface NeuralDemandOptions {
  /** The interval between values (ms). */
  stepMs: number;
  /** Options of the network; defaults are tiny (lookback 24, horizon 12, hidden 16). */
  neural: Partial<NeuralForecasterOptions>;
  holt: Partial<HoltOptions>;
  minHistory: number;
  maxHistory: number;
  updateEvery: number;
  retrainEvery: number;
  updateEpochs: number;
  log: (line: string) => void;
}

export interface NeuralDemandStats {
  fits: number;
  updates: number;
  /** Forecasts answered by the network / by Holt. */
  neuralForecasts: number;
  holtForecasts: number;
  failures: number;
}

const DEFAULT_NEURAL: Partial<NeuralForecasterOptions> = {
  lookback: 24,
  horizon: 12,
  hidden: 16,
  seasons: [],
  epochs: 30,
  batchSize: 32,
  learningRate: 5e-3,
  patience: 5,
  seed: 1,
};

interface Candidate {
  model: NeuralForecaster;
  /** Interval index at which it was started, and the history length it was fitted on. */
  startedAt: number;
  points: number;
  done: Promise<void>;
}

export class NeuralDemandForecaster implements DemandForecaster {
  readonly options: NeuralDemandOptions;
  readonly stats: NeuralDemandStats = {
    fits: 0,
    updates: 0,
    neuralForecasts: 0,
    holtForecasts: 0,
    failures: 0,
  };
  private readonly holt: HoltForecaster;
  private values: number[] = [];
  private firstT = 0;
  private n = 0;
  private active: NeuralForecaster | null = null;
  private candidate: Candidate | null = null;
  private lastFitAt = -1;
  private readonly pending = new Set<Promise<unknown>>();
  private cache: { n: number; f: Forecast } | null = null;

  constructor(options: Partial<NeuralDemandOptions> & { stepMs: number }) {
    const neural = { ...DEFAULT_NEURAL, ...options.neural };
    const lookback = neural.lookback ?? 24;
    const horizon = neural.horizon ?? 12;
    const minHistory = options.minHistory ?? Math.max(2 * lookback, lookback + horizon + 10);
    this.options = {
      holt: {},
      maxHistory: Math.max(8 * lookback, minHistory),
      updateEvery: 5,
      retrainEvery: 60,
      updateEpochs: 2,
      log: (line) => process.stderr.write(`${line}\n`),
      ...options,
      neural,
      minHistory,
    };
    this.holt = new HoltForecaster(this.options.holt);
  }

  /** Whether the network answers forecasts now. */
  get neuralActive(): boolean {
    return this.active !== null;
  }

  update(t: number, value: number): void {
    this.holt.update(t, value);
    if (this.values.length === 0) this.firstT = t;
    this.values.push(value);
    if (this.values.length > this.options.maxHistory) {
      this.values.shift();
      this.firstT += this.options.stepMs;
    }
    this.n++;
    this.cache = null;
    this.swapIfComplete();
    if (this.values.length < this.options.minHistory) return;
    const due = this.lastFitAt < 0 || this.n - this.lastFitAt >= this.options.retrainEvery;
    if (due && this.candidate === null) this.startFit();
    else if (this.active && this.n % this.options.updateEvery === 0) this.onlineUpdate();
  }

  forecast(h: number): { p50: number; p90: number } {
    if (this.active) {
      try {
        if (!this.cache || this.cache.n !== this.n) {
          const series = this.series();
          const f = this.active.forecast(series, series.values.length - 1, this.active.options.horizon);
          this.cache = { n: this.n, f };
        }
        const k = Math.min(Math.max(1, h), this.cache.f.p50.length) - 1;
        const p50 = Math.max(0, this.cache.f.p50[k]);
        const p90 = Math.max(p50, this.cache.f.p90[k]);
        if (Number.isFinite(p50) && Number.isFinite(p90)) {
          this.stats.neuralForecasts++;
          return { p50, p90 };
        }
        this.fail('forecast', new Error(`non-finite forecast p50 ${p50} p90 ${p90}`));
      } catch (e) {
        this.fail('forecast', e);
      }
    }
    this.stats.holtForecasts++;
    return this.holt.forecast(h);
  }

  /** Awaits the training promises started so far (rejections are logged, not thrown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  dispose(): void {
    this.active?.dispose();
    this.candidate?.model.dispose();
    this.active = null;
    this.candidate = null;
  }

  private series(): RegularSeries {
    return regularSeries(this.firstT, this.options.stepMs, this.values);
  }

  private track(p: Promise<unknown>, what: string): Promise<void> {
    // Logged only: whether a network is used is decided by swapIfComplete, not by when this
    // callback runs, so the counts in `stats` do not depend on the event loop either.
    const done = p.then(
      () => undefined,
      (e: unknown) =>
        this.options.log(`neural-demand: ${what} rejected: ${e instanceof Error ? e.message : String(e)}`),
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return done;
  }

  private startFit(): void {
    const model = new NeuralForecaster(this.options.neural);
    const series = this.series();
    this.lastFitAt = this.n;
    let done: Promise<void>;
    try {
      done = this.track(model.fit(series, series.values.length), 'fit');
    } catch (e) {
      // A synchronous throw (none today: fit is async) is a failed fit like any other.
      this.fail('fit', e);
      model.dispose();
      return;
    }
    this.candidate = { model, startedAt: this.n, points: series.values.length, done };
  }

  /** Swaps the candidate in once it is a full interval old and observably complete. */
  private swapIfComplete(): void {
    const c = this.candidate;
    if (!c || this.n <= c.startedAt) return;
    if (c.model.state?.dataSpan.points === c.points) {
      this.active?.dispose();
      this.active = c.model;
      this.stats.fits++;
      this.options.log(
        `neural-demand: network fitted on ${c.points} points (${c.model.state.training.epochs} epochs) active at observation ${this.n}`,
      );
    } else {
      this.fail('fit', new Error(`network started at observation ${c.startedAt} did not complete`));
      c.model.dispose();
    }
    this.candidate = null;
  }

  private onlineUpdate(): void {
    const model = this.active!;
    const series = this.series();
    try {
      this.track(model.update(series, series.values.length, { epochs: this.options.updateEpochs }), 'update');
      this.stats.updates++;
    } catch (e) {
      this.fail('update', e);
    }
  }

  private fail(what: string, e: unknown): void {
    this.stats.failures++;
    const message = e instanceof Error ? e.message : String(e);
    this.options.log(`neural-demand: ${what} failed, Holt answers meanwhile: ${message}`);
  }
}
