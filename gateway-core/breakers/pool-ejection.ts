/**
 * Outlier ejection across a backend pool: one OutlierEjector per instance id, and the cap on how
 * much of the pool may be out at once:
 *
 *   an ejection is allowed  <=>  ejected == 0  or  (ejected + 1) * 100 <= maxEjectedPercent * size
 *
 * (like Envoy, at least one instance may always be ejected, whatever the percentage). The cap is
 * only counted (O(size)) when a failure would actually eject.
 */
import {
  checkOutlierConfig,
  DEFAULT_OUTLIER_CONFIG,
  type OutlierEjectionConfig,
  OutlierEjector,
} from './outlier-ejector.js';

export class PoolEjection {
  private cfg: Readonly<OutlierEjectionConfig>;
  private readonly hosts = new Map<string, OutlierEjector>();
  /** Ejections the cap refused (telemetry: the pool is sicker than the cap lets it show). */
  capRefusals = 0;

  constructor(config: Partial<OutlierEjectionConfig> = {}, ids: readonly string[] = []) {
    this.cfg = Object.freeze(checkOutlierConfig({ ...DEFAULT_OUTLIER_CONFIG, ...config }));
    for (const id of ids) this.add(id);
  }

  get config(): Readonly<OutlierEjectionConfig> {
    return this.cfg;
  }

  /** New thresholds and cap from a policy reload; running ejections and streaks stay. */
  reconfigure(config: Partial<OutlierEjectionConfig>): void {
    this.cfg = Object.freeze(checkOutlierConfig({ ...DEFAULT_OUTLIER_CONFIG, ...config }));
    for (const h of this.hosts.values()) h.reconfigure(this.cfg);
  }

  get size(): number {
    return this.hosts.size;
  }

  add(id: string): void {
    if (!this.hosts.has(id)) this.hosts.set(id, new OutlierEjector(this.config));
  }

  remove(id: string): void {
    this.hosts.delete(id);
  }

  isEjected(id: string, now: number): boolean {
    return this.hosts.get(id)?.isEjected(now) ?? false;
  }

  /** The instance's ejector (for its streak and ejection end), if the id is in the pool. */
  host(id: string): OutlierEjector | undefined {
    return this.hosts.get(id);
  }

  onSuccess(id: string, now: number): void {
    this.hosts.get(id)?.onSuccess(now);
  }

  /** Counts a failure of `id`; true when it got the instance ejected. Unknown ids are ignored. */
  onFailure(id: string, now: number): boolean {
    const h = this.hosts.get(id);
    if (h === undefined) return false;
    if (!h.ejectsOnNextFailure(now)) return h.onFailure(now);
    const allowed = this.mayEjectAnother(now);
    if (!allowed) this.capRefusals++;
    return h.onFailure(now, allowed);
  }

  ejectedCount(now: number): number {
    let n = 0;
    for (const h of this.hosts.values()) if (h.isEjected(now)) n++;
    return n;
  }

  mayEjectAnother(now: number): boolean {
    const ejected = this.ejectedCount(now);
    return ejected === 0 || (ejected + 1) * 100 <= this.config.maxEjectedPercent * this.hosts.size;
  }
}
