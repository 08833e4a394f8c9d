/**
 * HTTP to upstreams: one undici Pool per origin, kept alive and reused by every request (and by
 * every policy version). An instance's `url` is an OpenAI base URL; the endpoint path goes after
 * its path, with `/v1` added when the base does not end with it:
 *   http://host:8000      + /chat/completions -> /v1/chat/completions
 *   http://host/openai/v1 + /chat/completions -> /openai/v1/chat/completions
 */
import type { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

export interface UpstreamRequest {
  url: string;
  /** Endpoint suffix, e.g. `/chat/completions`. */
  suffix: string;
  body: string | Buffer;
  apiKey: string | undefined;
  requestId: string;
  /** Emits 'abort' when the client has gone away (undici accepts an EventEmitter as signal). */
  signal: EventEmitter;
  /** Time allowed until the response headers (and between body chunks). */
  timeoutMs: number;
}

export function upstreamPath(baseUrl: URL, suffix: string): string {
  let base = baseUrl.pathname.replace(/\/+$/, '');
  if (!base.endsWith('/v1')) base += '/v1';
  return base + suffix;
}

export class UpstreamClient {
  private readonly pools = new Map<string, { pool: Pool; base: URL }>();

  constructor(private readonly connections = 128) {}

  private poolFor(url: string): { pool: Pool; base: URL } {
    let p = this.pools.get(url);
    if (p === undefined) {
      const base = new URL(url);
      p = {
        base,
        pool: new Pool(base.origin, {
          connections: this.connections,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          keepAliveMaxTimeout: 120_000,
        }),
      };
      this.pools.set(url, p);
    }
    return p;
  }

  request(r: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const { pool, base } = this.poolFor(r.url);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': r.requestId,
    };
    if (r.apiKey !== undefined) headers.authorization = `Bearer ${r.apiKey}`;
    return pool.request({
      method: 'POST',
      path: upstreamPath(base, r.suffix),
      headers,
      body: r.body,
      signal: r.signal,
      headersTimeout: r.timeoutMs,
      bodyTimeout: r.timeoutMs,
    });
  }

  async get(url: string, suffix: string, apiKey: string | undefined, timeoutMs: number): Promise<unknown> {
    const { pool, base } = this.poolFor(url);
    const res = await pool.request({
      method: 'GET',
      path: upstreamPath(base, suffix),
      headers: apiKey !== undefined ? { authorization: `Bearer ${apiKey}` } : {},
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return await res.body.json();
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.pool.close()));
    this.pools.clear();
  }
}
