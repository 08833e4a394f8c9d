/**
 * Passes an upstream SSE stream to the client event by event while accounting tokens. Events end
 * with a blank line; a partial event waits in `carry` for its end (so nothing is split, and
 * nothing waits longer than its own bytes take to arrive).
 *
 * Tokens: the usage chunk (`"usage": {...}`, asked for with stream_options.include_usage) gives
 * prompt and completion tokens exactly; without one, each content delta counts as one token.
 * When the gateway itself asked for usage (the client did not), the usage-only chunk is dropped
 * so the client sees the stream it asked for.
 */
export interface StreamUsage {
  inputTokens: number | null;
  outputTokens: number;
  /** Whether the upstream sent a usage chunk. */
  exact: boolean;
  sawDone: boolean;
}

export class SseRelay {
  private carry = '';
  readonly usage: StreamUsage = { inputTokens: null, outputTokens: 0, exact: false, sawDone: false };
  private deltas = 0;

  constructor(private readonly dropUsageChunk: boolean) {}

  /** Takes upstream bytes; returns the text to send to the client now ('' when none). */
  push(chunk: Buffer | string): string {
    const text = this.carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const end = text.lastIndexOf('\n\n');
    if (end < 0) {
      this.carry = text;
      return '';
    }
    this.carry = text.slice(end + 2);
    const complete = text.slice(0, end + 2);
    return this.scan(complete);
  }

  /** Whatever is left at the end of the stream. */
  end(): string {
    const rest = this.carry;
    this.carry = '';
    if (!this.usage.exact) this.usage.outputTokens = this.deltas;
    return rest === '' ? '' : this.scan(rest);
  }

  private scan(events: string): string {
    // Fast path: most chunks are content deltas without usage.
    if (!events.includes('"usage"') && !events.includes('[DONE]')) {
      this.deltas += countOccurrences(events, 'data: ');
      return events;
    }
    let out = '';
    for (const ev of events.split('\n\n')) {
      if (ev === '') continue;
      const data = ev.startsWith('data: ') ? ev.slice(6) : ev.startsWith('data:') ? ev.slice(5) : null;
      if (data === null) {
        out += `${ev}\n\n`;
        continue;
      }
      if (data.trim() === '[DONE]') {
        this.usage.sawDone = true;
        out += `${ev}\n\n`;
        continue;
      }
      if (data.includes('"usage"')) {
        const usageOnly = this.readUsage(data);
        if (usageOnly && this.dropUsageChunk) continue;
        if (!usageOnly) this.deltas++;
      } else this.deltas++;
      out += `${ev}\n\n`;
    }
    return out;
  }

  /** Reads a usage object; true when the chunk carries nothing else (no choices). */
  private readUsage(data: string): boolean {
    try {
      const obj = JSON.parse(data) as {
        usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
        choices?: unknown;
      };
      const u = obj.usage;
      if (u && typeof u.completion_tokens === 'number') {
        this.usage.exact = true;
        this.usage.outputTokens = u.completion_tokens;
        if (typeof u.prompt_tokens === 'number') this.usage.inputTokens = u.prompt_tokens;
      }
      return !Array.isArray(obj.choices) || obj.choices.length === 0;
    } catch {
      return false;
    }
  }
}

function countOccurrences(s: string, what: string): number {
  let n = 0;
  let i = s.indexOf(what);
  while (i >= 0) {
    n++;
    i = s.indexOf(what, i + what.length);
  }
  return n;
}
