/**
 * Labelled faults injected into an outside series (a public demand or machine metric), so that
 * detectors can be compared on a real background, with its own seasons and noise, rather than
 * only on our generated ones. One of each kind per case, each at a random point of its own slot
 * after the first quarter of the series (the detectors' warm-up and first day):
 *   spike  one row x1.25-1.45          dip    three rows x0.7
 *   shift  half a day x1.12            stuck  a quarter day repeating one value
 *   noise  a quarter day + uniform noise of +-6% of the value
 *   shape  a day replaced by the day two days earlier (a weekday shaped like a weekend, say)
 *   drift  a day ramping to x1.15
 * Sizes scale with the series' rows per day, so an hourly and a 5-minute series get comparable
 * faults. Seeded: the same seed gives the same case.
 */
import { SluiceError } from '../../gateway-core/errors.js';
import { SeededRng } from '../../gateway-core/rng.js';
import type { AnomalyCase, InjectedFaultType, LabelWindow } from './anomaly-corpus.js';
import type { RegularSeries } from './regular-series.js';

export const INJECTED_FAULTS: readonly InjectedFaultType[] = [
  'spike',
  'dip',
  'shift',
  'stuck',
  'noise',
  'shape',
  'drift',
];

/** The first row faults may touch: after the first quarter, and after two days. */
function faultStart(n: number, day: number): number {
  return Math.max(Math.floor(n / 4), 2 * day);
}

/** Rows per fault slot: the rows from faultStart split by kind. */
function faultSpan(n: number, day: number): number {
  return Math.floor((n - faultStart(n, day)) / INJECTED_FAULTS.length);
}

export function injectFaults(series: RegularSeries, name: string, seed: number): AnomalyCase {
  const rng = new SeededRng(seed);
  const base = series.values;
  const v = Float64Array.from(base);
  const n = v.length;
  const day = Math.max(4, Math.round(86_400_000 / series.stepMs));
  const span = faultSpan(n, day);
  if (span < day + 4) {
    let needed = n;
    while (faultSpan(needed, day) < day + 4) needed++;
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${name}: ${n} rows leave ${span} per fault after the first quarter; fault injection needs at least a day (${day} rows) each: ${needed} rows`,
    );
  }
  const from = faultStart(n, day);
  // Each kind in its own slot, the order shuffled by the seed.
  const order = [...INJECTED_FAULTS];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const labels: LabelWindow[] = [];
  order.forEach((type, k) => {
    const start = from + k * span + Math.floor(rng.next() * (span - day - 1));
    const len = {
      spike: 1,
      dip: 3,
      shift: Math.round(day / 2),
      stuck: Math.round(day / 4),
      noise: Math.round(day / 4),
      shape: day,
      drift: day,
    }[type];
    for (let i = start; i < start + len; i++) {
      if (type === 'spike') v[i] *= 1.25 + 0.2 * rng.next();
      else if (type === 'dip') v[i] *= 0.7;
      else if (type === 'shift') v[i] *= 1.12;
      else if (type === 'stuck') v[i] = v[start];
      else if (type === 'noise') v[i] += (rng.next() - 0.5) * 0.12 * Math.abs(v[i]);
      else if (type === 'shape') v[i] = base[i - 2 * day];
      else v[i] *= 1 + (0.15 * (i - start)) / len;
    }
    labels.push({ start, end: start + len, type });
  });
  labels.sort((a, b) => a.start - b.start);
  return {
    name: `${name}-${seed}`,
    kind: 'series',
    series: { start: series.start, stepMs: series.stepMs, values: v, filled: series.filled },
    labels,
  };
}
