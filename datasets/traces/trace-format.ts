/**
 * Trace formats accepted by `--trace` (CONTRACTS.md "Trace CSV"), detected from the header:
 *
 *   azure     TIMESTAMP,ContextTokens,GeneratedTokens        (2023-11-16 18:15:46.6805900)
 *   burstgpt  Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type (seconds)
 *   columns   any CSV, given a map `time=COL,input=COL,output=COL[,tenant=COL][,model=COL]`
 *
 * A header that matches neither known format, with no map given, is an error naming the
 * columns found and the `--trace-columns` flag.
 */
import { SluiceError } from '../../gateway-core/errors.js';

export type TraceFormatName = 'azure' | 'burstgpt' | 'columns';

/** Column positions in the header, by role. */
export interface TraceLayout {
  format: TraceFormatName;
  time: number;
  input: number;
  output: number;
  tenant: number; // -1 when absent
  model: number; // -1 when absent
  /** How to read the time column. */
  timeKind: 'azure-timestamp' | 'seconds' | 'auto';
}

export type ColumnMap = Partial<Record<'time' | 'input' | 'output' | 'tenant' | 'model', string>>;

const ROLES = ['time', 'input', 'output', 'tenant', 'model'] as const;

/** Parses `time=ts,input=prompt_tokens,...` as given to `--trace-columns`. */
export function parseColumnMap(text: string): ColumnMap {
  const map: ColumnMap = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const role = part.slice(0, eq).trim();
    const col = part.slice(eq + 1).trim();
    if (eq < 0 || !col || !(ROLES as readonly string[]).includes(role))
      throw new SluiceError(
        'SLUICE_CONFIG_INVALID',
        `--trace-columns: expected role=column pairs with roles ${ROLES.join(', ')}; got "${part}"`,
      );
    map[role as (typeof ROLES)[number]] = col;
  }
  for (const need of ['time', 'input', 'output'] as const)
    if (!map[need]) throw new SluiceError('SLUICE_CONFIG_INVALID', `--trace-columns: missing ${need}=COLUMN`);
  return map;
}

export function detectLayout(header: readonly string[], map?: ColumnMap, file = 'trace'): TraceLayout {
  const cols = header.map((h) => h.trim());
  const at = (name: string) => cols.indexOf(name);
  if (map) {
    const idx = (role: keyof ColumnMap): number => {
      const name = map[role];
      if (name === undefined) return -1;
      const i = at(name);
      if (i < 0)
        throw new SluiceError(
          'SLUICE_TRACE_INVALID',
          `${file}: --trace-columns names column "${name}" for ${role}, but the header has: ${cols.join(', ')}`,
        );
      return i;
    };
    return {
      format: 'columns',
      time: idx('time'),
      input: idx('input'),
      output: idx('output'),
      tenant: idx('tenant'),
      model: idx('model'),
      timeKind: 'auto',
    };
  }
  if (at('TIMESTAMP') >= 0 && at('ContextTokens') >= 0 && at('GeneratedTokens') >= 0)
    return {
      format: 'azure',
      time: at('TIMESTAMP'),
      input: at('ContextTokens'),
      output: at('GeneratedTokens'),
      tenant: -1,
      model: -1,
      timeKind: 'azure-timestamp',
    };
  if (at('Timestamp') >= 0 && at('Request tokens') >= 0 && at('Response tokens') >= 0)
    return {
      format: 'burstgpt',
      time: at('Timestamp'),
      input: at('Request tokens'),
      output: at('Response tokens'),
      tenant: -1,
      model: at('Model'),
      timeKind: 'seconds',
    };
  throw new SluiceError(
    'SLUICE_TRACE_INVALID',
    `${file}: unknown trace format; the header has columns: ${cols.join(', ')}. ` +
      'Known formats: Azure (TIMESTAMP,ContextTokens,GeneratedTokens) and BurstGPT ' +
      '(Timestamp,Model,Request tokens,Response tokens,...). For any other CSV pass ' +
      '--trace-columns time=COL,input=COL,output=COL[,tenant=COL][,model=COL]',
  );
}

/** Splits one CSV line (RFC 4180 quotes: "a,b" and "" inside quotes). */
export function splitCsvLine(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Azure's `YYYY-MM-DD HH:MM:SS.fffffff` (no zone; read as UTC) to epoch milliseconds, keeping
 * sub-millisecond digits as a fraction. NaN when malformed.
 */
export function parseAzureTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const whole = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  return whole + frac;
}

/** A time cell of a column-mapped CSV: a number (seconds) or an ISO-8601 timestamp, to ms. */
export function parseTimeCell(text: string): number {
  const t = text.trim();
  if (t === '') return Number.NaN;
  const n = Number(t);
  if (Number.isFinite(n)) return n * 1000;
  const az = parseAzureTimestamp(t);
  if (Number.isFinite(az)) return az;
  return Date.parse(t);
}
