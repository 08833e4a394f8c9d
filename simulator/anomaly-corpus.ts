/**
 * A labelled anomaly corpus made by the simulator's own fault injection. Each run is the `steady`
 * scenario with diurnal arrivals (rate(t) = mean (1 + a cos(2 pi (t - peak) / day))) for `days`
 * days at 1-minute telemetry; the first day is fault-free (a detector's warm-up), then one fault
 * of each type lands in its own slot, in a seeded order:
 *   slowdown     FaultSpec slowdown x2..3.5, 10..40 min               -> latency_p99
 *   drift        8 back-to-back slowdowns ramping to x1.6..2.2, 3..6 h -> latency_p99
 *   error_burst  FaultSpec errors, rate 0.03..0.2, 5..20 min          -> error_rate
 *   outage       FaultSpec outage of the pool, 5..20 min              -> error_rate
 *   flood        an extra Poisson stream at 1.5..3x the mean, 5..30 min -> requests
 * Series per run: requests (arrivals per minute), latency_p99 (ms, merged histograms; carried
 * forward over minutes with no completion), error_rate ((failed + timed out) / arrived).
 * Label windows come from the run summary's `faults` (start/end seconds), floods from their
 * stream's window.
 */
import { LatencyHistogram } from '../gateway-core/histogram.js';
import { SeededRng } from '../gateway-core/rng.js';
import type { IntervalRecord } from '../gateway-core/telemetry/interval-record.js';
import type { FaultSpec } from './backends/fault-schedule.js';
import { runSimulation } from './run-simulation.js';
import { loadScenario } from './scenario/scenario-loader.js';

export type CorpusMetric = 'requests' | 'latency_p99' | 'error_rate';
export type CorpusFault = 'slowdown' | 'drift' | 'error_burst' | 'outage' | 'flood';

export interface CorpusWindow {
  /** Epoch ms, [start, end). */
  start: number;
  end: number;
  type: CorpusFault;
}

export interface CorpusSeries {
  name: string;
  metric: CorpusMetric;
  /** Epoch ms of each row (one per minute). */
  times: number[];
  values: number[];
  labels: CorpusWindow[];
}

