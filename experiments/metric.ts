/**
 * Metrics are dotted paths into the run summary of CONTRACTS.md (`latencyMs.p99`, `costUsd`,
 * `byTier.premium.latencyMs.p99`). Each known metric knows which way is better, so a spec can
 * list names only and the report can say which arm won.
 */
const LOWER_IS_BETTER = [
  /^latencyMs\./,
  /^ttftMs\./,
  /^costUsd$/,
  /^sloViolationMinutes$/,
  /^rejected$/,
  /^failed$/,
  /^timedOut$/,
  /^instanceHours$/,
  /^wallSeconds$/,
];
const HIGHER_IS_BETTER = [/^goodputRps$/, /^completed$/, /^cacheHitRatio$/, /^jainFairness$/];

/** Which way is better for a metric path, or null when unknown. */
export function metricDirection(name: string): 'lower' | 'higher' | null {
  const leaf = name.replace(/^by(Tier|Tenant|Model)\.[^.]+\./, '');
  if (LOWER_IS_BETTER.some((r) => r.test(leaf))) return 'lower';
  if (HIGHER_IS_BETTER.some((r) => r.test(leaf))) return 'higher';
  return null;
}

/** Reads a dotted path from a summary; null when absent or not a finite number. */
export function metricValue(summary: unknown, name: string): number | null {
  let v: unknown = summary;
  for (const part of name.split('.')) {
    if (typeof v !== 'object' || v === null) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Units for axis labels and tables. */
export function metricUnit(name: string): string {
  if (/latencyMs|ttftMs/.test(name)) return 'ms';
  if (/costUsd/.test(name)) return 'USD';
  if (/Rps$/.test(name)) return 'req/s';
  if (/Minutes$/.test(name)) return 'min';
  if (/instanceHours/.test(name)) return 'h';
  if (/Ratio$|jainFairness/.test(name)) return '';
  return '';
}
