/**
 * A labelled anomaly corpus in the shape of gateway telemetry at 1-minute resolution:
 *   requests    diurnal counts; faults: flood (x2.5..4 for 5..30 min), outage (x0.02 for 5..30 min)
 *   latency_p99 ms, lognormal around a load-dependent median; faults: slowdown (x1.8..3 for 10..40 min),
 *               slow drift (a ramp to x1.6..2.2 over 3..6 h, then back to normal)
 *   error_rate  fraction, ~0.5% with noise; faults: error burst (+5..15 points for 5..20 min)
 * The first day of each series is fault-free (a detector's warm-up, like NAB's probation span).
 * Faults are spaced at least 6 h apart so that label windows never overlap.
 * Written as series CSV files plus labels.json: { "<file>": [[startStamp, endStamp], ...] }.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRng } from '../../gateway-core/rng.js';
import type { RegularSeries } from './regular-series.js';
import { seriesCsv } from './series-csv.js';
import { dailyShape, SYNTHETIC_START } from './synthetic-series.js';
import { formatTimestamp } from './timestamp.js';

export type FaultType = 'flood' | 'outage' | 'slowdown' | 'drift' | 'error_burst';
/** Faults injected into an outside series (fault-injection.ts). */
export type InjectedFaultType = 'spike' | 'dip' | 'shift' | 'stuck' | 'noise' | 'shape' | 'drift';
export type MetricKind = 'requests' | 'latency_p99' | 'error_rate';

export interface LabelWindow {
  /** Indices [start, end) of the fault. */
  start: number;
  end: number;
  /** 'labelled': a window from a real series' labels, cause unnamed. */
  type: FaultType | InjectedFaultType | 'labelled';
}

export interface AnomalyCase {
  name: string;
  /** 'series': an outside series with injected faults. */
  kind: MetricKind | 'series';
  series: RegularSeries;
  labels: LabelWindow[];
}

export interface CorpusOptions {
  seed: number;
  /** Series per metric kind. */
  perKind?: number;
  days?: number;
  faultsPerSeries?: number;
}

const STEP_MS = 60_000;
const PER_DAY = 1440;
const FAULTS: Record<MetricKind, FaultType[]> = {
  requests: ['flood', 'outage'],
  latency_p99: ['slowdown', 'drift'],
  error_rate: ['error_burst'],
};

function load(i: number, base: number): number {
  const day = Math.floor(i / PER_DAY) % 7;
  return base * dailyShape(i % PER_DAY, 0.6) * (day >= 5 ? 0.6 : 1);
}

function baseline(kind: MetricKind, n: number, rng: SeededRng): Float64Array {
  const v = new Float64Array(n);
  const base = 50 + 150 * rng.next();
  for (let i = 0; i < n; i++) {
    const mean = load(i, base);
    if (kind === 'requests') v[i] = Math.max(0, mean + Math.sqrt(mean) * rng.normal());
    else if (kind === 'latency_p99') v[i] = (600 + 2 * mean) * Math.exp(0.08 * rng.normal());
    else v[i] = Math.max(0, 0.005 + 0.002 * rng.normal());
  }
  return v;
}

function inject(v: Float64Array, type: FaultType, start: number, rng: SeededRng): number {
  const dur = (lo: number, hi: number) => rng.int(lo, hi);
  let end = start;
  if (type === 'flood' || type === 'outage') {
    end = start + dur(5, 30);
    const f = type === 'flood' ? 2.5 + 1.5 * rng.next() : 0.02;
    for (let i = start; i < end; i++) v[i] *= f;
  } else if (type === 'slowdown') {
    end = start + dur(10, 40);
    const f = 1.8 + 1.2 * rng.next();
    for (let i = start; i < end; i++) v[i] *= f;
  } else if (type === 'drift') {
    end = start + dur(180, 360);
    const peak = 0.6 + 0.6 * rng.next();
    for (let i = start; i < end; i++) v[i] *= 1 + (peak * (i - start)) / (end - start);
  } else {
    end = start + dur(5, 20);
    const add = 0.05 + 0.1 * rng.next();
    for (let i = start; i < end; i++) v[i] += add;
  }
  return Math.min(end, v.length);
}

export function generateAnomalyCorpus(opts: CorpusOptions): AnomalyCase[] {
  const rng = new SeededRng(opts.seed);
  const perKind = opts.perKind ?? 2;
  const days = opts.days ?? 4;
  const faults = opts.faultsPerSeries ?? 4;
  const n = days * PER_DAY;
  const cases: AnomalyCase[] = [];
  for (const kind of Object.keys(FAULTS) as MetricKind[]) {
    for (let s = 0; s < perKind; s++) {
      const values = baseline(kind, n, rng);
      const labels: LabelWindow[] = [];
      // Faults go in equal slots after the first day, each at a random point of its slot.
      const slot = Math.floor((n - PER_DAY) / faults);
      for (let f = 0; f < faults; f++) {
        const type = FAULTS[kind][rng.int(0, FAULTS[kind].length - 1)];
        const start = PER_DAY + f * slot + rng.int(0, Math.max(0, slot - 6 * 60 - 1));
        const end = inject(values, type, start, rng);
        labels.push({ start, end, type });
      }
      cases.push({
        name: `${kind}_${s}`,
        kind,
        series: { start: SYNTHETIC_START, stepMs: STEP_MS, values, filled: new Uint8Array(n) },
        labels,
      });
    }
  }
  return cases;
}

/** Writes `<name>.csv` per case and `labels.json` (NAB's combined-windows shape) into dir. */
export function writeAnomalyCorpus(dir: string, cases: AnomalyCase[]): void {
  mkdirSync(dir, { recursive: true });
  const labels: Record<string, string[][]> = {};
  for (const c of cases) {
    writeFileSync(join(dir, `${c.name}.csv`), seriesCsv(c.series));
    labels[`${c.name}.csv`] = c.labels.map((l) => [
      formatTimestamp(c.series.start + l.start * c.series.stepMs),
      formatTimestamp(c.series.start + (l.end - 1) * c.series.stepMs),
    ]);
  }
  writeFileSync(join(dir, 'labels.json'), `${JSON.stringify(labels, null, 2)}\n`);
}
