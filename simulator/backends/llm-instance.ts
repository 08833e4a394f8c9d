/**
 * A self-hosted LLM server with continuous batching. An attempt runs in two phases:
 *
 *   prefill  = inputTokens * prefillMsPerToken * slowdown                (then the first token)
 *   decode:  every running sequence emits one token per step, and a step takes
 *            d(b) = decodeMsPerToken * (1 + batchSlowdown * (b - 1)) * slowdown
 *            where b = sequences decoding now (the running batch).
 *
 * Because every sequence advances by the same number of tokens per unit time, decoding is
 * tracked with one virtual token clock V (dV/dt = 1 / d(b)): a sequence that joins at V0 with n
 * tokens to make finishes when V reaches V0 + n. Only a change of b (or of slowdown) changes the
 * rate, so each change costs one re-schedule, not one event per token.
 * At most `maxSequences` run at once; more wait in the instance's FIFO.
 */
import type { Environment } from '../kernel/environment.js';
import type { Flight } from './upstream.js';

export interface LlmInstanceSpec {
  prefillMsPerToken: number;
  decodeMsPerToken: number;
  batchSlowdown: number;
  maxSequences: number;
}

interface Sequence {
  flight: Flight;
  finishV: number;
}

export class LlmInstance {
  private v = 0;
  private lastT: number;
  private readonly decoding: Sequence[] = [];
  private readonly waiting: Flight[] = [];
  private readonly prefilling = new Set<Flight>();
  private gen = 0;
  slowdown = 1;
  /** Attempts on this instance not yet answered (waiting, prefilling or decoding). */
  inFlight = 0;
  private readonly onWake: (gen: number) => void;
  private readonly onPrefilled: (f: Flight) => void;

  constructor(
    readonly id: string,
    private readonly spec: LlmInstanceSpec,
    private readonly env: Environment,
    private readonly done: (f: Flight) => void,
  ) {
    this.lastT = env.now();
    this.onWake = (gen) => {
      if (gen === this.gen) this.finishDue();
    };
    this.onPrefilled = (f) => this.startDecode(f);
  }

  /** Seconds per token step with b sequences decoding. */
  stepMs(b: number): number {
    return this.spec.decodeMsPerToken * (1 + this.spec.batchSlowdown * Math.max(0, b - 1)) * this.slowdown;
  }

  get running(): number {
    return this.prefilling.size + this.decoding.length;
  }

  accept(flight: Flight): void {
    this.inFlight++;
    if (this.running < this.spec.maxSequences) this.startPrefill(flight);
    else this.waiting.push(flight);
  }

  private startPrefill(f: Flight): void {
    this.prefilling.add(f);
    const ms = f.request.inputTokens * this.spec.prefillMsPerToken * this.slowdown;
    this.env.timeout(ms, this.onPrefilled, f);
  }

  private advance(): void {
    const now = this.env.now();
    if (this.decoding.length > 0) this.v += (now - this.lastT) / this.stepMs(this.decoding.length);
    this.lastT = now;
  }

  private startDecode(f: Flight): void {
    // Not there any more: the instance crashed during the prefill (the pool failed it).
    if (!this.prefilling.delete(f)) return;
    this.advance();
    // The first token comes one step after prefill, at the batch size it joins.
    f.ttftMs = this.env.now() - f.startedAt + this.stepMs(this.decoding.length + 1);
    this.decoding.push({ flight: f, finishV: this.v + Math.max(1, f.request.outputTokens) });
    this.reschedule();
  }

  private finishDue(): void {
    this.advance();
    const eps = 1e-9;
    for (let i = 0; i < this.decoding.length; ) {
      const s = this.decoding[i];
      if (s.finishV <= this.v + eps) {
        this.decoding[i] = this.decoding[this.decoding.length - 1];
        this.decoding.pop();
        this.leave();
        this.done(s.flight);
      } else i++;
    }
    this.reschedule();
  }

  private leave(): void {
    this.inFlight--;
    const next = this.waiting.shift();
    if (next !== undefined) this.startPrefill(next);
  }

  private reschedule(): void {
    this.gen++;
    if (this.decoding.length === 0) return;
    let minV = Number.POSITIVE_INFINITY;
    for (const s of this.decoding) if (s.finishV < minV) minV = s.finishV;
    const at = this.env.now() + Math.max(0, minV - this.v) * this.stepMs(this.decoding.length);
    this.env.schedule(at, this.onWake, this.gen);
  }

  /** Changes the speed factor mid-flight (a slowdown fault). */
  setSlowdown(factor: number): void {
    this.advance();
    this.slowdown = factor;
    this.reschedule();
  }

  /** A crash: every attempt here is lost. Returns them so the pool can fail them. */
  crash(): Flight[] {
    const lost = [...this.waiting, ...this.prefilling, ...this.decoding.map((s) => s.flight)];
    this.waiting.length = 0;
    this.prefilling.clear();
    this.decoding.length = 0;
    this.gen++;
    this.inFlight = 0;
    return lost;
  }
}
