/**
 * Outlier ejection for one instance, after Envoy's consecutive-5xx detector:
 *
 *   consecutiveErrors failures in a row (no success between)  ->  ejected for
 *   duration = min(baseEjectionMs * 2^k, maxEjectionMs)        k = ejections so far (after decay)
 *   back in the pool at exactly ejectedAt + duration
 *
 * The duration doubles on each repeat ejection (Envoy grows it linearly, base * k; doubling backs
 * off faster from an instance that keeps failing). k decays by one for every baseEjectionMs the
 * instance spends back in the pool, as Envoy lowers its multiplier on each healthy interval, so
 * an instance that recovered for good starts again from the base duration. Failures reported
 * while ejected (from requests already in flight) are ignored. Whether the pool may lose one more
 * instance is the caller's call (PoolEjection enforces maxEjectedPercent).
 */

export interface OutlierEjectionConfig {
  /** Failures in a row that eject an instance. */
  consecutiveErrors: number;
  /** Duration of a first ejection (ms). */
  baseEjectionMs: number;
  /** Cap on the doubled duration (ms); default 300 000 (Envoy's max_ejection_time). */
  maxEjectionMs: number;
  /** Most of the pool, in percent, that may be ejected at once (at least one instance always may). */
  maxEjectedPercent: number;
}

export const DEFAULT_OUTLIER_CONFIG: Readonly<OutlierEjectionConfig> = Object.freeze({
  consecutiveErrors: 5,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectedPercent: 10,
});

export function checkOutlierConfig(c: OutlierEjectionConfig): OutlierEjectionConfig {
  const bad: string[] = [];
  if (!Number.isInteger(c.consecutiveErrors) || c.consecutiveErrors < 1)
    bad.push(`consecutiveErrors ${c.consecutiveErrors}`);
  if (!(c.baseEjectionMs > 0) || !Number.isFinite(c.baseEjectionMs))
    bad.push(`baseEjectionMs ${c.baseEjectionMs}`);
  if (!(c.maxEjectionMs > 0)) bad.push(`maxEjectionMs ${c.maxEjectionMs}`);
  if (!(c.maxEjectedPercent >= 0 && c.maxEjectedPercent <= 100))
    bad.push(`maxEjectedPercent ${c.maxEjectedPercent}`);
  if (bad.length > 0) throw new RangeError(`outlier ejection: bad config: ${bad.join(', ')}`);
  return c;
}

export class OutlierEjector {
  private cfg: Readonly<OutlierEjectionConfig>;
  private streak = 0;
  private ejections = 0;
  private until = Number.NEGATIVE_INFINITY;
  /** Ejections so far, in total (telemetry). */
  ejectionCount = 0;

  constructor(config: Partial<OutlierEjectionConfig> = {}) {
    this.cfg = Object.freeze(checkOutlierConfig({ ...DEFAULT_OUTLIER_CONFIG, ...config }));
  }

  get config(): Readonly<OutlierEjectionConfig> {
    return this.cfg;
  }

  /** New thresholds from a policy reload; a running ejection and the failure streak stay. */
  reconfigure(config: Partial<OutlierEjectionConfig>): void {
    this.cfg = Object.freeze(checkOutlierConfig({ ...DEFAULT_OUTLIER_CONFIG, ...config }));
  }

  isEjected(now: number): boolean {
    return now < this.until;
  }

  /** When the current (or last) ejection ends; -Infinity if never ejected. */
  get ejectedUntil(): number {
    return this.until;
  }

  /** Failures in a row so far. */
  get consecutiveFailures(): number {
    return this.streak;
  }

  /** True if one more failure at `now` would eject (the pool checks its cap first). */
  ejectsOnNextFailure(now: number): boolean {
    return !this.isEjected(now) && this.streak + 1 >= this.config.consecutiveErrors;
  }

  onSuccess(now: number): void {
    if (!this.isEjected(now)) this.streak = 0;
  }

  /**
   * Counts a failure; ejects when the streak reaches the threshold and `mayEject` (the pool's
   * cap) allows. Returns true when this call ejected the instance. Refused by the cap, the streak
   * stays, so the next failure tries again.
   */
  onFailure(now: number, mayEject = true): boolean {
    if (this.isEjected(now)) return false;
    this.streak++;
    if (this.streak < this.config.consecutiveErrors || !mayEject) return false;
    if (this.ejections > 0) {
      const healthyMs = now - this.until;
      this.ejections = Math.max(0, this.ejections - Math.floor(healthyMs / this.config.baseEjectionMs));
    }
    const duration = Math.min(
      this.config.baseEjectionMs * 2 ** this.ejections,
      Math.max(this.config.maxEjectionMs, this.config.baseEjectionMs),
    );
    this.until = now + duration;
    this.ejections++;
    this.ejectionCount++;
    this.streak = 0;
    return true;
  }
}
