/**
 * Series CSV (CONTRACTS.md): a header naming `timestamp` and `value` (any order, other columns
 * ignored, cells optionally in double quotes), then one row per sample. Read line by line so that large files stream; a bad row is
 * a SLUICE_TRACE_INVALID error that names its line number. A missing value (an empty cell, NaN,
 * NA, null, None: what public datasets write) is NaN; the jobs treat its time as a gap.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SluiceError } from '../../gateway-core/errors.js';
import { splitCsvLine } from '../traces/trace-format.js';
import type { RegularSeries } from './regular-series.js';
import { formatTimestamp, parseTimestamp } from './timestamp.js';

/** Cells that mean "no value" rather than a bad one. */
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none']);

export interface RawSeries {
  /** Epoch ms of each row, in file order. */
  times: number[];
  /** NaN where the value is missing. */
  values: number[];
  /** The timestamp text as written, so outputs can echo it unchanged. */
  stamps: string[];
  /** Each row's line in the file (the header is line 1; blank lines are skipped). */
  lines: number[];
}

/** Incremental parser: feed lines in order, then take the series. */
export class SeriesCsvParser {
  private lineNo = 0;
  private timeCol = -1;
  private valueCol = -1;
  readonly series: RawSeries = { times: [], values: [], stamps: [], lines: [] };

  constructor(private readonly source = 'series CSV') {}

  private fail(why: string): never {
    throw new SluiceError('SLUICE_TRACE_INVALID', `${this.source} line ${this.lineNo}: ${why}`);
  }

  push(rawLine: string): void {
    this.lineNo++;
    const line = rawLine.replace(/\r$/, '');
    if (this.timeCol < 0) {
      const cols = splitCsvLine(line.replace(/^\uFEFF/, '')).map((c) => c.trim().toLowerCase());
      this.timeCol = cols.indexOf('timestamp');
      this.valueCol = cols.indexOf('value');
      if (this.timeCol < 0 || this.valueCol < 0) {
        this.fail(`header must name 'timestamp' and 'value' columns, found: ${cols.join(', ')}`);
      }
      return;
    }
    if (line.trim() === '') return;
    const cells = splitCsvLine(line);
    const stamp = cells[this.timeCol]?.trim();
    const valueText = cells[this.valueCol]?.trim();
    if (stamp === undefined || valueText === undefined)
      this.fail(`expected at least ${this.width()} columns`);
    const t = parseTimestamp(stamp);
    if (!Number.isFinite(t)) this.fail(`bad timestamp '${stamp}'`);
    const missing = MISSING.has(valueText.toLowerCase());
    const v = missing ? Number.NaN : Number(valueText);
    if (!missing && !Number.isFinite(v))
      this.fail(`bad value '${valueText}' (a number; a missing one may be empty, NaN, NA or null)`);
    this.series.times.push(t);
    this.series.values.push(v);
    this.series.stamps.push(stamp);
    this.series.lines.push(this.lineNo);
  }

  private width(): number {
    return Math.max(this.timeCol, this.valueCol) + 1;
  }

  finish(): RawSeries {
    if (this.timeCol < 0) {
      this.lineNo = 1;
      this.fail('empty file: a header `timestamp,value` is required');
    }
    return this.series;
  }
}

export function parseSeriesCsv(text: string, source?: string): RawSeries {
  const parser = new SeriesCsvParser(source);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) parser.push(line);
  return parser.finish();
}

export async function readSeriesCsv(path: string): Promise<RawSeries> {
  const parser = new SeriesCsvParser(path);
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) parser.push(line);
  return parser.finish();
}

/** A regular series as series CSV (`timestamp,value`, the grid's times, values to 6 decimals). */
export function seriesCsv(series: RegularSeries): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < series.values.length; i++) {
    lines.push(`${formatTimestamp(series.start + i * series.stepMs)},${+series.values[i].toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}
