/**
 * Durations as the policy document writes them: a number of seconds, or a string with a unit
 * (`500ms`, `10s`, `1m`, `2h`, `1d`). Returned in milliseconds.
 */
import { SluiceError } from '../../gateway-core/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(value: unknown, what = 'duration'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value === 'string') {
    const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?$/.exec(value.trim());
    if (m) return Number(m[1]) * UNIT_MS[m[2] ?? 's'];
  }
  throw new SluiceError(
    'SLUICE_CONFIG_INVALID',
    `${what}: expected seconds or a duration like 500ms, 10s, 1m, 2h, 1d; got ${JSON.stringify(value)}`,
  );
}
