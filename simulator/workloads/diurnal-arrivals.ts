/**
 * Diurnal load: a non-homogeneous Poisson process whose rate follows a cosine over the day,
 *
 *   rate(t) = mean * (1 + amplitude * cos(2 * pi * (t - peakAt) / period))
 *
 * highest at `peakAt`, lowest half a period later; sampled by thinning with bound
 * mean * (1 + amplitude).
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import { type ArrivalProcess, ThinnedArrivals } from './arrival-process.js';

export interface DiurnalSpec {
  /** Mean rate, req/s. */
  mean: number;
  /** 0..1: peak is mean * (1 + amplitude). */
  amplitude: number;
  /** Cycle length in ms (a day by default). */
  periodMs?: number;
  /** Time of the peak within the cycle, ms. */
  peakAtMs?: number;
}

export function diurnalRate(spec: DiurnalSpec): (ms: number) => number {
  const period = spec.periodMs ?? 86_400_000;
  const peakAt = spec.peakAtMs ?? period / 2;
  if (!(spec.amplitude >= 0 && spec.amplitude <= 1))
    throw new RangeError(`diurnal: amplitude must be in [0, 1], got ${spec.amplitude}`);
  return (ms) => spec.mean * (1 + spec.amplitude * Math.cos((2 * Math.PI * (ms - peakAt)) / period));
}

export function diurnalArrivals(spec: DiurnalSpec, rng: SeededRng, endMs?: number): ArrivalProcess {
  return new ThinnedArrivals(diurnalRate(spec), spec.mean * (1 + spec.amplitude), rng, endMs);
}
