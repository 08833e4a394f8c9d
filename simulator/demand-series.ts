/**
 * Multi-week demand series from the simulator's diurnal workload: the arrivals of a diurnal
 * process with a calendar (quieter weekends and holidays, growth, level shifts;
 * workloads/demand-calendar.ts), counted per step, as the simulator's `requests` telemetry counts
 * them. Only the workload runs, not the gateway: arrivals are what demand forecasting reads, and
 * weeks of 1-minute traffic through the whole engine would take minutes per series.
 *
 * The run starts on a Monday (SYNTHETIC_START, 2024-01-01), so the calendar's weekends fall on
 * the timestamps' Saturdays and Sundays. Deterministic for a seed.
 */
import { SeededRng } from '../gateway-core/rng.js';
import type { RegularSeries } from '../datasets/series/regular-series.js';
import { drawLevelShifts, SYNTHETIC_START } from '../datasets/series/synthetic-series.js';
import { diurnalArrivals, diurnalRate } from './workloads/diurnal-arrivals.js';
import type { LevelShift } from './workloads/demand-calendar.js';

export interface DemandSeriesOptions {
  stepMs: number;
  days: number;
  seed: number;
  /** Mean arrivals per step before the calendar (weekday, day 0, no shift). */
  perStep?: number;
  /** Diurnal amplitude (peak = mean (1 + amplitude)). */
  amplitude?: number;
  /** Time of day of the peak, ms. */
  peakAtMs?: number;
  weekend?: number;
  holidays?: number[];
  trendPerDay?: number;
  /** Level shifts drawn at random after the first week (each x0.75-0.85 or x1.2-1.35). */
  levelShifts?: number;
}

export interface DemandSeries {
  series: RegularSeries;
  /** Step index at which each level shift starts. */
  shifts: number[];
  holidays: number[];
  /**
   * The expected arrivals in each step (the rate integrated over it): what a forecaster that knew
   * the workload would say, so an evaluation can state how close to the noise any model can get.
   */
  expected: Float64Array;
}

/** Midpoints per step for `expected` (the rate is smooth within a step: shifts start on step boundaries). */
const EXPECTED_SUBSTEPS = 16;

const DAY_MS = 86_400_000;

export function simulatedDemandSeries(opts: DemandSeriesOptions): DemandSeries {
  const rng = new SeededRng(opts.seed);
  const { stepMs, days } = opts;
  const endMs = days * DAY_MS;
  const n = Math.floor(endMs / stepMs);
  // On the grid: a shift starts at a step, so `shifts` names the step it changes.
  const shifts: LevelShift[] = drawLevelShifts(
    rng,
    opts.levelShifts ?? 0,
    7 * DAY_MS,
    endMs - 8 * DAY_MS,
  ).map((s) => ({ atMs: Math.ceil(s.at / stepMs) * stepMs, factor: s.factor }));
  const holidays = opts.holidays ?? [];
  const spec = {
    mean: (opts.perStep ?? 200) / (stepMs / 1000),
    amplitude: opts.amplitude ?? 0.6,
    peakAtMs: opts.peakAtMs ?? 14 * 3_600_000,
    calendar: {
      weekend: opts.weekend ?? 0.55,
      holidays,
      trendPerDay: opts.trendPerDay ?? 0.005,
      levelShifts: shifts,
    },
  };
  const arrivals = diurnalArrivals(spec, rng.fork(), endMs);
  const values = new Float64Array(n);
  for (let t = arrivals.next(0); t < endMs; t = arrivals.next(t)) values[Math.floor(t / stepMs)]++;
  const rate = diurnalRate(spec);
  const expected = new Float64Array(n);
  const sub = stepMs / EXPECTED_SUBSTEPS;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < EXPECTED_SUBSTEPS; k++) sum += rate(i * stepMs + (k + 0.5) * sub);
    expected[i] = (sum * sub) / 1000;
  }
  return {
    series: { start: SYNTHETIC_START, stepMs, values, filled: new Uint8Array(n) },
    shifts: shifts.map((s) => s.atMs / stepMs),
    holidays,
    expected,
  };
}
