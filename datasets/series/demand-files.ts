/**
 * Reads the demand series the simulator's workload wrote (simulator/demand-series-cli.ts):
 * `demand.json` = { rateRps, seed, series: [{ file, expected, stepMs, days, holidays,
 * levelShiftSteps }] }, each file a series CSV, `expected` the workload's expected value per step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SluiceError } from '../../gateway-core/errors.js';
import { toRegularGrid } from './regular-grid.js';
import type { RegularSeries } from './regular-series.js';
import { readSeriesCsv } from './series-csv.js';

export interface DemandFile {
  name: string;
  series: RegularSeries;
  /** Expected value of each point (the rate the series was drawn from). */
  expected: Float64Array;
  rateRps: number;
  /** The workload's holidays as dates (YYYY-MM-DD, UTC): a calendar known in advance. */
  holidays: string[];
}

interface Manifest {
  rateRps: number;
  series: Array<{ file: string; expected: string; stepMs: number; holidays?: number[] }>;
}

const DAY_MS = 86_400_000;

async function readGrid(path: string, stepMs: number): Promise<RegularSeries> {
  const raw = await readSeriesCsv(path);
  return toRegularGrid(raw.times, raw.values, stepMs);
}

export async function readDemandFiles(dir: string): Promise<DemandFile[]> {
  const path = join(dir, 'demand.json');
  if (!existsSync(path))
    throw new SluiceError(
      'SLUICE_TRACE_INVALID',
      `${path}: no such file (write it with node dist/simulator/demand-series-cli.js --out ${dir})`,
    );
  const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
  if (typeof m.rateRps !== 'number' || !Array.isArray(m.series))
    throw new SluiceError('SLUICE_TRACE_INVALID', `${path}: needs rateRps and series[]`);
  const out: DemandFile[] = [];
  for (const s of m.series) {
    const series = await readGrid(join(dir, s.file), s.stepMs);
    const expected = await readGrid(join(dir, s.expected), s.stepMs);
    if (expected.values.length !== series.values.length || expected.start !== series.start)
      throw new SluiceError(
        'SLUICE_TRACE_INVALID',
        `${s.expected}: does not cover the same grid as ${s.file}`,
      );
    out.push({
      name: basename(s.file, '.csv'),
      series,
      expected: Float64Array.from(expected.values),
      rateRps: m.rateRps,
      // Day k of the run, counted from the first point's day.
      holidays: (s.holidays ?? []).map((k) =>
        new Date((Math.floor(series.start / DAY_MS) + k) * DAY_MS).toISOString().slice(0, 10),
      ),
    });
  }
  return out;
}
