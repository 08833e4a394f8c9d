/**
 * Builds an arrival process from its scenario description (see scenario/scenario.ts).
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import type { ArrivalSpec } from '../scenario/scenario.js';
import { type ArrivalProcess, DeterministicArrivals, PoissonArrivals } from './arrival-process.js';
import { diurnalArrivals } from './diurnal-arrivals.js';
import { flashSaleArrivals } from './flash-sale-arrivals.js';
import { MmppArrivals } from './mmpp-arrivals.js';

export function createArrivals(
  spec: ArrivalSpec,
  rng: SeededRng,
  startMs: number,
  endMs: number,
): ArrivalProcess {
  switch (spec.process) {
    case 'poisson':
      return new PoissonArrivals(spec.rate, rng, startMs, endMs);
    case 'deterministic':
      return new DeterministicArrivals(spec.rate);
    case 'diurnal':
      return diurnalArrivals(
        {
          mean: spec.mean,
          amplitude: spec.amplitude,
          periodMs: spec.periodMs,
          peakAtMs: spec.peakAtMs,
          calendar: spec.calendar,
        },
        rng,
        endMs,
      );
    case 'mmpp':
      return new MmppArrivals(spec.states, rng, endMs);
    case 'flash-sale':
      return flashSaleArrivals(spec.base, spec.spikes, rng, endMs);
  }
}
