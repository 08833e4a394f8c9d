/**
 * A limit as the engine enforces it: every default filled in, one unit, one period.
 *
 *   rpm: n              -> n requests per 60 000 ms
 *   tpm: n              -> n tokens (unit, default total-tokens) per 60 000 ms
 *   limit: n, period: p -> n units (unit, default requests) per parseDurationMs(p) ms
 *   id                  -> given, or `<unit>:<by joined by +>` (e.g. `requests:apiKey`)
 *
 * Defaults: algorithm token-bucket, by [apiKey], burst = limit (a bucket holds one period's
 * worth), onLimit reject, failMode open (a Redis outage should not take the gateway down with it;
 * set `closed` where overspending is worse than refusing).
 */
import { parseDurationMs } from './duration.js';
import type { LimitAlgorithm, LimitKeyPart, LimitSpec, LimitUnit } from './schema.js';

export interface NormalisedLimit {
  id: string;
  algorithm: LimitAlgorithm;
  unit: LimitUnit;
  by: LimitKeyPart[];
  /** Units admitted per period. */
  limit: number;
  periodMs: number;
  /** Token bucket capacity / leaky bucket queue size, in units. */
  burst: number;
  onLimit: 'reject' | 'wait';
  failMode: 'open' | 'closed';
}

const MINUTE_MS = 60_000;
const DEFAULT_BY: readonly LimitKeyPart[] = ['apiKey'];

/** The unit a limit counts, from whichever of rpm / tpm / limit it uses. */
export function limitUnitOf(spec: { rpm?: unknown; tpm?: unknown; unit?: unknown }): LimitUnit {
  if (spec.rpm !== undefined) return 'requests';
  const unit = typeof spec.unit === 'string' ? (spec.unit as LimitUnit) : undefined;
  if (spec.tpm !== undefined) return unit ?? 'total-tokens';
  return unit ?? 'requests';
}

/**
 * The id a limit merges by. Takes loosely typed input so that validation and diffs can name
 * limits of documents that are not (yet) valid.
 */
export function limitIdOf(spec: {
  id?: unknown;
  rpm?: unknown;
  tpm?: unknown;
  unit?: unknown;
  by?: unknown;
}): string {
  if (typeof spec.id === 'string') return spec.id;
  const by = Array.isArray(spec.by) && spec.by.length > 0 ? spec.by.map(String) : DEFAULT_BY;
  return `${limitUnitOf(spec)}:${by.join('+')}`;
}

/** Fills in every default. `spec` must have passed validation (exactly one of rpm/tpm/limit). */
export function normaliseLimit(spec: LimitSpec): NormalisedLimit {
  let limit: number;
  let periodMs: number;
  if (spec.rpm !== undefined) {
    limit = spec.rpm;
    periodMs = MINUTE_MS;
  } else if (spec.tpm !== undefined) {
    limit = spec.tpm;
    periodMs = MINUTE_MS;
  } else if (spec.limit !== undefined && spec.period !== undefined) {
    limit = spec.limit;
    periodMs = parseDurationMs(spec.period);
  } else {
    throw new RangeError(`limit ${limitIdOf(spec)}: give exactly one of rpm, tpm or limit+period`);
  }
  return {
    id: limitIdOf(spec),
    algorithm: spec.algorithm ?? 'token-bucket',
    unit: limitUnitOf(spec),
    by: spec.by ? [...spec.by] : [...DEFAULT_BY],
    limit,
    periodMs,
    burst: spec.burst ?? limit,
    onLimit: spec.onLimit ?? 'reject',
    failMode: spec.failMode ?? 'open',
  };
}
