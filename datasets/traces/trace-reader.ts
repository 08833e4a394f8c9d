/**
 * Streams a trace CSV row by row (node:readline over a file stream), so a trace of millions of
 * rows costs the memory of one line. Times come out in ms from the first row; a bad row is an
 * error naming its file and line number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SluiceError } from '../../gateway-core/errors.js';
import {
  type ColumnMap,
  detectLayout,
  parseAzureTimestamp,
  parseTimeCell,
  splitCsvLine,
  type TraceLayout,
} from './trace-format.js';

export interface TraceRow {
  /** Arrival time, ms after the first row. */
  timeMs: number;
  /** The first row's absolute time (epoch ms; for times in seconds from the start, 0). */
  originMs: number;
  input: number;
  output: number;
  tenant: string | null;
  model: string | null;
  /** 1-based line number in the file (the header is line 1). */
  line: number;
}

export interface TraceReadOptions {
  columns?: ColumnMap;
}

function bad(file: string, line: number, why: string): SluiceError {
  return new SluiceError('SLUICE_TRACE_INVALID', `${file}:${line}: ${why}`);
}

function tokens(cell: string | undefined, file: string, line: number, what: string): number {
  const v = Number(cell?.trim());
  if (cell === undefined || cell.trim() === '' || !Number.isFinite(v) || v < 0)
    throw bad(file, line, `${what} must be a non-negative number, got ${JSON.stringify(cell ?? '')}`);
  return Math.round(v);
}

/** Parses one data line given the layout; `origin` is the first row's absolute time (ms). */
export function parseTraceLine(
  layout: TraceLayout,
  cells: readonly string[],
  file: string,
  line: number,
): { absMs: number; input: number; output: number; tenant: string | null; model: string | null } {
  const timeCell = cells[layout.time];
  if (timeCell === undefined)
    throw bad(file, line, `expected at least ${layout.time + 1} columns, got ${cells.length}`);
  const absMs =
    layout.timeKind === 'azure-timestamp'
      ? parseAzureTimestamp(timeCell)
      : layout.timeKind === 'seconds'
        ? Number(timeCell.trim()) * 1000
        : parseTimeCell(timeCell);
  if (!Number.isFinite(absMs)) throw bad(file, line, `bad timestamp ${JSON.stringify(timeCell)}`);
  return {
    absMs,
    input: tokens(cells[layout.input], file, line, 'input tokens'),
    output: tokens(cells[layout.output], file, line, 'output tokens'),
    tenant: layout.tenant >= 0 ? cells[layout.tenant]?.trim() || null : null,
    model: layout.model >= 0 ? cells[layout.model]?.trim() || null : null,
  };
}

/** Reads the header only (for format detection and error messages). */
export async function readTraceLayout(path: string, options: TraceReadOptions = {}): Promise<TraceLayout> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const header of rl) return detectLayout(splitCsvLine(header), options.columns, path);
  } finally {
    rl.close();
  }
  throw new SluiceError('SLUICE_TRACE_INVALID', `${path}: empty file (no header)`);
}

/**
 * Yields the rows in file order. Rows must not go back in time by more than a millisecond
 * (traces are sorted by arrival); blank lines are skipped.
 */
export async function* readTrace(path: string, options: TraceReadOptions = {}): AsyncGenerator<TraceRow> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let layout: TraceLayout | null = null;
  let origin = Number.NaN;
  let last = Number.NEGATIVE_INFINITY;
  let lineNo = 0;
  try {
    for await (const raw of rl) {
      lineNo++;
      if (layout === null) {
        layout = detectLayout(splitCsvLine(raw.replace(/^\uFEFF/, '')), options.columns, path);
        continue;
      }
      if (raw.trim() === '') continue;
      const row = parseTraceLine(layout, splitCsvLine(raw), path, lineNo);
      if (Number.isNaN(origin)) origin = row.absMs;
      const timeMs = row.absMs - origin;
      if (timeMs < last - 1)
        throw bad(
          path,
          lineNo,
          `time goes backwards (${timeMs} ms after ${last} ms); sort the trace by time`,
        );
      if (timeMs > last) last = timeMs;
      yield {
        timeMs: Math.max(timeMs, last),
        originMs: origin,
        input: row.input,
        output: row.output,
        tenant: row.tenant,
        model: row.model,
        line: lineNo,
      };
    }
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT')
      throw new SluiceError('SLUICE_TRACE_INVALID', `${path}: no such file`);
    throw e;
  } finally {
    rl.close();
  }
  if (layout === null) throw new SluiceError('SLUICE_TRACE_INVALID', `${path}: empty file (no header)`);
}
