/**
 * The gateway's record of what clients ask the cache for: per-window request counts by cache key
 * (DemandWindows, Space-Saving: bounded whatever the key space) and the last request of each key
 * (ReplayBook), which is what a pre-warm re-issues. Fed by the proxy path for every cacheable
 * request; read by GET /admin/cache/demand and POST /admin/cache/prewarm.
 */
import { DemandWindows, type DemandWindowOptions } from './demand-windows.js';
import { ReplayBook, type ReplayBookOptions, type ReplayRecord } from './replay-book.js';

export interface CacheDemandOptions extends DemandWindowOptions {
  replay?: Partial<ReplayBookOptions>;
}

export class CacheDemand {
  readonly windows: DemandWindows;
  readonly replay: ReplayBook;

  constructor(o: CacheDemandOptions) {
    this.windows = new DemandWindows(o);
    this.replay = new ReplayBook(o.replay);
  }

  observe(key: string, request: ReplayRecord, now: number): void {
    this.windows.record(key, now);
    this.replay.record(key, request);
  }
}
