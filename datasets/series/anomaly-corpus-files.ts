/**
 * Reads a labelled anomaly corpus written as files (simulator/anomaly-corpus-cli.ts): series CSVs
 * plus `corpus.json` = { stepMs, series: [{ file, metric, labels: [{ start, end, type }] }] }
 * (ISO stamps, end exclusive). Windows become row indices [start, end) on the series' own grid,
 * so detectors and metrics see the same AnomalyCase shape as the in-process generator gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../gateway-core/errors.js';
import type { AnomalyCase, FaultType, LabelWindow, MetricKind } from './anomaly-corpus.js';
import { toRegularGrid } from './regular-grid.js';
import { readSeriesCsv } from './series-csv.js';

interface Manifest {
  stepMs: number;
  series: Array<{
    file: string;
    metric: MetricKind;
    labels: Array<{ start: string; end: string; type: FaultType }>;
  }>;
}

function parseManifest(text: string, source: string): Manifest {
  const m = JSON.parse(text) as Partial<Manifest>;
  if (typeof m.stepMs !== 'number' || !Array.isArray(m.series))
    throw new SluiceError('SLUICE_TRACE_INVALID', `${source}: needs stepMs and series[]`);
  return m as Manifest;
}

export async function readAnomalyCorpus(dir: string): Promise<AnomalyCase[]> {
  const path = join(dir, 'corpus.json');
  const manifest = parseManifest(readFileSync(path, 'utf8'), path);
  const out: AnomalyCase[] = [];
  for (const s of manifest.series) {
    const raw = await readSeriesCsv(join(dir, s.file));
    const series = toRegularGrid(raw.times, raw.values, manifest.stepMs);
    const index = (stamp: string) => Math.round((Date.parse(stamp) - series.start) / series.stepMs);
    const labels: LabelWindow[] = s.labels.map((l) => ({
      start: Math.max(0, index(l.start)),
      end: Math.min(series.values.length, index(l.end)),
      type: l.type,
    }));
    out.push({ name: s.file.replace(/\.csv$/, ''), kind: s.metric, series, labels });
  }
  return out;
}
