/**
 * Real series with labelled anomaly windows, in NAB's layout: a JSON file
 *   { "<CSV path, relative to the data folder>": [["<start>", "<end>"], ...], ... }
 * (stamps, both ends inclusive: NAB's labels/combined_windows.json, and what writeAnomalyCorpus
 * writes as labels.json) beside the series CSVs it names. Each CSV keeps its rows and times as
 * recorded, gaps and repeated stamps included, as `sluice detect` scores them (real metrics arrive
 * late, twice or not at all); a window covers the rows whose stamp lies within it. Where a file's
 * stamps go back (a clock set back), rows keep file order and take arrival times, as `sluice
 * detect` scores them (arrival-times.ts), so the evaluation scores what the command writes. Rows
 * without a value are left out. Files the JSON names but the folder lacks are skipped and listed,
 * so a download of part of a corpus can still be scored; none found at all is an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SluiceError } from '../../gateway-core/errors.js';
import type { LabelWindow } from './anomaly-corpus.js';
import { rowsToScore } from './arrival-times.js';
import { readSeriesCsv } from './series-csv.js';
import { parseTimestamp } from './timestamp.js';

export interface LabelledRows {
  /** The CSV's path as the JSON names it. */
  name: string;
  times: Float64Array;
  values: Float64Array;
  /** Row indices [start, end). */
  labels: LabelWindow[];
}

export interface LabelledCorpus {
  cases: LabelledRows[];
  /** Files named in the JSON but not found under the data folder. */
  missing: string[];
}

type WindowsJson = Record<string, Array<[string, string]>>;

function parseWindowsJson(text: string, source: string): WindowsJson {
  const fail = (why: string): never => {
    throw new SluiceError(
      'SLUICE_TRACE_INVALID',
      `${source}: ${why}; expected { "<file.csv>": [["<start>", "<end>"], ...] } (NAB's combined_windows.json shape)`,
    );
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`not JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('not an object');
  for (const [file, windows] of Object.entries(json)) {
    if (!Array.isArray(windows)) fail(`"${file}" is not a list of windows`);
    for (const w of windows as unknown[]) {
      const ok =
        Array.isArray(w) &&
        w.length === 2 &&
        w.every((s) => typeof s === 'string' && Number.isFinite(parseTimestamp(s)));
      if (!ok) fail(`"${file}" has a window that is not two timestamps: ${JSON.stringify(w)}`);
    }
  }
  return json as WindowsJson;
}

export async function readLabelledSeries(
  labelsPath: string,
  dataDir: string = dirname(labelsPath),
): Promise<LabelledCorpus> {
  if (!existsSync(labelsPath)) {
    throw new SluiceError(
      'SLUICE_TRACE_INVALID',
      `${labelsPath}: no such file (a JSON of label windows, e.g. NAB's labels/combined_windows.json)`,
    );
  }
  const windows = parseWindowsJson(readFileSync(labelsPath, 'utf8'), labelsPath);
  const cases: LabelledRows[] = [];
  const missing: string[] = [];
  for (const [file, spans] of Object.entries(windows)) {
    const path = join(dataDir, file);
    if (!existsSync(path)) {
      missing.push(file);
      continue;
    }
    const raw = await readSeriesCsv(path);
    const { rows, times, values } = rowsToScore(raw);
    const stamps = rows.map((i) => raw.times[i]);
    const labels: LabelWindow[] = spans
      .map(([from, to]) => rowsStampedWithin(stamps, parseTimestamp(from), parseTimestamp(to)))
      .filter((w) => w.end > w.start);
    cases.push({ name: file, times, values, labels });
  }
  if (cases.length === 0) {
    throw new SluiceError(
      'SLUICE_TRACE_INVALID',
      `${labelsPath}: none of its ${missing.length} files is under ${dataDir} (name the folder the paths are relative to with --labelled-data)`,
    );
  }
  return { cases, missing };
}

/**
 * The rows from the first to the last whose stamp lies in [from, to] (in file order, so a clock
 * set back inside a window keeps the window one run of rows); empty when none does.
 */
function rowsStampedWithin(stamps: readonly number[], from: number, to: number): LabelWindow {
  let start = -1;
  let end = -1;
  stamps.forEach((t, i) => {
    if (t < from || t > to) return;
    if (start < 0) start = i;
    end = i + 1;
  });
  return start < 0 ? { start: 0, end: 0, type: 'labelled' } : { start, end, type: 'labelled' };
}
