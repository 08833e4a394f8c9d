/**
 * Streams an Azure LLM inference trace (`TIMESTAMP,ContextTokens,GeneratedTokens`) into two
 * regular series: requests per bucket and tokens (context + generated) per bucket, bucket start =
 * floor(t / bucketMs) * bucketMs. Buckets with no arrivals are real zeros, not gaps.
 * Read line by line; a bad row is a SLUICE_TRACE_INVALID error naming its line number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SluiceError } from '../../gateway-core/errors.js';
import type { RegularSeries } from './regular-series.js';
import { parseTimestamp } from './timestamp.js';

export interface TraceSeries {
  requests: RegularSeries;
  tokens: RegularSeries;
}

/** Incremental aggregator: push lines in order, then build. */
export class AzureTraceAggregator {
  private lineNo = 0;
  private readonly buckets = new Map<number, { requests: number; tokens: number }>();

  constructor(
    private readonly bucketMs = 10_000,
    private readonly source = 'Azure trace',
  ) {}

  private fail(why: string): never {
    throw new SluiceError('SLUICE_TRACE_INVALID', `${this.source} line ${this.lineNo}: ${why}`);
  }

  push(rawLine: string): void {
    this.lineNo++;
    const line = rawLine.replace(/\r$/, '');
    if (this.lineNo === 1) {
      const header = line.replace(/^\uFEFF/, '').trim();
      if (header !== 'TIMESTAMP,ContextTokens,GeneratedTokens') {
        this.fail(`expected header TIMESTAMP,ContextTokens,GeneratedTokens, found '${header}'`);
      }
      return;
    }
    if (line.trim() === '') return;
    const cells = line.split(',');
    if (cells.length !== 3) this.fail(`expected 3 columns, found ${cells.length}`);
    const t = parseTimestamp(cells[0]);
    if (!Number.isFinite(t)) this.fail(`bad timestamp '${cells[0]}'`);
    const context = Number(cells[1]);
    const generated = Number(cells[2]);
    if (!Number.isFinite(context) || context < 0 || cells[1].trim() === '')
      this.fail(`bad ContextTokens '${cells[1]}'`);
    if (!Number.isFinite(generated) || generated < 0 || cells[2].trim() === '') {
      this.fail(`bad GeneratedTokens '${cells[2]}'`);
    }
    const k = Math.floor(t / this.bucketMs);
    const b = this.buckets.get(k) ?? { requests: 0, tokens: 0 };
    b.requests++;
    b.tokens += context + generated;
    this.buckets.set(k, b);
  }

  finish(): TraceSeries {
    if (this.buckets.size === 0) {
      throw new SluiceError('SLUICE_TRACE_INVALID', `${this.source}: no rows after the header`);
    }
    const keys = [...this.buckets.keys()];
    // A loop, not Math.min(...keys): a long trace has more buckets than a call takes arguments.
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const k of keys) {
      if (k < first) first = k;
      if (k > last) last = k;
    }
    const n = last - first + 1;
    const requests = new Float64Array(n);
    const tokens = new Float64Array(n);
    for (const [k, b] of this.buckets) {
      requests[k - first] = b.requests;
      tokens[k - first] = b.tokens;
    }
    const start = first * this.bucketMs;
    const mk = (values: Float64Array): RegularSeries => ({
      start,
      stepMs: this.bucketMs,
      values,
      filled: new Uint8Array(n),
    });
    return { requests: mk(requests), tokens: mk(tokens) };
  }
}

export async function readAzureTraceSeries(path: string, bucketMs = 10_000): Promise<TraceSeries> {
  const agg = new AzureTraceAggregator(bucketMs, path);
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) agg.push(line);
  return agg.finish();
}
