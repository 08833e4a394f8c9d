/**
 * Timestamps of series and trace CSVs, to epoch milliseconds (UTC):
 *   ISO-8601 with 'T' or a space (`2014-04-01 00:00:00`, any number of fractional digits, optional
 *   `Z` or `+hh:mm`; no zone means UTC; `2014/04/01` too), a bare date, or a number of epoch
 *   seconds; a number of 1e11 or more is epoch milliseconds (as seconds it would be past the
 *   year 5000; as milliseconds it is 1973 or later), as JavaScript and many exporters write them.
 * Written by hand because Date.parse rejects 7 fractional digits (the Azure traces) and
 * reads zone-less date-times as local time.
 */
const ISO =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** A bare number this large is epoch milliseconds, not seconds. */
const EPOCH_MS_FROM = 1e11;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Epoch milliseconds, or NaN when the text is not a timestamp. */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (NUMBER.test(s)) {
    const n = Number(s);
    return Math.abs(n) >= EPOCH_MS_FROM ? n : n * 1000;
  }
  const m = ISO.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 60
  ) {
    return Number.NaN;
  }
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec));
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** `2014-04-01 00:00:00` (UTC, seconds; milliseconds only when present), the NAB style. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const millis = iso.slice(20, 23);
  return millis === '000' ? base : `${base}.${millis}`;
}
