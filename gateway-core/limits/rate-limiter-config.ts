/**
 * Checks a RateLimiterConfig once, at construction and at reconfigure, so the hot path never has
 * to. Bad config is a bug in the caller (or a policy that slipped past validation): it throws a
 * SluiceError with code SLUICE_CONFIG_INVALID rather than limiting wrongly.
 */
import { SluiceError } from '../errors.js';
import type { LimitAlgorithm } from '../policy/schema.js';
import type { RateLimiterConfig } from './rate-limiter.js';

/**
 * Relative slack on admission comparisons. Wait times are computed by division, and a caller
 * that comes back after exactly `waitTime` ms must be admitted even when the product rounds a
 * hair short; 1e-9 of the capacity is far below one unit for any sane limit.
 */
export const ADMISSION_SLACK = 1e-9;

export function validateRateLimiterConfig(algorithm: LimitAlgorithm, config: RateLimiterConfig): void {
  const problems: string[] = [];
  if (!(config.limit > 0) || !Number.isFinite(config.limit))
    problems.push(`limit must be a finite number > 0, got ${config.limit}`);
  if (!(config.periodMs > 0) || !Number.isFinite(config.periodMs))
    problems.push(`periodMs must be a finite number > 0, got ${config.periodMs}`);
  if (config.burst !== undefined && (!(config.burst > 0) || !Number.isFinite(config.burst)))
    problems.push(`burst must be a finite number > 0, got ${config.burst}`);
  if (problems.length > 0)
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${algorithm} rate limiter: ${problems.join('; ')}`,
      problems,
    );
}

/**
 * Limiters test `amount >= 0 && amount < Infinity` inline and call this only to throw: a negative
 * acquire would be a refund in disguise, and NaN would poison the state for good.
 */
export function badAmount(amount: number): never {
  throw new RangeError(`rate limiter: amount must be a finite number >= 0, got ${amount}`);
}

/** Answers whether acquire(amount, t) would admit if nothing else happened first; changes nothing. */
export interface AdmissionProbe {
  admitsAt(amount: number, t: number): boolean;
}

/**
 * Makes a computed wait safe to add back: the caller computes `now + wait` in floating point,
 * and at wall-clock magnitudes (epoch ms ~1.7e12, one ulp ~2.4e-4 ms) that sum can land a hair
 * before the exact instant, where acquire would still refuse. Steps the target up an ulp or two
 * until the limiter admits there; `now + result` then reproduces that target exactly.
 * Runs only on the refusal path.
 */
export function settleWait(probe: AdmissionProbe, amount: number, now: number, wait: number): number {
  if (wait === 0 || wait === Number.POSITIVE_INFINITY) return wait;
  let t = now + wait;
  for (let i = 0; i < 64 && !probe.admitsAt(amount, t); i++)
    t += Math.max(Math.abs(t) * Number.EPSILON, Number.MIN_VALUE);
  return t - now;
}
