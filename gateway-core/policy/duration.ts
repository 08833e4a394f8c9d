/**
 * Durations in policy documents: a bare number is seconds, a string carries its unit.
 *
 *   ms = n * {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[unit]   (number: unit = s)
 *
 * The result is rounded to a microsecond so that decimal inputs such as `1.1s` give 1100, not
 * 1100.0000000000002 (binary floating point cannot hold 1.1 exactly).
 */
import type { Duration } from './schema.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** The same grammar as the schema's Duration pattern. */
const DURATION_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/;

/** Milliseconds in `d`. Throws a RangeError for anything the schema would refuse. */
export function parseDurationMs(d: Duration): number {
  if (typeof d === 'number') {
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new RangeError(`duration must be a positive number of seconds, got ${d}`);
    }
    return roundMicro(d * 1000);
  }
  const m = DURATION_PATTERN.exec(d);
  if (m === null) {
    throw new RangeError(`duration must look like 500ms, 10s, 1m, 2h or 1d, got ${JSON.stringify(d)}`);
  }
  const ms = roundMicro(Number(m[1]) * UNIT_MS[m[2] as Unit]);
  // The pattern admits "0s"; a zero period or deadline would divide by zero downstream.
  if (!(ms > 0)) throw new RangeError(`duration must be longer than zero, got ${JSON.stringify(d)}`);
  return ms;
}

/** True when `d` parses (used by validation to report a bad duration once, with its path). */
export function isValidDuration(d: unknown): d is Duration {
  if (typeof d !== 'number' && typeof d !== 'string') return false;
  try {
    parseDurationMs(d);
    return true;
  } catch {
    return false;
  }
}

function roundMicro(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
