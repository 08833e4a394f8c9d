/**
 * What it takes to ask the upstream again for a cache key: the request as a client last sent it
 * (endpoint, body bytes, API key, task header, client address), kept so a pre-warm can re-issue
 * it through the gateway's own request path. Least recently requested first out, bounded by
 *
 *   sum over entries of (body bytes + key bytes) <= maxBytes,   entries <= maxEntries
 *
 * and a body larger than maxEntryBytes is not kept (its key cannot be pre-warmed here).
 * API keys stay in this process: nothing here is ever sent over the admin API.
 */
import type { Endpoint } from '../openai-request.js';

export interface ReplayRecord {
  endpoint: Endpoint;
  body: Buffer;
  apiKey: string;
  task: string | undefined;
  ip: string;
}

export interface ReplayBookOptions {
  maxBytes: number;
  maxEntries: number;
  maxEntryBytes: number;
}

const sizeOf = (r: ReplayRecord): number => r.body.length + r.apiKey.length;

export class ReplayBook {
  readonly options: ReplayBookOptions;
  private readonly entries = new Map<string, ReplayRecord>();
  private bytes = 0;

  constructor(options: Partial<ReplayBookOptions> = {}) {
    this.options = {
      maxBytes: options.maxBytes ?? 8 * 1024 * 1024,
      maxEntries: options.maxEntries ?? 4096,
      maxEntryBytes: options.maxEntryBytes ?? 64 * 1024,
    };
  }

  /** Keeps (or refreshes) the request for `key`; the newest request replaces an older one. */
  record(key: string, r: ReplayRecord): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= sizeOf(old);
    }
    if (r.body.length > this.options.maxEntryBytes) return;
    this.entries.set(key, r);
    this.bytes += sizeOf(r);
    while (this.bytes > this.options.maxBytes || this.entries.size > this.options.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, ReplayRecord];
      this.entries.delete(oldestKey);
      this.bytes -= sizeOf(oldest);
    }
  }

  get(key: string): ReplayRecord | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
