/**
 * Progress of an experiment: a bar with an ETA on a terminal (cli-progress), and on anything
 * else (CI logs, pipes) a plain line at every tenth of the work. The clock is passed in: the
 * CLI gives the wall clock, tests a fake one.
 */
import cliProgress from 'cli-progress';

export interface ProgressSink {
  start(total: number, alreadyDone: number): void;
  tick(label: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Milliseconds, monotonic enough for an ETA. */
  now: () => number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  title?: string;
}

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Plain lines: `flash-sale: 12/40 runs (30%), 8 cached, ETA 1m20s, last adaptive seed 3`. */
export class LineProgress implements ProgressSink {
  private total = 0;
  private done = 0;
  private cached = 0;
  private startedAt = 0;
  private nextReport = 0;

  constructor(private readonly options: ProgressOptions) {}

  start(total: number, alreadyDone: number): void {
    this.total = total;
    this.done = alreadyDone;
    this.cached = alreadyDone;
    this.startedAt = this.options.now();
    this.nextReport = alreadyDone + Math.max(1, Math.ceil((total - alreadyDone) / 10));
    this.write(`${this.total} runs, ${this.cached} already done`);
  }

  tick(label: string): void {
    this.done++;
    if (this.done >= this.nextReport || this.done === this.total) {
      this.nextReport = this.done + Math.max(1, Math.ceil((this.total - this.cached) / 10));
      const pct = Math.round((100 * this.done) / this.total);
      const ran = this.done - this.cached;
      const elapsed = (this.options.now() - this.startedAt) / 1000;
      const eta = ran > 0 ? (elapsed / ran) * (this.total - this.done) : Number.NaN;
      this.write(`${this.done}/${this.total} runs (${pct}%), ETA ${formatEta(eta)}, last ${label}`);
    }
  }

  stop(): void {}

  private write(line: string): void {
    (this.options.stream ?? process.stderr).write(`${this.options.title ?? 'experiment'}: ${line}\n`);
  }
}

/** The terminal bar (cli-progress computes the ETA from its own timing). */
export class BarProgress implements ProgressSink {
  private readonly bar: cliProgress.SingleBar;

  constructor(options: ProgressOptions) {
    this.bar = new cliProgress.SingleBar(
      {
        format: `${options.title ?? 'experiment'} {bar} {percentage}% | {value}/{total} runs | ETA {eta_formatted} | {label}`,
        stream: options.stream,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number, alreadyDone: number): void {
    this.bar.start(total, alreadyDone, { label: alreadyDone > 0 ? `${alreadyDone} cached` : '' });
  }

  tick(label: string): void {
    this.bar.increment(1, { label });
  }

  stop(): void {
    this.bar.stop();
  }
}

export function createProgress(options: ProgressOptions): ProgressSink {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? new BarProgress({ ...options, stream }) : new LineProgress({ ...options, stream });
}
