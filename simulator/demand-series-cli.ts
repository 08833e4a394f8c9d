/**
 * Writes the demand series that `npm run eval` forecasts in its part (b), drawn from the
 * simulator's diurnal workload (demand-series.ts), as files models/ reads without importing the
 * simulator:
 *   node dist/simulator/demand-series-cli.js [--out DIR] [--seed S] [--rate R]
 * DIR (default datasets/series/sim-demand) gets per series `<name>.csv` (timestamp,value: arrivals
 * per step), `<name>.expected.csv` (the workload's expected arrivals per step, for the eval's
 * known-rate reference) and `demand.json` (the workload: rate, seed, holidays, shift steps).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scriptFlag } from '../gateway-core/script-flag.js';
import { seriesCsv } from '../datasets/series/series-csv.js';
import { simulatedDemandSeries } from './demand-series.js';

/** The two series of the evaluation's part (b): four weeks at 1 minute, twelve at 30 minutes. */
export const DEMAND_SETS = [
  { name: 'demand-1min', stepMs: 60_000, days: 28, holidays: [10, 25], levelShifts: 2 },
  { name: 'demand-30min', stepMs: 1_800_000, days: 84, holidays: [20, 45, 75], levelShifts: 3 },
] as const;

/** 10 requests per second on average over a weekday: a mid-size gateway. */
export const DEMAND_RATE = 10;
export const DEMAND_SEED = 2024;

export function writeDemandSets(dir: string, seed = DEMAND_SEED, rate = DEMAND_RATE): void {
  mkdirSync(dir, { recursive: true });
  const manifest = [];
  for (const set of DEMAND_SETS) {
    const d = simulatedDemandSeries({
      stepMs: set.stepMs,
      days: set.days,
      seed,
      holidays: [...set.holidays],
      levelShifts: set.levelShifts,
      perStep: (rate * set.stepMs) / 1000,
    });
    writeFileSync(join(dir, `${set.name}.csv`), seriesCsv(d.series));
    const expected = { ...d.series, values: d.expected.map((v) => +v.toFixed(3)) };
    writeFileSync(join(dir, `${set.name}.expected.csv`), seriesCsv(expected));
    manifest.push({
      file: `${set.name}.csv`,
      expected: `${set.name}.expected.csv`,
      stepMs: set.stepMs,
      days: set.days,
      holidays: d.holidays,
      levelShiftSteps: d.shifts,
    });
  }
  const doc = {
    workload: 'diurnal with calendar (simulator/demand-series.ts)',
    rateRps: rate,
    seed,
    series: manifest,
  };
  writeFileSync(join(dir, 'demand.json'), `${JSON.stringify(doc, null, 2)}\n`);
}

export function main(argv: string[]): void {
  const out = scriptFlag(argv, 'out', join('datasets', 'series', 'sim-demand'));
  writeDemandSets(
    out,
    Number(scriptFlag(argv, 'seed', String(DEMAND_SEED))),
    Number(scriptFlag(argv, 'rate', String(DEMAND_RATE))),
  );
  process.stdout.write(`demand series: ${DEMAND_SETS.map((s) => s.name).join(', ')} -> ${out}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
