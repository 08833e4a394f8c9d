/**
 * Requests per cache key, per time window: one Space-Saving sketch of `k` counters per window,
 * windows aligned to multiples of `windowMs` on the wall clock (so every replica's windows line up
 * and a reader can add them), the last `retain` closed windows kept.
 *
 *   window of t = [floor(t / windowMs) x windowMs, + windowMs)
 *   memory: at most (retain + 1) x k counters, whatever the number of distinct keys
 *
 * A window with no requests is not stored (it counts 0 for every key). Time only moves forward
 * here: a request stamped before the open window (a clock step back) counts in the open window.
 */
import { type HeavyHitter, SpaceSaving } from '../../cache/space-saving.js';

export interface DemandWindowOptions {
  windowMs: number;
  /** Counters per window (the top k keys). */
  k: number;
  /** Closed windows kept. */
  retain: number;
}

export interface DemandWindow {
  start: number;
  end: number;
  /** False for the window still open (its counts still grow). */
  closed: boolean;
  /** Cacheable requests in the window, tracked or not. */
  total: number;
  /** The sketch's keys by count (exact while the window saw at most k distinct keys: error 0). */
  keys: HeavyHitter[];
}

export class DemandWindows {
  readonly windowMs: number;
  readonly k: number;
  readonly retain: number;
  private open: { start: number; sketch: SpaceSaving } | null = null;
  private readonly closed: DemandWindow[] = [];

  constructor(o: DemandWindowOptions) {
    if (!(o.windowMs > 0)) throw new RangeError(`DemandWindows: windowMs must be > 0, got ${o.windowMs}`);
    if (!(Number.isInteger(o.retain) && o.retain >= 1))
      throw new RangeError(`DemandWindows: retain must be an integer >= 1, got ${o.retain}`);
    if (!(Number.isInteger(o.k) && o.k >= 1))
      throw new RangeError(`DemandWindows: k must be an integer >= 1, got ${o.k}`);
    this.windowMs = o.windowMs;
    this.k = o.k;
    this.retain = o.retain;
  }

  private startOf(t: number): number {
    return Math.floor(t / this.windowMs) * this.windowMs;
  }

  /** Closes the open window if `now` is past its end. */
  private roll(now: number): void {
    const open = this.open;
    if (open === null || now < open.start + this.windowMs) return;
    this.closed.push({
      start: open.start,
      end: open.start + this.windowMs,
      closed: true,
      total: open.sketch.total,
      keys: open.sketch.top(),
    });
    if (this.closed.length > this.retain) this.closed.shift();
    this.open = null;
  }

  /** Counts one cacheable request for `key` at `now`. */
  record(key: string, now: number): void {
    this.roll(now);
    if (this.open === null) this.open = { start: this.startOf(now), sketch: new SpaceSaving(this.k) };
    this.open.sketch.offer(key);
  }

  /**
   * Windows that start at or after `since`, oldest first: the closed ones, and the open one too
   * with `includeOpen` (its counts are partial).
   */
  windows(since: number, now: number, includeOpen = false): DemandWindow[] {
    this.roll(now);
    const out = this.closed.filter((w) => w.start >= since);
    const open = this.open;
    if (includeOpen && open !== null && open.start >= since)
      out.push({
        start: open.start,
        end: open.start + this.windowMs,
        closed: false,
        total: open.sketch.total,
        keys: open.sketch.top(),
      });
    return out;
  }
}