export interface SimCorpusOptions {
  seed: number;
  runs?: number;
  days?: number;
  /** Mean arrivals per second. */
  meanRate?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Monday, so that calendar features mean something. */
export const CORPUS_START = Date.UTC(2026, 0, 5);
const POOL = 'provider';
const METRIC_OF: Record<CorpusFault, CorpusMetric> = {
  slowdown: 'latency_p99',
  drift: 'latency_p99',
  error_burst: 'error_rate',
  outage: 'error_rate',
  flood: 'requests',
};

interface PlannedFault {
  type: CorpusFault;
  atMs: number;
  endMs: number;
  specs: FaultSpec[];
  flood?: number;
}

function plan(type: CorpusFault, atMs: number, rng: SeededRng, meanRate: number): PlannedFault {
  const minutes = (lo: number, hi: number) => rng.int(lo, hi) * MINUTE;
  switch (type) {
    case 'slowdown': {
      const d = minutes(10, 40);
      const factor = 2 + 1.5 * rng.next();
      return {
        type,
        atMs,
        endMs: atMs + d,
        specs: [{ kind: 'slowdown', pool: POOL, atMs, durationMs: d, factor }],
      };
    }
    case 'drift': {
      const d = minutes(180, 360);
      const top = 1.6 + 0.6 * rng.next();
      const steps = 8;
      const seg = Math.floor(d / steps);
      const specs: FaultSpec[] = Array.from({ length: steps }, (_, k) => ({
        kind: 'slowdown',
        pool: POOL,
        atMs: atMs + k * seg,
        durationMs: seg,
        factor: 1 + ((top - 1) * (k + 1)) / steps,
      }));
      return { type, atMs, endMs: atMs + steps * seg, specs };
    }
    case 'error_burst': {
      const d = minutes(5, 20);
      const rate = 0.03 + 0.17 * rng.next();
      return {
        type,
        atMs,
        endMs: atMs + d,
        specs: [{ kind: 'errors', pool: POOL, atMs, durationMs: d, rate }],
      };
    }
    case 'outage': {
      const d = minutes(5, 20);
      return { type, atMs, endMs: atMs + d, specs: [{ kind: 'outage', pool: POOL, atMs, durationMs: d }] };
    }
    case 'flood': {
      const d = minutes(5, 30);
      return { type, atMs, endMs: atMs + d, specs: [], flood: meanRate * (1.5 + 1.5 * rng.next()) };
    }
  }
}

/** Sums a run's interval records per interval start into the three series. */
export function aggregateRecords(
  records: readonly IntervalRecord[],
  durationMs: number,
): Record<CorpusMetric, number[]> {
  const n = Math.floor(durationMs / MINUTE);
  const arrived = new Float64Array(n);
  const bad = new Float64Array(n);
  const hist: Array<LatencyHistogram | null> = new Array(n).fill(null);
  for (const r of records) {
    const i = Math.floor(r.start / MINUTE);
    if (i < 0 || i >= n) continue;
    arrived[i] += r.arrived;
    bad[i] += r.failed + r.timedOut;
    if (r.latencyHistogram.count > 0) {
      const h = LatencyHistogram.fromJSON(r.latencyHistogram);
      if (hist[i]) hist[i]!.merge(h);
      else hist[i] = h;
    }
  }
  const p99: number[] = [];
  let last = 0;
  for (let i = 0; i < n; i++) {
    const q = hist[i]?.quantile(0.99) ?? null;
    if (q !== null) last = q;
    p99.push(+last.toFixed(1));
  }
  return {
    requests: Array.from(arrived),
    latency_p99: p99,
    error_rate: Array.from(arrived, (a, i) => (a > 0 ? +(bad[i] / a).toFixed(5) : 0)),
  };
}

/** Runs `runs` simulations with injected faults; returns three labelled series per run. */
export async function generateSimCorpus(opts: SimCorpusOptions): Promise<CorpusSeries[]> {
  const runs = opts.runs ?? 4;
  const days = opts.days ?? 3;
  const meanRate = opts.meanRate ?? 4;
  const durationMs = days * DAY;
  const rng = new SeededRng(opts.seed);
  const out: CorpusSeries[] = [];
  for (let run = 0; run < runs; run++) {
    const scenario = loadScenario('steady');
    const main = scenario.streams[0];
    main.arrivals = {
      process: 'diurnal',
      mean: meanRate,
      amplitude: 0.6,
      periodMs: DAY,
      peakAtMs: 14 * HOUR,
    };
    const types: CorpusFault[] = ['slowdown', 'drift', 'error_burst', 'outage', 'flood'];
    for (let i = types.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [types[i], types[j]] = [types[j], types[i]];
    }
    // Equal slots after the first day; each fault starts early enough to end inside its slot.
    const slot = Math.floor((durationMs - DAY) / types.length);
    const planned = types.map((type, k) =>
      plan(type, DAY + k * slot + rng.int(0, 6) * 10 * MINUTE, rng, meanRate),
    );
    scenario.faults = planned.flatMap((p) => p.specs);
    for (const p of planned) {
      if (p.flood === undefined) continue;
      scenario.streams.push({
        ...main,
        name: 'flood',
        arrivals: { process: 'poisson', rate: p.flood },
        startMs: p.atMs,
        endMs: p.endMs,
      });
    }
    const records: IntervalRecord[] = [];
    const summary = await runSimulation(scenario, {
      seed: opts.seed * 1000 + run,
      durationMs,
      controlIntervalMs: MINUTE,
      telemetrySink: (rs) => {
        for (const r of rs) records.push(r);
      },
    });
    const series = aggregateRecords(records, durationMs);
    const labels: CorpusWindow[] = planned.map((p) => {
      // The logged faults that belong to this plan (a drift is several); floods are streams.
      const logged = summary.faults.filter((f) => f.startS * 1000 >= p.atMs && f.endS * 1000 <= p.endMs);
      const start = logged.length ? Math.min(...logged.map((f) => f.startS * 1000)) : p.atMs;
      const end = logged.length ? Math.max(...logged.map((f) => f.endS * 1000)) : p.endMs;
      return { start: CORPUS_START + start, end: CORPUS_START + end, type: p.type };
    });
    const times = Array.from({ length: series.requests.length }, (_, i) => CORPUS_START + i * MINUTE);
    for (const metric of ['requests', 'latency_p99', 'error_rate'] as CorpusMetric[]) {
      out.push({
        name: `run${run}_${metric}`,
        metric,
        times,
        values: series[metric],
        labels: labels.filter((l) => METRIC_OF[l.type] === metric),
      });
    }
  }
  return out;
}
