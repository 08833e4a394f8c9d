/**
 * Multi-week demand series with the structure real gateway traffic has:
 *   y(t) = base * level(t) * (1 + trend * days) * daily(minute) * weekly(day) + noise,
 *   daily(m) = 1 + a1 cos(2pi (m/1440 - 14/24)) + a2 cos(4pi (m/1440 - 10/24))   (afternoon peak, morning shoulder)
 *   weekly(d) = 1 on weekdays, `weekend` on Saturday and Sunday and on holidays,
 *   level(t) = product of the level shifts that happened before t,
 *   noise ~ Normal(0, sqrt(mean) * poisson + mean * relNoise)   (count noise plus burstiness).
 * Starts on Monday 2024-01-01 00:00 UTC. Deterministic for a seed.
 */
import { SeededRng } from '../../gateway-core/rng.js';
import type { RegularSeries } from './regular-series.js';

export interface SyntheticOptions {
  stepMs: number;
  days: number;
  seed: number;
  base?: number;
  dailyAmplitude?: number;
  weekend?: number;
  /** Relative growth per day. */
  trendPerDay?: number;
  /** Day indices (0 = the first Monday) that behave like a Sunday. */
  holidays?: number[];
  /** How many level shifts, at random times after the first week. */
  levelShifts?: number;
  /** Scale of the Poisson-like noise (1 = counts). */
  poisson?: number;
  relNoise?: number;
}

export interface SyntheticSeries {
  series: RegularSeries;
  /** Indices where a level shift starts. */
  shifts: number[];
  holidays: number[];
}

export const SYNTHETIC_START = Date.UTC(2024, 0, 1);

export function dailyShape(minuteOfDay: number, amplitude: number): number {
  const x = minuteOfDay / 1440;
  return (
    1 +
    amplitude * Math.cos(2 * Math.PI * (x - 14 / 24)) +
    0.3 * amplitude * Math.cos(4 * Math.PI * (x - 10 / 24))
  );
}

/**
 * `count` level shifts at random times in [first, first + span) (any unit: steps or ms), each
 * x0.75-0.85 or x1.2-1.35 with even odds, in time order. Shared by this generator and the
 * simulator's demand series (simulator/demand-series.ts).
 */
export function drawLevelShifts(
  rng: SeededRng,
  count: number,
  first: number,
  span: number,
): Array<{ at: number; factor: number }> {
  const shifts: Array<{ at: number; factor: number }> = [];
  for (let k = 0; k < count; k++) {
    const at = first + Math.floor(rng.next() * Math.max(1, span));
    const factor = rng.next() < 0.5 ? 0.75 + 0.1 * rng.next() : 1.2 + 0.15 * rng.next();
    shifts.push({ at, factor });
  }
  return shifts.sort((a, b) => a.at - b.at);
}

export function generateSyntheticSeries(opts: SyntheticOptions): SyntheticSeries {
  const rng = new SeededRng(opts.seed);
  const base = opts.base ?? 200;
  const amp = opts.dailyAmplitude ?? 0.6;
  const weekend = opts.weekend ?? 0.55;
  const trend = opts.trendPerDay ?? 0.005;
  const holidays = opts.holidays ?? [];
  const poisson = opts.poisson ?? 1;
  const relNoise = opts.relNoise ?? 0.03;
  const perDay = Math.round(86_400_000 / opts.stepMs);
  const n = perDay * opts.days;
  const shifts = drawLevelShifts(rng, opts.levelShifts ?? 0, perDay * 7, n - perDay * 8);
  const values = new Float64Array(n);
  let level = 1;
  let nextShift = 0;
  for (let i = 0; i < n; i++) {
    while (nextShift < shifts.length && shifts[nextShift].at <= i) level *= shifts[nextShift++].factor;
    const day = Math.floor(i / perDay);
    const minute = ((i % perDay) * opts.stepMs) / 60_000;
    const weekday = day % 7;
    const off = weekday >= 5 || holidays.includes(day) ? weekend : 1;
    const mean = base * level * (1 + trend * (i / perDay)) * dailyShape(minute, amp) * off;
    const sd = Math.sqrt(mean) * poisson + mean * relNoise;
    values[i] = Math.max(0, mean + sd * rng.normal());
  }
  return {
    series: { start: SYNTHETIC_START, stepMs: opts.stepMs, values, filled: new Uint8Array(n) },
    shifts: shifts.map((s) => s.at),
    holidays,
  };
}
