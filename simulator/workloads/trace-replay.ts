/**
 * Replays a trace as arrivals. Times are compressed by `speedup` (t' = t / speedup) and the
 * volume scaled by `scale`: each row becomes floor(scale) copies plus one more with probability
 * frac(scale) (so 0.5 thins to half, 2.5 replicates 2 or 3 times), deterministically with the
 * seed. Rows are pulled from the streaming reader a chunk at a time, so memory holds one chunk.
 */
import type { SeededRng } from '../../gateway-core/rng.js';
import type { TraceRow } from '../../datasets/traces/trace-reader.js';

export interface TraceReplayOptions {
  speedup: number;
  scale: number;
  /** Rows pulled per refill. */
  chunk?: number;
}

export interface ReplayArrival {
  atMs: number;
  row: TraceRow;
}

export class TraceReplay {
  private buffer: ReplayArrival[] = [];
  private pos = 0;
  private ended = false;
  private readonly chunk: number;
  /** Rows read from the file and arrivals made from them. */
  rowsRead = 0;
  arrivals = 0;

  constructor(
    private readonly rows: AsyncIterator<TraceRow>,
    private readonly options: TraceReplayOptions,
    private readonly rng: SeededRng,
  ) {
    if (!(options.speedup > 0)) throw new RangeError(`trace speedup must be > 0, got ${options.speedup}`);
    if (!(options.scale > 0)) throw new RangeError(`trace scale must be > 0, got ${options.scale}`);
    this.chunk = options.chunk ?? 4096;
  }

  /** True when every row has been read and handed out. */
  get done(): boolean {
    return this.ended && this.pos >= this.buffer.length;
  }

  /** Arrivals buffered and not yet taken. */
  get available(): number {
    return this.buffer.length - this.pos;
  }

  /** Time of the last buffered arrival (what the simulation may run up to safely). */
  get horizonMs(): number {
    if (this.ended) return Number.POSITIVE_INFINITY;
    return this.buffer.length > this.pos
      ? this.buffer[this.buffer.length - 1].atMs
      : Number.NEGATIVE_INFINITY;
  }

  /** Reads the next chunk of rows (no-op at the end of the file). */
  async fill(): Promise<void> {
    if (this.ended) return;
    if (this.pos > 0) {
      this.buffer = this.buffer.slice(this.pos);
      this.pos = 0;
    }
    const whole = Math.floor(this.options.scale);
    const frac = this.options.scale - whole;
    for (let n = 0; n < this.chunk; n++) {
      const r = await this.rows.next();
      if (r.done) {
        this.ended = true;
        break;
      }
      this.rowsRead++;
      const copies = whole + (frac > 0 && this.rng.next() < frac ? 1 : 0);
      const atMs = r.value.timeMs / this.options.speedup;
      for (let i = 0; i < copies; i++) this.buffer.push({ atMs, row: r.value });
    }
  }

  /** The next arrival, or undefined when the buffer is empty (call fill) or the trace ended. */
  take(): ReplayArrival | undefined {
    if (this.pos >= this.buffer.length) return undefined;
    this.arrivals++;
    return this.buffer[this.pos++];
  }

  peekTime(): number | undefined {
    return this.pos < this.buffer.length ? this.buffer[this.pos].atMs : undefined;
  }
}
