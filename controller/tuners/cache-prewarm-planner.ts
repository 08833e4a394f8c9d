/**
 * Chooses cache entries to load before the next window: per key, Holt's linear smoothing of
 * requests per interval,
 *
 *   level_t = a x_t + (1 - a)(level_{t-1} + trend_{t-1})
 *   trend_t = b (level_t - level_{t-1}) + (1 - b) trend_{t-1}
 *   forecast(h) = level_t + h trend_t
 *
 * and plans the top k keys by forecast (ties by key, for determinism) that clear `minCount` and
 * are not cached already. Keys whose forecast falls below `pruneBelow` are forgotten so memory
 * follows the popular set, not every key ever seen.
 */
export interface PrewarmOptions {
  alpha: number;
  beta: number;
  pruneBelow: number;
}

export class CachePrewarmPlanner {
  readonly options: PrewarmOptions;
  private readonly keys = new Map<string, { level: number; trend: number }>();

  constructor(options: Partial<PrewarmOptions> = {}) {
    this.options = { alpha: 0.5, beta: 0.3, pruneBelow: 0.05, ...options };
  }

  /** One interval's request counts per cache key (keys absent count 0). */
  observe(counts: ReadonlyMap<string, number>): void {
    const { alpha, beta, pruneBelow } = this.options;
    for (const [key, s] of this.keys) {
      const x = counts.get(key) ?? 0;
      const level = alpha * x + (1 - alpha) * (s.level + s.trend);
      s.trend = beta * (level - s.level) + (1 - beta) * s.trend;
      s.level = level;
      if (s.level + s.trend < pruneBelow && s.level < pruneBelow) this.keys.delete(key);
    }
    for (const [key, x] of counts)
      if (!this.keys.has(key) && x > 0) this.keys.set(key, { level: x, trend: 0 });
  }

  forecast(key: string, horizon = 1): number {
    const s = this.keys.get(key);
    return s ? Math.max(0, s.level + horizon * s.trend) : 0;
  }

  plan(options: { k: number; horizon?: number; minCount?: number; cached?: ReadonlySet<string> }): string[] {
    const h = options.horizon ?? 1;
    const min = options.minCount ?? 1;
    const scored: [string, number][] = [];
    for (const key of this.keys.keys()) {
      if (options.cached?.has(key)) continue;
      const f = this.forecast(key, h);
      if (f >= min) scored.push([key, f]);
    }
    scored.sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
    return scored.slice(0, options.k).map(([k]) => k);
  }

  get tracked(): number {
    return this.keys.size;
  }
}
