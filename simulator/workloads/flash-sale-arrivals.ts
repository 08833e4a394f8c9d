/**
 * Flash-sale spikes on top of a base rate. Each spike multiplies the base rate by a profile:
 *
 *   m(t) = 1 + (peak - 1) * f(t),   f = linear ramp 0 -> 1 over `ramp`, 1 for `plateau`,
 *                                       then linear 1 -> 0 over `decay`
 *   rate(t) = base * max over spikes of m(t)
 *
 * sampled by thinning with bound base * max(peak).
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import { type ArrivalProcess, ThinnedArrivals } from './arrival-process.js';

export interface SpikeSpec {
  atMs: number;
  rampMs: number;
  plateauMs: number;
  decayMs: number;
  /** Rate multiplier at the plateau (e.g. 8 for eight times the base). */
  peak: number;
}

export function spikeFactor(spike: SpikeSpec, ms: number): number {
  const t = ms - spike.atMs;
  if (t < 0) return 0;
  if (t < spike.rampMs) return t / spike.rampMs;
  const p = t - spike.rampMs;
  if (p < spike.plateauMs) return 1;
  const d = p - spike.plateauMs;
  if (d < spike.decayMs) return 1 - d / spike.decayMs;
  return 0;
}

export function flashSaleRate(base: number, spikes: readonly SpikeSpec[]): (ms: number) => number {
  return (ms) => {
    let m = 1;
    for (const s of spikes) {
      const v = 1 + (s.peak - 1) * spikeFactor(s, ms);
      if (v > m) m = v;
    }
    return base * m;
  };
}

export function flashSaleArrivals(
  base: number,
  spikes: readonly SpikeSpec[],
  rng: SeededRng,
  endMs?: number,
): ArrivalProcess {
  for (const s of spikes)
    if (!(s.peak >= 1)) throw new RangeError(`flash-sale: spike peak must be >= 1, got ${s.peak}`);
  const maxPeak = spikes.reduce((m, s) => Math.max(m, s.peak), 1);
  return new ThinnedArrivals(flashSaleRate(base, spikes), base * maxPeak, rng, endMs);
}
