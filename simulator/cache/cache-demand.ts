/**
 * Per-cache-key demand for a controller that pre-warms the response cache (the simulator's
 * CacheDemandSource, controller/adaptive-controller.ts):
 *
 *   counts(from, to)  per key, the requests of the closed control intervals starting in
 *                     [from, to): Space-Saving's guaranteed count (count - error, <= the true
 *                     count; exact while an interval has no more distinct keys than counters),
 *                     reported for the keys with at least `reportAtLeast` (the heavy hitters:
 *                     a pre-warm costs a call, which a key asked for once or twice a window
 *                     does not repay)
 *   cached()          of the keys the kept intervals track, those that will still be fresh
 *                     `lookaheadMs` from now (or whose pre-warm is in flight): an entry about to
 *                     expire in the next window is not "cached" for it
 *   exemplar(key)     the last request seen for a tracked key, to regenerate its entry
 *
 * Every cacheable request that arrives counts (demand, including what limits then refuse).
 * Memory is bounded: `capacity` counters per interval, the last `retainIntervals` intervals.
 */
import type { SimRequest } from '../workloads/request-mix.js';
import { SpaceSaving } from '../../gateway-core/cache/space-saving.js';

export interface CacheDemandOptions {
  /** Counters per control interval (Space-Saving capacity); default 1024. */
  capacity?: number;
  /** Closed intervals kept for counts(), cached() and exemplars; default 6. */
  retainIntervals?: number;
  /** counts() reports keys with at least this many requests in the window; default 1. */
  reportAtLeast?: number;
  /**
   * cached() lists keys still fresh this long after now; default 1.5 x the last interval (the
   * next window, and half a window for the regenerating call to come back).
   */
  lookaheadMs?: number;
}

interface ClosedInterval {
  start: number;
  end: number;
  sketch: SpaceSaving<SimRequest>;
}

export interface CacheView {
  now(): number;
  /** Whether `key` is fresh at time `at` (or on its way). */
  isWarm(key: string, at: number): boolean;
}

export class CacheDemand {
  readonly capacity: number;
  readonly retainIntervals: number;
  readonly reportAtLeast: number;
  private current: SpaceSaving<SimRequest>;
  private openedAt = 0;
  /** Oldest first. */
  private readonly closed: ClosedInterval[] = [];
  private view: CacheView | null = null;

  constructor(private readonly options: CacheDemandOptions = {}) {
    this.capacity = options.capacity ?? 1024;
    this.retainIntervals = options.retainIntervals ?? 6;
    this.reportAtLeast = options.reportAtLeast ?? 1;
    if (!(Number.isInteger(this.retainIntervals) && this.retainIntervals >= 1))
      throw new RangeError(
        `CacheDemand: retainIntervals must be an integer >= 1, got ${this.retainIntervals}`,
      );
    this.current = new SpaceSaving(this.capacity);
  }

  /** The run's cache (set by runSimulation). */
  bind(view: CacheView): void {
    this.view = view;
  }

  /** A cacheable request for `key` arrived (the gateway's hot path: one sketch update). */
  record(key: string, req: SimRequest): void {
    this.current.offer(key, req);
  }

  /** Closes the interval [last close, now) (the control interval's end). */
  close(now: number): void {
    if (!(now > this.openedAt)) return;
    this.closed.push({ start: this.openedAt, end: now, sketch: this.current });
    if (this.closed.length > this.retainIntervals) this.closed.shift();
    this.current = new SpaceSaving(this.capacity);
    this.openedAt = now;
  }

  counts(fromMs: number, toMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.closed) {
      if (c.start < fromMs || c.start >= toMs) continue;
      for (const k of c.sketch.tracked()) {
        const n = k.count - k.error;
        if (n > 0) out.set(k.key, (out.get(k.key) ?? 0) + n);
      }
    }
    if (this.reportAtLeast > 1) for (const [k, n] of out) if (n < this.reportAtLeast) out.delete(k);
    return out;
  }

  cached(): Set<string> {
    const out = new Set<string>();
    const view = this.view;
    if (view === null || this.closed.length === 0) return out;
    const last = this.closed[this.closed.length - 1];
    const at = view.now() + (this.options.lookaheadMs ?? 1.5 * (last.end - last.start));
    const seen = new Set<string>();
    for (const c of this.closed)
      for (const k of c.sketch.tracked()) {
        if (seen.has(k.key)) continue;
        seen.add(k.key);
        if (view.isWarm(k.key, at)) out.add(k.key);
      }
    return out;
  }

  /** The last request seen for `key` in the open or a kept interval (newest first). */
  exemplar(key: string): SimRequest | undefined {
    const open = this.current.exemplar(key);
    if (open !== undefined) return open;
    for (let i = this.closed.length - 1; i >= 0; i--) {
      const c = this.closed[i].sketch.exemplar(key);
      if (c !== undefined) return c;
    }
    return undefined;
  }
}
