/**
 * A plain service station: each attempt takes a service time drawn independently of the others
 *
 *   exponential: S ~ Exp(1 / meanMs)       deterministic: S = meanMs
 *   lognormal:   S = median * exp(sigma * Z)
 *
 * Concurrency comes from the engine's `maxConcurrencyPerInstance` (1 for an M/M/c server), so
 * this is the M/M/c and M/D/1 model used to validate the simulator against queueing theory.
 * It has no instances of its own, so faults apply to the whole station.
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import type { Environment } from '../kernel/environment.js';
import {
  FAILED_5XX,
  FAST_FAILURE_MS,
  type FaultEffect,
  type FinishFn,
  SuccessOutcome,
  type Flight,
  type UpstreamPool,
} from './upstream.js';

export interface StationSpec {
  distribution: 'exponential' | 'deterministic' | 'lognormal';
  meanMs: number;
  /** lognormal only. */
  sigma?: number;
}

export class StationBackend implements UpstreamPool {
  readonly kind = 'station' as const;
  private slowdown = 1;
  private errorRate = 0;
  private down = false;
  private readonly onDone: (f: Flight) => void;
  private readonly success = new SuccessOutcome();

  constructor(
    readonly name: string,
    private readonly spec: StationSpec,
    private readonly env: Environment,
    private readonly rng: SeededRng,
    private readonly finish: FinishFn,
  ) {
    if (!(spec.meanMs > 0)) throw new RangeError(`station ${name}: meanMs must be > 0`);
    this.onDone = (f) => {
      const r = f.request;
      this.finish(f, this.success.of(r));
    };
  }

  serviceMs(): number {
    const s = this.spec;
    if (s.distribution === 'deterministic') return s.meanMs;
    if (s.distribution === 'exponential') return this.rng.exponential(1 / s.meanMs);
    const sigma = s.sigma ?? 0.5;
    // median chosen so that the mean is meanMs: mean = median * exp(sigma^2 / 2)
    return this.rng.logNormal(s.meanMs * Math.exp((-sigma * sigma) / 2), sigma);
  }

  send(flight: Flight): void {
    if (this.down || (this.errorRate > 0 && this.rng.next() < this.errorRate)) {
      this.env.timeout(FAST_FAILURE_MS, (f: Flight) => this.finish(f, FAILED_5XX), flight);
      return;
    }
    const s = this.serviceMs() * this.slowdown;
    flight.ttftMs = s;
    this.env.timeout(s, this.onDone, flight);
  }

  fault(effect: FaultEffect, _instance: string | null, on: boolean): void {
    if (effect.kind === 'slowdown') this.slowdown = on ? effect.factor : 1;
    else if (effect.kind === 'errors') this.errorRate = on ? effect.rate : 0;
    else this.down = on;
  }

  instanceHours(): number {
    return 0;
  }
  hardwareCostUsd(): number {
    return 0;
  }
  provisioned(): null {
    return null;
  }
}
