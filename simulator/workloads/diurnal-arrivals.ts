/**
 * Diurnal load: a non-homogeneous Poisson process whose rate follows a cosine over the day,
 *
 *   rate(t) = mean * (1 + amplitude * cos(2 * pi * (t - peakAt) / period))
 *
 * highest at `peakAt`, lowest half a period later, times a calendar for runs of weeks (weekends,
 * holidays, growth, level shifts: demand-calendar.ts); sampled by thinning with bound
 * mean * (1 + amplitude) * the calendar's largest multiplier over the run.
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import { type ArrivalProcess, ThinnedArrivals } from './arrival-process.js';
import { type DemandCalendar, calendarFactor, largestCalendarFactor } from './demand-calendar.js';

export interface DiurnalSpec {
  /** Mean rate, req/s. */
  mean: number;
  /** 0..1: peak is mean * (1 + amplitude). */
  amplitude: number;
  /** Cycle length in ms (a day by default). */
  periodMs?: number;
  /** Time of the peak within the cycle, ms. */
  peakAtMs?: number;
  calendar?: DemandCalendar;
}

export function diurnalRate(spec: DiurnalSpec): (ms: number) => number {
  const period = spec.periodMs ?? 86_400_000;
  const peakAt = spec.peakAtMs ?? period / 2;
  if (!(spec.amplitude >= 0 && spec.amplitude <= 1))
    throw new RangeError(`diurnal: amplitude must be in [0, 1], got ${spec.amplitude}`);
  const daily = (ms: number) =>
    spec.mean * (1 + spec.amplitude * Math.cos((2 * Math.PI * (ms - peakAt)) / period));
  if (!spec.calendar) return daily;
  const factor = calendarFactor(spec.calendar);
  return (ms) => daily(ms) * factor(ms);
}

export function diurnalArrivals(spec: DiurnalSpec, rng: SeededRng, endMs?: number): ArrivalProcess {
  let bound = spec.mean * (1 + spec.amplitude);
  if (spec.calendar) {
    // Growth and upward shifts have no largest rate on an endless run.
    if (endMs === undefined || !Number.isFinite(endMs))
      throw new RangeError('diurnal: a calendar needs the run to end (a duration) to bound its rate');
    bound *= largestCalendarFactor(spec.calendar, endMs);
  }
  return new ThinnedArrivals(diurnalRate(spec), bound, rng, endMs);
}
